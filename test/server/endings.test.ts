// Every way a connection ends, seen from the server side: the accepted connection's task
// completes or errors with the true close code, and the client receives what the SPEC says.
import { expect } from 'chai';
import { CloseCode, fromWebSocketTask, jsonCodec, type WebSocketMessage, type WebSocketTask } from '../../src/index';
import type { ServerConnection } from '../../src/server/index';
import { observeTask, taskCompletion, taskError, type TaskRun } from '../support/observe-task';
import { connectRawClient, Opcode } from './support/raw-client';
import { startTaskServer, until, type TaskServerFixture } from './support/task-server';

describe('how an accepted connection ends (server side)', () => {
  let fixture: TaskServerFixture<any>;
  afterEach(async () => {
    await fixture?.close();
  });

  /** Connects the package's own client and subscribes to both ends. */
  async function pair<T = WebSocketMessage>(): Promise<{ client: WebSocketTask; clientRun: TaskRun<WebSocketMessage>; connection: ServerConnection<T>; run: TaskRun<T> }> {
    const client = fromWebSocketTask(fixture.url);
    const clientRun = observeTask(client);
    const connection = (await fixture.nextConnection()) as ServerConnection<T>;
    const run = observeTask(connection.task);
    await clientRun.closeCodeAtOpen;
    return { client, clientRun, connection, run };
  }

  describe('the client closes', () => {
    beforeEach(async () => {
      fixture = await startTaskServer();
    });

    it('completes on normalClosure (1000); closeCode reads invalid while open', async () => {
      const { client, connection, run } = await pair();
      expect(connection.task.closeCode).to.equal(CloseCode.invalid);
      client.complete();
      await taskCompletion(run);
      expect(connection.task.closeCode).to.equal(CloseCode.normalClosure);
    });

    for (const code of [CloseCode.goingAway, CloseCode.unsupportedData, CloseCode.policyViolation, CloseCode.tryAgainLater, 3000, 4999]) {
      it(`errors with closeCode ${code} and its reason when the client closes with ${code}`, async () => {
        const { client, connection, run } = await pair();
        client.cancel(code, `reason ${code}`);
        const error = await taskError(run);
        expect([error.code, error.closeCode, error.closeReason, error.wasClean]).to.deep.equal(['ERR_CLOSED_BY_PEER', code, `reason ${code}`, true]);
        expect(connection.task.closeCode).to.equal(code);
      });
    }

    it('errors with noStatusReceived (1005) on a Close frame without status, and answers with an empty Close', async () => {
      const raw = await connectRawClient(fixture.url);
      const run = observeTask((await fixture.nextConnection()).task);
      raw.sendClose();
      const error = await taskError(run);
      expect([error.code, error.closeCode]).to.deep.equal(['ERR_CLOSED_BY_PEER', CloseCode.noStatusReceived]);
      expect((await raw.closeFrame()).payload.length).to.equal(0);
    });

    it('errors with abnormalClosure (1006) when the client drops TCP without a Close frame', async () => {
      const raw = await connectRawClient(fixture.url);
      const run = observeTask((await fixture.nextConnection()).task);
      raw.destroy();
      const error = await taskError(run);
      expect([error.code, error.closeCode, error.wasClean]).to.deep.equal(['ERR_CONNECTION_LOST', CloseCode.abnormalClosure, false]);
    });
  });

  describe('the client breaks the protocol: it receives 1002', () => {
    beforeEach(async () => {
      fixture = await startTaskServer();
    });
    const violations: Array<[string, Parameters<Awaited<ReturnType<typeof connectRawClient>>['sendFrame']>[0]]> = [
      ['an unmasked frame', { opcode: Opcode.Text, payload: 'hi', mask: false }],
      ['reserved bits set', { opcode: Opcode.Text, payload: 'hi', rsv2: true }],
      ['a reserved opcode', { opcode: 0x3, payload: 'hi' }],
      ['a Close frame with code 1005', { opcode: Opcode.Close, payload: Buffer.from([0x03, 0xed]) }],
    ];
    for (const [what, frame] of violations) {
      it(`errors with protocolError (1002) on ${what}`, async () => {
        const raw = await connectRawClient(fixture.url);
        const run = observeTask((await fixture.nextConnection()).task);
        raw.sendFrame(frame);
        const error = await taskError(run);
        expect([error.code, error.closeCode]).to.deep.equal(['ERR_PROTOCOL', CloseCode.protocolError]);
        expect((await raw.closeFrame()).closeCode).to.equal(CloseCode.protocolError);
      });
    }

    it('errors with invalidFramePayloadData (1007) on invalid UTF-8; the client receives 1007', async () => {
      const raw = await connectRawClient(fixture.url);
      const run = observeTask((await fixture.nextConnection()).task);
      raw.sendFrame({ opcode: Opcode.Text, payload: Buffer.from([0xc3, 0x28]) });
      const error = await taskError(run);
      expect([error.code, error.closeCode]).to.deep.equal(['ERR_INVALID_UTF8', CloseCode.invalidFramePayloadData]);
      expect((await raw.closeFrame()).closeCode).to.equal(CloseCode.invalidFramePayloadData);
    });
  });

  it('errors with messageTooBig (1009) before buffering a message over maximumMessageSize; the client receives 1009', async () => {
    fixture = await startTaskServer({ maximumMessageSize: 100 });
    const raw = await connectRawClient(fixture.url);
    const run = observeTask((await fixture.nextConnection()).task);
    raw.sendFrame({ opcode: Opcode.Binary, payload: new Uint8Array(101) });
    const error = await taskError(run);
    expect([error.code, error.closeCode]).to.deep.equal(['ERR_MESSAGE_TOO_BIG', CloseCode.messageTooBig]);
    expect((await raw.closeFrame()).closeCode).to.equal(CloseCode.messageTooBig);
  });

  describe('codec failures', () => {
    it('errors with invalidFramePayloadData (1007) when the deserializer throws; the client receives 1007', async () => {
      fixture = await startTaskServer({ codec: jsonCodec() });
      const { client, clientRun, run } = await pair();
      client.next('{not json');
      expect((await taskError(run)).code).to.equal('ERR_DESERIALIZE');
      expect((await taskError(clientRun)).closeCode).to.equal(CloseCode.invalidFramePayloadData);
    });

    it('errors with unsupportedData (1003) when a binary message reaches a text-only codec', async () => {
      fixture = await startTaskServer({ codec: jsonCodec() });
      const { client, clientRun, run } = await pair();
      client.next(new Uint8Array([1]));
      expect((await taskError(run)).closeCode).to.equal(CloseCode.unsupportedData);
      expect((await taskError(clientRun)).closeCode).to.equal(CloseCode.unsupportedData);
    });

    it('errors with internalServerError (1011) when the serializer throws; the value is reported undelivered', async () => {
      fixture = await startTaskServer({ serializer: (): string => { throw new Error('no'); } });
      const { clientRun, connection, run } = await pair();
      connection.task.next('value');
      const error = await taskError(run);
      expect([error.code, error.closeCode, error.undelivered]).to.deep.equal(['ERR_SERIALIZE', CloseCode.internalServerError, ['value']]);
      expect((await taskError(clientRun)).closeCode).to.equal(CloseCode.internalServerError);
    });
  });

  describe('the server closes', () => {
    beforeEach(async () => {
      fixture = await startTaskServer();
    });

    it('complete() sends normalClosure: the client receives 1000 and completes', async () => {
      const { clientRun, connection, run } = await pair();
      connection.task.complete();
      await Promise.all([taskCompletion(run), taskCompletion(clientRun)]);
      expect(connection.task.closeCode).to.equal(CloseCode.normalClosure);
    });

    it('error(e) closes with e.code; server subscribers error with ERR_TASK_ERRORED, the client with the code', async () => {
      const { clientRun, connection, run } = await pair();
      const cause = { code: 4010, reason: 'kicked' };
      connection.task.error(cause);
      const error = await taskError(run);
      expect([error.code, error.closeCode, error.cause]).to.deep.equal(['ERR_TASK_ERRORED', 4010, cause]);
      expect([(await taskError(clientRun)).closeCode, (await taskError(clientRun)).closeReason]).to.deep.equal([4010, 'kicked']);
    });

    it('may send the codes browsers may not (1001, 1011–1014): it is a Node socket', async () => {
      const { clientRun, connection, run } = await pair();
      expect(connection.task.closeCodeRules).to.equal('rfc6455');
      connection.task.cancel(CloseCode.badGateway, 'upstream down');
      await taskCompletion(run);
      expect((await taskError(clientRun)).closeCode).to.equal(CloseCode.badGateway);
    });

    it('refuses to send a reserved code, synchronously, and stays open', async () => {
      const { client, connection, run } = await pair();
      expect(() => connection.task.cancel(CloseCode.abnormalClosure)).to.throw(/1006/);
      client.next('still open');
      await until(() => run.values.length === 1, 'a message after the refused cancel');
      client.complete();
      await taskCompletion(run);
    });

    it('the last unsubscribe closes with normalClosure', async () => {
      const { clientRun, run } = await pair();
      run.subscription.unsubscribe();
      await taskCompletion(clientRun);
    });
  });
});
