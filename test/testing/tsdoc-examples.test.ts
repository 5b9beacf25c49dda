// The @example of every export of the kit, run as a test. The last test checks that the
// doc comments in src/internal/testing/ show them as they are here (imports aside).
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { retry } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CloseCode, fromWebSocketTask, jsonCodec } from '../../src/index';
import {
  closeFrame,
  createVirtualPeer,
  PeerEnding,
  summarizeErrors,
  type CloseFrame,
  type TaskErrorSummary,
} from '../../src/testing/index';

describe('the @example of each export of the kit', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('CloseFrame', () => {
    const goingAway: CloseFrame = closeFrame(CloseCode.goingAway, 'restart');
    expect(goingAway).to.deep.equal({ type: 'close', code: 1001, reason: 'restart' });
  });

  it('closeFrame', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const peer = createVirtualPeer();
      const connection = peer.script('^');
      const task = peer.fromWebSocketTask('wss://example.test');
      expectObservable(task).toBe('--|');
      cold('--a').subscribe(() => task.cancel(CloseCode.goingAway, 'bye'));
      expectObservable(connection.sent).toBe('--(c|)', { c: closeFrame(CloseCode.goingAway, 'bye') });
    });
  });

  it('VirtualRequest', () => {
    testScheduler.run(({ expectObservable }) => {
      const peer = createVirtualPeer();
      const task = peer.fromWebSocketTask({ url: 'https://example.test/feed', protocols: ['feed.v2'] });
      expectObservable(task, '--^-!').toBe('');
      expectObservable(peer.requests).toBe('--r', { r: { index: 0, url: 'wss://example.test/feed', protocols: ['feed.v2'] } });
    });
  });

  it('VirtualPeer', () => {
    // the code under test
    const orders = (connect: typeof fromWebSocketTask = fromWebSocketTask) =>
      connect({ url: 'wss://shop.example.com/orders', codec: jsonCodec<{ id: number }>() });

    // its test
    testScheduler.run(({ expectObservable }) => {
      const peer = createVirtualPeer();
      peer.script('^-a-|', { a: '{"id":7}' });
      expectObservable(orders(peer.fromWebSocketTask)).toBe('--a-|', { a: { id: 7 } });
    });
  });

  it('createVirtualPeer', () => {
    testScheduler.run(({ expectObservable }) => {
      const peer = createVirtualPeer();
      const connection = peer.script('^-a-b-#', { a: 'hello', b: 'world' }, CloseCode.goingAway);
      const task = peer.fromWebSocketTask('wss://example.test/echo');
      task.next('hi');
      expectObservable(task.pipe(summarizeErrors())).toBe('--a-b-#', { a: 'hello', b: 'world' }, {
        code: 'ERR_CLOSED_BY_PEER',
        closeCode: CloseCode.goingAway,
        closeReason: '',
        wasClean: true,
      });
      expectObservable(connection.sent).toBe('h-----(c|)', { h: 'hi', c: closeFrame(CloseCode.goingAway) });
    });
  });

  it('PeerEnding (the type)', () => {
    const endings: PeerEnding[] = [PeerEnding.close(4001, 'bye'), PeerEnding.drop(), PeerEnding.refuse(401)];
    expect(endings.map((ending) => ending.kind)).to.deep.equal(['close', 'drop', 'refuse']);
  });

  it('PeerEnding', () => {
    testScheduler.run(({ expectObservable }) => {
      const peer = createVirtualPeer();
      peer.script('--#', undefined, PeerEnding.refuse(503));                    // connection 0
      peer.script('^-a-#', undefined, PeerEnding.close(CloseCode.tryAgainLater)); // connection 1
      const task = peer.fromWebSocketTask('wss://example.test');
      expectObservable(task.pipe(retry(1), summarizeErrors())).toBe('----a-#', undefined, {
        code: 'ERR_CLOSED_BY_PEER',
        closeCode: CloseCode.tryAgainLater,
        closeReason: '',
        wasClean: true,
      });
    });
  });

  it('TaskErrorSummary', () => {
    const dropped: TaskErrorSummary = {
      code: 'ERR_CONNECTION_LOST',
      closeCode: CloseCode.abnormalClosure,
      closeReason: '',
      wasClean: false,
    };
    expect(dropped.closeCode).to.equal(1006);
  });

  it('summarizeErrors', () => {
    testScheduler.run(({ expectObservable }) => {
      const peer = createVirtualPeer();
      peer.script('^-a-#', undefined, CloseCode.tryAgainLater);
      const task = peer.fromWebSocketTask('wss://example.test');
      expectObservable(task.pipe(summarizeErrors())).toBe('--a-#', undefined, {
        code: 'ERR_CLOSED_BY_PEER',
        closeCode: CloseCode.tryAgainLater,
        closeReason: '',
        wasClean: true,
      });
    });
  });

  it('VirtualConnection', () => {
    testScheduler.run(({ expectObservable }) => {
      const peer = createVirtualPeer();
      const connection = peer.script('^-a-|');
      const task = peer.fromWebSocketTask('wss://example.test');
      task.next('hello'); // queued until open
      expectObservable(task).toBe('--a-|');
      expectObservable(connection.sent).toBe('h---(c|)', { h: 'hello', c: closeFrame(1000) });
    });
  });

  it('VirtualPeerOptions', () => {
    const peer = createVirtualPeer({
      codec: jsonCodec<{ type: string }>(), // script values and `sent` as objects, JSON on the wire
      pongDelay: 20,                        // pongs come 20 ms after each ping
      closeDelay: Infinity,                 // never answers the task's Close frame
    });
    expect(peer.connection(0).index).to.equal(0);
  });

  it('are the examples the doc comments show', () => {
    const lines = (code: string) => code.split('\n').map((line) => line.trim()).filter((line) => line !== '').join('\n');
    const here = lines(readFileSync(fileURLToPath(import.meta.url), 'utf8'));
    const dir = fileURLToPath(new URL('../../src/internal/testing/', import.meta.url));
    let count = 0;
    for (const file of readdirSync(dir)) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const [, block] of source.matchAll(/ \* ```ts\n([\s\S]*?) \* ```/g)) {
        const code = block!
          .split('\n')
          .map((line) => line.replace(/^ \*( |$)/, ''))
          .filter((line) => !line.startsWith('import '))
          .join('\n')
          .replace(/const testScheduler = new TestScheduler\(\(actual, expected\) => \{\n\s*expect\(actual\)\.to\.deep\.equal\(expected\);\n\}\);/, '');
        expect(here, `the example in ${file}`).to.contain(lines(code));
        count++;
      }
    }
    expect(count).to.equal(11);
  });
});
