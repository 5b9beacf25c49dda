// The handshake deadline of each TCP connection, in virtual time.
import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { TestScheduler } from 'rxjs/testing';
import { HandshakeDeadlines } from '../../src/internal/server/handshake-deadlines';

const newSocket = () => new EventEmitter() as unknown as Socket & EventEmitter;

describe('HandshakeDeadlines', () => {
  let testScheduler: TestScheduler;
  /** What expired, as `<virtual time> <socket name>`. */
  let log: string[];
  const names = new Map<Socket, string>();
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
    log = [];
  });

  /** Runs `work` at virtual time `time`. */
  const at = (time: number, work: () => void): void => void testScheduler.schedule(work, time);

  function deadlines(timeout: number): HandshakeDeadlines {
    return new HandshakeDeadlines(timeout, testScheduler, (socket) => log.push(`${testScheduler.now()} ${names.get(socket)}`));
  }

  function named(name: string) {
    const socket = newSocket();
    names.set(socket, name);
    return socket;
  }

  it('reports a socket whose request is not complete within the timeout, at the timeout, once', () => {
    const watched = deadlines(100);
    const [slow, late] = [named('slow'), named('late')];
    at(0, () => watched.watch(slow));
    at(50, () => watched.watch(late));
    at(200, () => expect(watched.pending).to.equal(0));
    testScheduler.flush();
    expect(log).to.deep.equal(['100 slow', '150 late']);
    expect(slow.listenerCount('close')).to.equal(0);
  });

  it('forgets a socket whose request completed, or which closed', () => {
    const watched = deadlines(100);
    const [upgraded, closed] = [named('upgraded'), named('closed')];
    at(0, () => {
      watched.watch(upgraded);
      watched.watch(closed);
      expect(watched.pending).to.equal(2);
    });
    at(99, () => {
      watched.settle(upgraded);
      closed.emit('close');
    });
    testScheduler.flush();
    expect(log).to.deep.equal([]);
    expect(watched.pending).to.equal(0);
    expect(upgraded.listenerCount('close')).to.equal(0);
  });

  it('sets no deadline with an Infinity timeout', () => {
    const watched = deadlines(Infinity);
    watched.watch(named('any'));
    testScheduler.flush();
    expect([log, watched.pending]).to.deep.equal([[], 0]);
  });
});
