// Type tests of the marble-testing kit's public types, against the published declarations.
import type { MonoTypeOperatorFunction, Observable } from 'rxjs';
import { CloseCode, jsonCodec, type fromWebSocketTask } from 'rxjs-websocket-task';
import {
  closeFrame,
  createVirtualPeer,
  PeerEnding,
  summarizeErrors,
  type CloseFrame,
  type TaskErrorSummary,
  type VirtualConnection,
  type VirtualPeer,
} from 'rxjs-websocket-task/testing';
import { accepts, expectTrue, type Equal } from './expect-type';

type Msg = { readonly type: string };
const peer = createVirtualPeer({ codec: jsonCodec<Msg>() });
expectTrue<Equal<typeof peer, VirtualPeer<Msg>>>();
// The peer's fromWebSocketTask is a drop-in for the real one.
expectTrue<Equal<typeof peer.fromWebSocketTask, typeof fromWebSocketTask>>();

const connection = peer.script('^-a-#', { a: { type: 'hello' } }, PeerEnding.close(4001, 'bye'));
expectTrue<Equal<typeof connection, VirtualConnection<Msg>>>();
expectTrue<Equal<typeof connection.sent, Observable<Msg | CloseFrame>>>();
peer.script('^-#', undefined, CloseCode.goingAway);
// @ts-expect-error script values are the peer's message type
peer.script('^-a', { a: 'text' });

expectTrue<Equal<CloseFrame, { readonly type: 'close'; readonly code: CloseCode; readonly reason: string }>>();
accepts<CloseFrame>(closeFrame(CloseCode.normalClosure));
accepts<PeerEnding>(PeerEnding.drop());
accepts<PeerEnding>(PeerEnding.refuse(503));
accepts<TaskErrorSummary>({ code: 'ERR_CLOSED_BY_PEER', closeCode: 4001, closeReason: 'bye', wasClean: true });
expectTrue<Equal<ReturnType<typeof summarizeErrors<Msg>>, MonoTypeOperatorFunction<Msg>>>();
