// The NestJS example (examples/nestjs/), booted with @nestjs/testing on loopback and driven
// by real clients: this library's task and a plain `ws` socket.
//
// The example and Nest are loaded with import(): see test/nestjs/support/nest-app.ts.
import { expect } from 'chai';
import WebSocket from 'ws';
import { CloseCode, fromWebSocketTask, jsonCodec, type WebSocketTask } from '../../src/index';
import type { GatewayMessage } from '../../src/nestjs/index';
import type * as AppModuleFile from '../../examples/nestjs/app.module';
import type * as ChatGatewayFile from '../../examples/nestjs/chat.gateway';
import type { ChatRoom as ChatRoomClass } from '../../examples/nestjs/chat-room';
import type * as NestApp from '../nestjs/support/nest-app';
import { observeTask, taskCompletion, taskError, type TaskRun } from '../support/observe-task';

async function until(condition: () => boolean, what: string, timeout = 5_000): Promise<void> {
  for (const started = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 5))) {
    if (Date.now() - started > timeout) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('example: NestJS chat gateway on WebSocketTaskAdapter', () => {
  let nest: typeof NestApp;
  let example: typeof AppModuleFile;
  let LOGGED_OUT: typeof ChatGatewayFile.LOGGED_OUT;
  let FORBIDDEN: typeof ChatGatewayFile.FORBIDDEN;
  let ChatRoom: typeof ChatRoomClass;
  let running: NestApp.RunningApp;
  let url: string;
  const tasks: WebSocketTask<GatewayMessage>[] = [];
  const sockets: WebSocket[] = [];

  before(async () => {
    nest = await import('../nestjs/support/nest-app');
    example = await import('../../examples/nestjs/app.module');
    ({ LOGGED_OUT, FORBIDDEN } = await import('../../examples/nestjs/chat.gateway'));
    ({ ChatRoom } = await import('../../examples/nestjs/chat-room'));
  });

  beforeEach(async () => {
    const { AppModule, chatAdapterOptions } = example;
    running = await nest.startApp({ imports: [AppModule] }, { ...chatAdapterOptions, shutdown: { ...chatAdapterOptions.shutdown, timeout: 2_000 } });
    url = running.url('/chat');
  });

  afterEach(async () => {
    for (const task of tasks.splice(0)) if (!task.closed) task.unsubscribe();
    for (const socket of sockets.splice(0)) socket.terminate();
    await running.close();
  });

  const room = () => running.app.get(ChatRoom);

  /** A client of this library, subscribed: what it receives, and how it ends. */
  function join(name: string): { task: WebSocketTask<GatewayMessage>; run: TaskRun<GatewayMessage> } {
    const task = fromWebSocketTask({ url: `${url}?name=${name}`, codec: jsonCodec<GatewayMessage>() });
    tasks.push(task);
    return { task, run: observeTask(task) };
  }

  async function received(run: TaskRun<GatewayMessage>, event: string, count = 1): Promise<unknown[]> {
    const of = () => run.values.filter((message) => message.event === event).map((message) => message.data);
    await until(() => of().length >= count, `${count} "${event}" message(s)`);
    return of();
  }

  it('answers @SubscribeMessage handlers: a returned { event, data }, a Promise and an Observable of them', async () => {
    const { task, run } = join('ann');
    task.next({ event: 'echo', data: { n: 1, text: 'hello' } });
    task.next({ event: 'members' });
    task.next({ event: 'countdown', data: 3 });
    expect(await received(run, 'echo')).to.deep.equal([{ n: 1, text: 'hello' }]);
    expect(await received(run, 'members')).to.deep.equal([['ann']]);
    expect(await received(run, 'countdown', 3)).to.deep.equal([3, 2, 1]);
  });

  it('broadcasts what one client says to every client', async () => {
    const ann = join('ann');
    const bob = join('bob');
    await until(() => room().members.length === 2, 'both in the room');
    ann.task.next({ event: 'say', data: { text: 'hi all' } });
    for (const { run } of [ann, bob]) expect(await received(run, 'said')).to.deep.equal([{ from: 'ann', text: 'hi all' }]);
  });

  it('closes a client with 4001 "logged out" from a handler: the client sees ERR_CLOSED_BY_PEER 4001, handleDisconnect the code', async () => {
    const { task, run } = join('ann');
    task.next({ event: 'logout' });
    const error = await taskError(run);
    expect([error.code, error.closeCode, error.closeReason, error.wasClean]).to.deep.equal(['ERR_CLOSED_BY_PEER', LOGGED_OUT, 'logged out', true]);
    await until(() => room().departures.length === 1, 'handleDisconnect');
    expect(room().departures).to.deep.equal([{ name: 'ann', closeCode: LOGGED_OUT }]);
  });

  it('tells the client of a WsException as { event: "exception", data }, and keeps it open', async () => {
    const { task, run } = join('ann');
    task.next({ event: 'say', data: {} });
    expect(await received(run, 'exception')).to.deep.equal([
      { status: 'error', message: 'text is required', cause: { pattern: 'say', data: {} } },
    ]);
    task.next({ event: 'echo', data: 'still here' });
    expect(await received(run, 'echo')).to.deep.equal(['still here']);
    expect(task.state).to.equal('open');
  });

  it('tells the client of a WsException, then closes it with 4003, with WebSocketTaskExceptionFilter', async () => {
    const { task, run } = join('eve');
    task.next({ event: 'admin', data: { op: 'drop tables' } });
    const error = await taskError(run);
    expect([error.code, error.closeCode, error.closeReason]).to.deep.equal(['ERR_CLOSED_BY_PEER', FORBIDDEN, 'forbidden']);
    expect(run.values).to.deep.equal([
      { event: 'exception', data: { status: 'error', message: 'admins only', cause: { pattern: 'admin', data: { op: 'drop tables' } } } },
    ]);
  });

  it('gives every connected client goingAway (1001) on app.close(), and waits for the close handshakes', async () => {
    const { run } = join('ann');
    const socket = new WebSocket(`${url}?name=bob`);
    sockets.push(socket);
    socket.on('error', () => undefined);
    const socketClosed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
    await until(() => room().members.length === 2, 'both in the room');
    const chat = room();
    await running.close();
    // app.close() resolved: both clients already had the Close frame, and answered it.
    const error = await taskError(run);
    expect([error.code, error.closeCode, error.closeReason, error.wasClean]).to.deep.equal(['ERR_CLOSED_BY_PEER', CloseCode.goingAway, 'chat stopping', true]);
    expect(await socketClosed).to.deep.equal({ code: CloseCode.goingAway, reason: 'chat stopping' });
    expect(chat.departures.map(({ closeCode }) => closeCode)).to.deep.equal([CloseCode.goingAway, CloseCode.goingAway]);
  });

  it('lets a client leave normally: its task completes, handleDisconnect gets 1000', async () => {
    const { task, run } = join('ann');
    task.next({ event: 'echo', data: 1 });
    await received(run, 'echo');
    task.complete();
    await taskCompletion(run);
    await until(() => room().departures.length === 1, 'handleDisconnect');
    expect(room().departures).to.deep.equal([{ name: 'ann', closeCode: CloseCode.normalClosure }]);
  });
});
