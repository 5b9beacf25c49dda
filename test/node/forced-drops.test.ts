// 1,000 forced drops with a producer sending throughout: afterwards every value is
// accounted for. A value is handed to exactly one socket (the `sent` count of that
// connection's `closed` event) and is then either received by the server once, or lost in
// flight when that connection dropped (a suffix of what the connection was handed), or
// reported undelivered. Nothing is duplicated and nothing disappears unreported: on a
// connection that ended with a close handshake, nothing counted as sent is lost.
import { expect } from 'chai';
import { filter, lastValueFrom } from 'rxjs';
import { fromWebSocketTask, type WebSocketTaskEvent } from '../../src/index';
import { observeTask, taskCompletion } from '../support/observe-task';
import { startWsServer, type PeerConnection } from '../support/ws-test-server';

type Closed = Extract<WebSocketTaskEvent, { type: 'closed' }>;

describe('send queue under 1,000 forced drops', function () {
  this.timeout(120_000);

  it('accounts for every value: received once, lost in flight with its connection, or reported undelivered', async () => {
    const drops = 1_000;
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    let dropped = 0;
    const server = await startWsServer({
      onConnection: (peer: PeerConnection) => {
        if (dropped >= drops) return;
        const limit = 1 + Math.floor(random() * 20);
        let count = 0;
        peer.socket.on('message', () => {
          if (++count === limit && dropped < drops) {
            dropped++;
            peer.socket.terminate();
          }
        });
      },
    });
    try {
      const task = fromWebSocketTask<string>({ url: server.url, reconnect: { initialDelay: 1, random: () => 0 } });
      const closed: Closed[] = [];
      task.lifecycle.pipe(filter((e): e is Closed => e.type === 'closed')).subscribe((e) => closed.push(e));
      const run = observeTask(task);
      const started = performance.now();
      let accepted = 0;
      let refused = 0;
      while (dropped < drops) {
        for (let i = 0; i < 8; i++) {
          try {
            task.next(String(accepted));
            accepted++;
          } catch {
            refused++;
          }
        }
        // A producer that paces itself on the socket's buffer, as docs/reconnect-and-heartbeat.md shows.
        if (task.bufferedAmount > 256) await lastValueFrom(task.drained(256, 1));
        else await new Promise((resolve) => setImmediate(resolve));
        if (performance.now() - started > 100_000) throw new Error(`only ${dropped} drops in 100 s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      task.complete();
      await taskCompletion(run);
      await new Promise((resolve) => setTimeout(resolve, 50));

      const sent = closed.map((e) => e.sent);
      const handed = sent.reduce((a, b) => a + b, 0);
      const undelivered = closed.at(-1)!.undelivered.length;
      const receivedPerConnection = server.connections.map((peer) => peer.messages.map((m) => Number(String(m.data))));
      const received = receivedPerConnection.flat();
      let start = 0;
      let lostInFlight = 0;
      let lostOtherwise = 0;
      for (const [k, count] of sent.entries()) {
        const got = receivedPerConnection[k] ?? [];
        const expected = Array.from({ length: got.length }, (_, i) => start + i);
        expect(got).to.deep.equal(expected, `connection ${k} received a prefix of what it was handed`);
        expect(got.length).to.be.at.most(count);
        // Lost in flight means only: written, then the transport died (no Close frame: 1006).
        // A connection that ended with a close handshake delivered everything it counted as sent.
        if (closed[k]!.closeCode === 1006) lostInFlight += count - got.length;
        else lostOtherwise += count - got.length;
        start += count;
      }
      const duplicates = received.length - new Set(received).size;
      console.log(
        `      forced drops: ${dropped} drops, ${closed.length} connections, ${accepted} values accepted ` +
          `(${refused} refused by a full queue, never taken), ${received.length} received once, ` +
          `${lostInFlight} lost in flight with a dropped connection, ${lostOtherwise} lost otherwise, ${undelivered} undelivered, ` +
          `${duplicates} duplicates, ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      expect(dropped).to.equal(drops);
      expect(duplicates).to.equal(0);
      expect(lostOtherwise).to.equal(0, 'values counted as sent on a connection that closed cleanly were lost');
      expect(handed + undelivered).to.equal(accepted, 'every accepted value was handed to a socket or reported');
      expect(received.length + lostInFlight + lostOtherwise + undelivered).to.equal(accepted);
    } finally {
      await server.close();
    }
  });
});
