// Type tests of the task, its generics, its errors and its lifecycle, against the
// package's published declarations.
import { Observable, Subject } from 'rxjs';
import {
  CloseCode,
  fromWebSocketTask,
  jsonCodec,
  rawCodec,
  WebSocketTask,
  WebSocketTaskError,
  type WebSocketCodec,
  type WebSocketMessage,
  type WebSocketTaskErrorCode,
  type WebSocketTaskEvent,
  type WebSocketTaskState,
} from 'rxjs-websocket-task';
import { accepts, expectTrue, type Equal } from './expect-type';

// Without a codec: text as string, binary as Uint8Array.
const raw = fromWebSocketTask('wss://example.com');
expectTrue<Equal<typeof raw, WebSocketTask<WebSocketMessage>>>();
expectTrue<Equal<WebSocketMessage, string | Uint8Array>>();
expectTrue<Equal<typeof rawCodec, WebSocketCodec<WebSocketMessage>>>();
accepts<WebSocketTask>(fromWebSocketTask(new URL('wss://example.com')));
raw.next('text');
raw.next(new Uint8Array([1, 2, 3]));
// @ts-expect-error without a codec only text and bytes can be sent
raw.next({ type: 'hello' });

// A codec decides T, for both directions.
interface Tick {
  readonly symbol: string;
  readonly price: number;
}
const ticks = fromWebSocketTask({ url: 'wss://example.com', codec: jsonCodec<Tick>() });
expectTrue<Equal<typeof ticks, WebSocketTask<Tick>>>();
ticks.next({ symbol: 'BTC', price: 1 });
// @ts-expect-error values must be Ticks
ticks.next({ symbol: 'BTC' });
ticks.subscribe((tick) => expectTrue<Equal<typeof tick, Tick>>());

// An explicit type argument works with the rxjs/webSocket-style deserializer.
const migrated = fromWebSocketTask<Tick>({
  url: 'wss://example.com',
  deserializer: ({ data }) => JSON.parse(String(data)) as Tick,
  serializer: (tick) => JSON.stringify(tick),
});
expectTrue<Equal<typeof migrated, WebSocketTask<Tick>>>();

// A task is an RxJS Subject, and pipes like one.
accepts<Subject<Tick>>(ticks);
accepts<Observable<number>>(ticks.pipe((source) => new Observable<number>((s) => source.subscribe((t) => s.next(t.price)))));

// The Apple-style lifecycle properties.
expectTrue<Equal<typeof ticks.closeCode, CloseCode>>();
expectTrue<Equal<typeof ticks.closeReason, string | undefined>>();
expectTrue<Equal<typeof ticks.state, WebSocketTaskState>>();
expectTrue<Equal<WebSocketTaskState, 'idle' | 'connecting' | 'open' | 'closing' | 'closed' | 'reconnecting'>>();
expectTrue<Equal<typeof ticks.lifecycle, Observable<WebSocketTaskEvent>>>();
ticks.cancel(CloseCode.goingAway);
ticks.cancel(4001, 'session expired');
// @ts-expect-error the reason is a string
ticks.cancel(4001, 42);
expectTrue<Equal<ReturnType<typeof ticks.sendPing>, Observable<number>>>();
expectTrue<Equal<ReturnType<typeof ticks.drained>, Observable<void>>>();
const btc = ticks.multiplex(
  () => ({ symbol: 'BTC', price: 0 }),
  () => ({ symbol: 'BTC', price: -1 }),
  (tick) => tick.symbol === 'BTC',
);
expectTrue<Equal<typeof btc, Observable<Tick>>>();

// Lifecycle events narrow by type.
ticks.lifecycle.subscribe((event) => {
  if (event.type === 'closed') {
    expectTrue<Equal<typeof event.closeCode, CloseCode>>();
    expectTrue<Equal<typeof event.wasClean, boolean>>();
    expectTrue<Equal<typeof event.error, WebSocketTaskError | undefined>>();
  } else if (event.type === 'reconnecting') {
    expectTrue<Equal<typeof event.attempt, number>>();
    expectTrue<Equal<typeof event.error, WebSocketTaskError>>();
  } else if (event.type === 'open') {
    expectTrue<Equal<typeof event.protocol, string>>();
  }
});

// The error class.
const error = new WebSocketTaskError('ERR_CLOSED_BY_PEER', 'closed', { closeCode: 4001, closeReason: 'bye', wasClean: true });
accepts<Error>(error);
expectTrue<Equal<typeof error.code, WebSocketTaskErrorCode>>();
expectTrue<Equal<typeof error.closeCode, CloseCode>>();
expectTrue<Equal<typeof error.closeReason, string | undefined>>();
expectTrue<Equal<typeof error.wasClean, boolean>>();
expectTrue<Equal<typeof error.httpStatus, number | undefined>>();
expectTrue<Equal<typeof error.undelivered, readonly unknown[]>>();
accepts<WebSocketTaskErrorCode>('ERR_INVALID_CLOSE_CODE');
accepts<WebSocketTaskErrorCode>('ERR_MESSAGE_TOO_BIG');
// @ts-expect-error codes are a closed union
accepts<WebSocketTaskErrorCode>('ERR_SOMETHING_ELSE');
