// The Fastify recipe of docs/server.md, run as written (examples/fastify/echo-server.ts, which
// the guide shows verbatim) on a real Fastify server on loopback, with real clients: this
// library's and plain `ws`. The last test measures @fastify/websocket's own default pre-close.
import fastifyWebsocket from '@fastify/websocket';
import { expect } from 'chai';
import Fastify, { type FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { firstValueFrom } from 'rxjs';
import WebSocket from 'ws';
import { CloseCode, fromWebSocketTask, jsonCodec, type WebSocketTask } from '../../src/index';
import { AppCloseCode, buildEchoServer, type ChatMessage } from '../../examples/fastify/echo-server';
import { observeTask, taskError } from '../support/observe-task';
import { connectRawClient } from './support/raw-client';

const EXAMPLE = 'examples/fastify/echo-server.ts';
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** Listens on 127.0.0.1, port 0; returns the ws: URL of `path`. */
async function listen(fastify: FastifyInstance, path: string): Promise<string> {
  const address = await fastify.listen({ host: '127.0.0.1', port: 0 });
  return `${address.replace(/^http/, 'ws')}${path}`;
}

/** A plain `ws` client, open; `closed` resolves with the close code and reason it read. */
async function plainClient(url: string): Promise<{ socket: WebSocket; closed: Promise<[number, string]> }> {
  const socket = new WebSocket(url);
  socket.on('error', () => undefined);
  const closed = new Promise<[number, string]>((resolve) => socket.once('close', (code, reason) => resolve([code, reason.toString()])));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('close', () => reject(new Error('closed before it opened')));
  });
  return { socket, closed };
}

/** The JSON messages a plain client receives. */
function nextJson(socket: WebSocket): Promise<unknown> {
  return new Promise((resolve) => socket.once('message', (data) => resolve(JSON.parse(data.toString()))));
}

describe('Fastify recipe (docs/server.md, @fastify/websocket)', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Builds the recipe's server (its token is `s3cret`) and returns it with the URL of its echo route for `token`. */
  async function startRecipe(token = 's3cret'): Promise<{ fastify: FastifyInstance; url: string }> {
    const fastify = await buildEchoServer('s3cret');
    cleanups.push(() => fastify.close());
    return { fastify, url: await listen(fastify, `/echo?token=${token}`) };
  }

  /** A client task of this library, tracked for cleanup. */
  function clientTask(url: string): WebSocketTask<ChatMessage> {
    const task = fromWebSocketTask({ url, codec: jsonCodec<ChatMessage>() });
    cleanups.push(() => task.unsubscribe());
    return task;
  }

  function trackPlain<T extends { socket: WebSocket }>(client: T): T {
    cleanups.push(() => client.socket.terminate());
    return client;
  }

  it('is shown verbatim in docs/server.md, but for the import of the package', () => {
    const blocks = [...read('docs/server.md').matchAll(/```ts\n([\s\S]*?)```/g)].map(([, code = '']) => code);
    const block = blocks.find((code) => code.startsWith(`// ${EXAMPLE}\n`));
    expect(block, `a \`\`\`ts block of docs/server.md starting with // ${EXAMPLE}`).to.be.a('string');
    const shown = block!.slice(`// ${EXAMPLE}\n`.length);
    expect(shown).to.equal(read(EXAMPLE).replaceAll("from '../../src/index'", "from 'rxjs-websocket-task'"));
  });

  it('echoes JSON messages to a client of this library and to a plain ws client', async () => {
    const { url } = await startRecipe();
    const task = clientTask(url);
    const reply = firstValueFrom(task);
    task.next({ text: 'hello' });
    expect(await reply).to.deep.equal({ text: 'hello' });

    const plain = trackPlain(await plainClient(url));
    const message = nextJson(plain.socket);
    plain.socket.send(JSON.stringify({ text: 'from ws' }));
    expect(await message).to.deep.equal({ text: 'from ws' });
  });

  it('closes a client with a wrong token with 4001 "invalid token": ERR_CLOSED_BY_PEER, closeCode 4001', async () => {
    const { url } = await startRecipe('wrong');
    const run = observeTask(clientTask(url));
    const error = await taskError(run);
    expect(error.code).to.equal('ERR_CLOSED_BY_PEER');
    expect([error.closeCode, error.closeReason, error.wasClean]).to.deep.equal([AppCloseCode.invalidToken, 'invalid token', true]);
    expect(AppCloseCode.invalidToken).to.equal(4001);

    const plain = trackPlain(await plainClient(url));
    expect(await plain.closed).to.deep.equal([4001, 'invalid token']);
  });

  it('closes a client that sends a message over 64 KiB with messageTooBig (1009), through ws maxPayload', async () => {
    const { url } = await startRecipe();
    const bystander = clientTask(url);
    await observeTask(bystander).closeCodeAtOpen;
    const task = clientTask(url);
    const run = observeTask(task);
    task.next({ text: 'x'.repeat(64 * 1024) });
    const error = await taskError(run);
    expect([error.code, error.closeCode]).to.deep.equal(['ERR_CLOSED_BY_PEER', CloseCode.messageTooBig]);

    const plain = trackPlain(await plainClient(url));
    plain.socket.send(JSON.stringify({ text: 'x'.repeat(64 * 1024) }));
    expect((await plain.closed)[0]).to.equal(CloseCode.messageTooBig);
    expect(bystander.state, 'the other connections stay open').to.equal('open');
  });

  it('fastify.close() closes every client with goingAway (1001), and resolves (onClose hooks run) only after every client answered', async () => {
    const fastify = await buildEchoServer('s3cret');
    cleanups.push(() => fastify.close());
    let openInOnClose = -1;
    fastify.addHook('onClose', async () => {
      openInOnClose = fastify.websocketServer.clients.size;
    });
    const url = await listen(fastify, '/echo?token=s3cret');
    const task = clientTask(url);
    const run = observeTask(task);
    const reply = firstValueFrom(task);
    task.next({ text: 'open' });
    await reply;
    const plain = trackPlain(await plainClient(url));
    const echoed = nextJson(plain.socket);
    plain.socket.send(JSON.stringify({ text: 'open' }));
    await echoed;
    const slow = await connectRawClient(url); // answers the Close frame only when the test says so
    cleanups.push(() => slow.destroy());

    let answered = false;
    const closing = fastify.close().then(() => ({ answered, open: fastify.websocketServer.clients.size }));
    const frame = await slow.closeFrame();
    expect([frame.closeCode, frame.closeReason]).to.deep.equal([CloseCode.goingAway, 'server shutting down']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    answered = true;
    slow.sendClose(CloseCode.goingAway);
    expect(await closing, 'when fastify.close() resolved').to.deep.equal({ answered: true, open: 0 });
    expect(openInOnClose, 'sockets open in an onClose hook').to.equal(0);
    const error = await taskError(run);
    expect(error.code).to.equal('ERR_CLOSED_BY_PEER');
    expect([error.closeCode, error.closeReason, error.wasClean]).to.deep.equal([CloseCode.goingAway, 'server shutting down', true]);
    expect(await plain.closed).to.deep.equal([CloseCode.goingAway, 'server shutting down']);
  });

  it("contrast: @fastify/websocket's default preClose sends a Close frame with no status, which clients read as 1005", async () => {
    const fastify = Fastify();
    cleanups.push(() => fastify.close());
    await fastify.register(fastifyWebsocket); // no preClose: the plugin's default
    fastify.get('/echo', { websocket: true }, (socket) => {
      const task = fromWebSocketTask({ socket, codec: jsonCodec<ChatMessage>() });
      task.subscribe({ next: (message) => task.next(message), error: () => undefined });
    });
    const url = await listen(fastify, '/echo');
    const run = observeTask(clientTask(url));
    await run.closeCodeAtOpen;
    const plain = trackPlain(await plainClient(url));
    const raw = await connectRawClient(url); // answers the Close frame only when the test says so
    cleanups.push(() => raw.destroy());

    let answered = false;
    const closing = fastify.close().then(() => answered);
    const frame = await raw.closeFrame();
    expect(frame.payload.length, 'the Close frame carries no status code').to.equal(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    answered = true;
    raw.sendClose();
    // The hook itself returns at once, but Fastify's server.close() waits for the upgraded TCP connections.
    expect(await closing, 'answered when fastify.close() resolved').to.equal(true);

    const error = await taskError(run);
    expect(error.code).to.equal('ERR_CLOSED_BY_PEER');
    expect(error.closeCode).to.equal(CloseCode.noStatusReceived);
    expect(await plain.closed).to.deep.equal([CloseCode.noStatusReceived, '']);
    await raw.ended;
  });
});
