import { TestBed } from '@angular/core/testing';
import { map, mergeMap, Subject, throwError, timer, type ObservableInput } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CloseCode, jsonCodec, WebSocketTaskError, type fromWebSocketTask, type WebSocketTaskConfig } from 'rxjs-websocket-task';
import { closeFrame, createVirtualPeer, PeerEnding, type VirtualPeer } from 'rxjs-websocket-task/testing';
import { WEB_SOCKET_TASK } from './price-feed';
import { TRADE_FEED_URL, TRADE_STORE, TradeJournal, type Trade } from './trade-journal';

// Marble tests of the journal with the library's testing kit: a virtual trade server scripted
// with marble diagrams, and a store that takes virtual time, so that the store can lag behind
// the feed. Under browser rules the virtual peer is the classic WebSocket, which cannot pause
// (its task's pauseInbound() returns false; the WebSocketStream transport is not modelled), so
// the tests watch the task's pauseInbound()/resumeInbound() calls with vi.spyOn.
describe('TradeJournal', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const trade = (id: string): Trade => ({ id, symbol: 'BTC', price: 100 + id.charCodeAt(0) });
  const tradesOf = (ids: string): Record<string, Trade> => Object.fromEntries([...ids].map((id) => [id, trade(id)]));

  /** A store that takes `frames` virtual ms per trade and reports the id of each trade it is given. */
  function slowStore(frames: number, fails?: (trade: Trade) => boolean) {
    const given = new Subject<string>();
    const store = (trade: Trade): ObservableInput<unknown> => {
      given.next(trade.id);
      const done = timer(frames);
      return fails?.(trade) ? done.pipe(mergeMap(() => throwError(() => new Error(`could not store ${trade.id}`)))) : done;
    };
    return { store, given };
  }

  /**
   * A virtual trade server (JSON, a browser's close-code rules) that plays `script` on its
   * first connection, and the journal, which connects to it at once. `flow` emits `p` on each
   * pauseInbound() call of the journal's task and `r` on each resumeInbound() call.
   */
  function setup(
    store: (trade: Trade) => ObservableInput<unknown>,
    script: string,
    trades: Record<string, Trade>,
    ending?: Parameters<VirtualPeer<Trade>['script']>[2],
  ) {
    const server = createVirtualPeer({ codec: jsonCodec<Trade>(), closeCodeRules: 'whatwg' });
    const connection = server.script(script, trades, ending);
    const flow = new Subject<'p' | 'r'>();
    const spies: { pause?: ReturnType<typeof vi.fn>; resume?: ReturnType<typeof vi.fn> } = {};
    const makeTask = ((config: WebSocketTaskConfig<Trade>) => {
      const task = server.fromWebSocketTask(config);
      const pause = task.pauseInbound.bind(task);
      const resume = task.resumeInbound.bind(task);
      spies.pause = vi.spyOn(task, 'pauseInbound').mockImplementation(() => {
        flow.next('p');
        return pause();
      });
      spies.resume = vi.spyOn(task, 'resumeInbound').mockImplementation(() => {
        flow.next('r');
        resume();
      });
      return task;
    }) as typeof fromWebSocketTask;
    TestBed.configureTestingModule({
      providers: [
        { provide: WEB_SOCKET_TASK, useValue: makeTask },
        { provide: TRADE_FEED_URL, useValue: 'wss://trades.example/trades' },
        { provide: TRADE_STORE, useValue: store },
      ],
    });
    const journal = TestBed.inject(TradeJournal);
    return { connection, journal, flow, pause: spies.pause!, resume: spies.resume! };
  }

  /** What the journal shows, with its failure as plain data (matchers compare errors by message only). */
  function shown(journal: TradeJournal) {
    const failure = journal.failure();
    return {
      stored: journal.stored(),
      ended: journal.ended(),
      failure:
        failure instanceof WebSocketTaskError
          ? { code: failure.code, closeCode: failure.closeCode, closeReason: failure.closeReason, wasClean: failure.wasClean }
          : failure instanceof Error
            ? failure.message
            : failure,
    };
  }

  it('stores every trade once, in order, one at a time, and counts them', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { store, given } = slowStore(3);
      const script   = '^-abcd';
      const stores   = '--a--b--c--d';
      const read     = '----a-b--c--d--e';
      const counts   = '----a-b--c--d--e';

      const { connection, journal, pause } = setup(store, script, tradesOf('abcd'));
      expectObservable(given).toBe(stores);
      expectObservable(cold(read).pipe(map(() => journal.stored()))).toBe(counts, { a: 0, b: 1, c: 2, d: 3, e: 4 });
      expectObservable(connection.sent).toBe('');
      testScheduler.flush();
      expect(pause).not.toHaveBeenCalled();
    });
  });

  it('pauses the task at 32 trades received and not stored, and resumes below 32', () => {
    const burst = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh'; // 34 trades
    testScheduler.run(({ expectObservable }) => {
      const { store, given } = slowStore(10);
      // 34 trades at frame 1: the 32nd, 33rd and 34th pause; the third stored (frame 31)
      // leaves 31 unfinished: resume. Two more at frame 40 make 33 (pause, pause); the
      // fifth stored (frame 51) leaves 31 again: resume.
      const script = `^(${burst}) 3ms (yz)`;
      const calls  = '-(ppp) 25ms r 8ms (pp) 7ms r';

      const { journal, flow, pause, resume } = setup(store, script, tradesOf(`${burst}yz`));
      const ids: string[] = [];
      given.subscribe((id) => ids.push(id));
      expectObservable(flow).toBe(calls);
      testScheduler.flush();
      expect(ids).toEqual([...`${burst}yz`]);
      expect(journal.stored()).toBe(36);
      // A classic WebSocket cannot pause: the calls are the journal's, not a paused connection.
      expect(pause).toHaveBeenCalledTimes(5);
      expect(pause).toHaveReturnedWith(false);
      expect(resume).toHaveBeenCalledTimes(2);
    });
  });

  it('on a normal close (1000), stores the trades still waiting and shows the close', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { store, given } = slowStore(3);
      const script   = '^-abc|';
      const stores   = '--a--b--c';
      const read     = '----x-y-----z';
      const sent     = '-----(c|)';

      const { connection, journal } = setup(store, script, tradesOf('abc'));
      expectObservable(given).toBe(stores);
      expectObservable(cold(read).pipe(map(() => shown(journal)))).toBe(read, {
        x: { stored: 0, ended: undefined, failure: undefined },
        y: { stored: 1, ended: { closeCode: CloseCode.normalClosure, closeReason: '' }, failure: undefined },
        z: { stored: 3, ended: { closeCode: CloseCode.normalClosure, closeReason: '' }, failure: undefined },
      });
      expectObservable(connection.sent).toBe(sent, { c: closeFrame(CloseCode.normalClosure) });
    });
  });

  it('on an application close code (4001), still stores the trades received before it and shows the failure', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { store, given } = slowStore(3);
      const script   = '^-abc#';
      const stores   = '--a--b--c';
      const read     = '----x-y-----z';
      const sent     = '-----(c|)';

      const { connection, journal } = setup(store, script, tradesOf('abc'), PeerEnding.close(4001, 'session expired'));
      expectObservable(given).toBe(stores);
      const ended = { closeCode: 4001, closeReason: 'session expired' };
      const failure = { code: 'ERR_CLOSED_BY_PEER', closeCode: 4001, closeReason: 'session expired', wasClean: true };
      expectObservable(cold(read).pipe(map(() => shown(journal)))).toBe(read, {
        x: { stored: 0, ended: undefined, failure: undefined },
        y: { stored: 1, ended, failure },
        z: { stored: 3, ended, failure },
      });
      expectObservable(connection.sent).toBe(sent, { c: closeFrame(4001, 'session expired') });
    });
  });

  it('on a lost connection (1006), still stores the trades received before it and shows the failure', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { store, given } = slowStore(3);
      const script   = '^-abc#';
      const stores   = '--a--b--c';
      const read     = '----x-y-----z';
      const sent     = '-----|';

      const { connection, journal } = setup(store, script, tradesOf('abc'), PeerEnding.drop());
      expectObservable(given).toBe(stores);
      const ended = { closeCode: CloseCode.abnormalClosure, closeReason: '' };
      const failure = { code: 'ERR_CONNECTION_LOST', closeCode: CloseCode.abnormalClosure, closeReason: '', wasClean: false };
      expectObservable(cold(read).pipe(map(() => shown(journal)))).toBe(read, {
        x: { stored: 0, ended: undefined, failure: undefined },
        y: { stored: 1, ended, failure },
        z: { stored: 3, ended, failure },
      });
      expectObservable(connection.sent).toBe(sent);
    });
  });

  it('when the store fails, stops storing and closes the connection with normalClosure (1000)', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { store, given } = slowStore(3, (trade) => trade.id === 'b');
      const script   = '^-abcd';
      const stores   = '--a--b';
      const read     = '------x--y';
      const sent     = '--------(c|)';

      const { connection, journal } = setup(store, script, tradesOf('abcd'));
      expectObservable(given).toBe(stores);
      expectObservable(cold(read).pipe(map(() => shown(journal)))).toBe(read, {
        x: { stored: 1, ended: undefined, failure: undefined },
        y: { stored: 1, ended: { closeCode: CloseCode.normalClosure, closeReason: '' }, failure: 'could not store b' },
      });
      expectObservable(connection.sent).toBe(sent, { c: closeFrame(CloseCode.normalClosure) });
    });
  });

  it('stops and closes the connection with normalClosure (1000) when the app is destroyed', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { store, given } = slowStore(3);
      const script   = '^-ab--c';
      const destroy  = '----x';
      const stores   = '--a';
      const sent     = '----(c|)';

      const { connection, journal } = setup(store, script, tradesOf('abc'));
      cold(destroy).subscribe(() => TestBed.resetTestingModule());
      expectObservable(given).toBe(stores);
      expectObservable(connection.sent).toBe(sent, { c: closeFrame(CloseCode.normalClosure) });
      testScheduler.flush();
      expect(journal.stored()).toBe(0);
    });
  });
});
