import { TestScheduler } from 'rxjs/testing';
import { CloseCode, describeCloseCode, isValidWireCloseCode } from '../close-code';
import { utf8ByteLength } from '../utf8-byte-length';
import { MAX_CLOSE_REASON_BYTES } from '../validate-close';
import { endsHandshake, normalClosureEnding, PeerEnding } from './peer-ending';

/** One thing the peer does, at a frame counted from the moment the task connects. */
export type PeerStep<T> =
  | { readonly frame: number; readonly type: 'open' }
  | { readonly frame: number; readonly type: 'message'; readonly value: T }
  | { readonly frame: number; readonly type: 'end'; readonly ending: PeerEnding };

/** `^` stands in the marbles for this private-use character, which RxJS's parser takes as a value key. */
const OPEN_KEY = '\uE000';
const OPEN = Symbol('open');

/**
 * Parses a peer script: marbles as `cold()` takes them, where `^` is the moment the server
 * completes the opening handshake, values are messages the peer sends, `|` is a Close frame
 * with normalClosure and `#` is `ending`. Throws a clear error for a script no peer could play.
 */
export function parsePeerScript<T>(
  marbles: string,
  values: Readonly<Record<string, T>> | undefined,
  ending: PeerEnding | CloseCode | undefined,
): PeerStep<T>[] {
  const opens = [...marbles].filter((c) => c === '^').length;
  if (opens > 1) throw scriptError(marbles, 'it has more than one ^; the connection opens once.');
  const keys: Record<string, unknown> = values === undefined ? Object.fromEntries([...marbles].map((c) => [c, c])) : { ...values };
  keys[OPEN_KEY] = OPEN;
  const messages = TestScheduler.parseMarbles(marbles.replace('^', OPEN_KEY), keys, ending, false, true);

  const steps: PeerStep<T>[] = [];
  let opened = false;
  for (const { frame, notification } of messages) {
    if (steps.at(-1)?.type === 'end') throw scriptError(marbles, 'nothing can follow the end of the connection (| or #).');
    if (notification.kind === 'N' && notification.value === OPEN) {
      opened = true;
      steps.push({ frame, type: 'open' });
    } else if (notification.kind === 'N') {
      if (!opened) throw scriptError(marbles, 'it sends a message before the connection opens: put ^ where the handshake completes, e.g. "^-a-|".');
      if (notification.value === undefined) throw scriptError(marbles, 'a character of it has no entry in values.');
      steps.push({ frame, type: 'message', value: notification.value as T });
    } else {
      const end = notification.kind === 'C' ? normalClosureEnding : resolveEnding(ending, opened);
      checkEnding(marbles, end, opened);
      steps.push({ frame, type: 'end', ending: end });
    }
  }
  return steps;
}

function resolveEnding(ending: PeerEnding | CloseCode | undefined, opened: boolean): PeerEnding {
  if (typeof ending === 'number') return PeerEnding.close(ending);
  return ending ?? (opened ? PeerEnding.drop() : PeerEnding.refuse());
}

function checkEnding(marbles: string, ending: PeerEnding, opened: boolean): void {
  const duringHandshake = endsHandshake(ending);
  if (duringHandshake === true && opened) {
    throw scriptError(marbles, `PeerEnding.${ending.kind}() happens during the opening handshake: put # before ^.`);
  }
  if (duringHandshake === false && !opened) {
    const what = ending.kind === 'close' ? 'A Close frame (| or a close code)' : `PeerEnding.${ending.kind}()`;
    throw scriptError(marbles, `${what} needs an open connection: put ^ before it, or use PeerEnding.refuse() to fail the handshake.`);
  }
  if (ending.kind === 'close') checkCloseFrame(marbles, ending.code, ending.reason);
}

function checkCloseFrame(marbles: string, code: number | undefined, reason: string): void {
  if (code === undefined) {
    if (reason !== '') throw scriptError(marbles, 'a Close frame without a status code cannot carry a reason.');
    return;
  }
  if (!isValidWireCloseCode(code)) {
    const instead =
      code === CloseCode.noStatusReceived
        ? 'PeerEnding.close() without a code sends a Close frame without status'
        : code === CloseCode.abnormalClosure
          ? 'PeerEnding.drop() ends the connection without a Close frame'
          : code === CloseCode.tlsHandshakeFailure
            ? 'PeerEnding.tlsFailure() fails the TLS handshake'
            : 'PeerEnding.protocolError() sends a frame that breaks the protocol';
    throw scriptError(marbles, `${describeCloseCode(code)} never appears in a Close frame: ${instead}.`);
  }
  if (utf8ByteLength(reason) > MAX_CLOSE_REASON_BYTES) {
    throw scriptError(marbles, `a close reason holds at most ${MAX_CLOSE_REASON_BYTES} bytes of UTF-8.`);
  }
}

function scriptError(marbles: string, why: string): Error {
  return new Error(`Invalid peer script "${marbles}": ${why}`);
}
