// `listen <port>` run as a child process, with the package's own client and plain `ws`.
import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { CloseCode, fromWebSocketTask } from '../../src/index';
import { observeTask, taskError } from '../support/observe-task';
import { killRunningClis, runCli, startCli, type CliProcess } from './run-cli';

async function listening(cli: CliProcess): Promise<string> {
  const [, url] = await cli.waitFor('stderr', /listening on (ws:\/\/127\.0\.0\.1:\d+)/);
  return url as string;
}

async function openClient(url: string): Promise<{ socket: WebSocket; messages: string[]; closed: Promise<number> }> {
  const socket = new WebSocket(url);
  const messages: string[] = [];
  socket.on('message', (data) => messages.push(String(data)));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.once('close', resolve));
  await new Promise((resolve) => socket.once('open', resolve));
  return { socket, messages, closed };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 10))) {
    if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('CLI: listen', () => {
  afterEach(() => killRunningClis());

  it('echoes each message to its sender, logs connections, and shuts down with goingAway (1001) on SIGTERM', async () => {
    const cli = startCli(['listen', '0']);
    const url = await listening(cli);
    const client = await openClient(`${url}/room?x=1`);
    const task = fromWebSocketTask(url);
    const run = observeTask(task);
    client.socket.send('hello');
    task.next('from the task');
    await until(() => client.messages.length === 1 && run.values.length === 1, 'the echoes');
    expect(client.messages).to.deep.equal(['hello']);
    expect(run.values).to.deep.equal(['from the task']);
    expect(cli.output.stderr).to.match(/#1 connected from 127\.0\.0\.1:\d+ \/room\?x=1\n/);
    expect(cli.output.stdout).to.contain('#1: hello\n');
    cli.child.kill('SIGTERM');
    expect(await client.closed).to.equal(CloseCode.goingAway);
    expect((await taskError(run)).closeCode).to.equal(CloseCode.goingAway);
    expect(await cli.exited).to.equal(0);
    expect(cli.output.stderr).to.contain('shut down: 2 connection(s), 2 closed cleanly, 0 uncleanly, 0 terminated');
    expect(cli.output.stderr).to.contain('#1 closed: goingAway (1001) "server shutting down"');
  });

  it('echoes a line piped to `connect` every time, though the client closes in the turn the echo is written', async function () {
    this.timeout(60_000); // 30 runs of the CLI; before the outbox, about 1 in 5 lost its echo
    const cli = startCli(['listen', '0']);
    const url = await listening(cli);
    // The client sends 'hello' and its Close together; the server answers in the same turn.
    for (let run = 0; run < 30; run++) {
      const { status, stdout } = await runCli(['connect', url], 'hello\n');
      expect({ run, status, stdout }).to.deep.equal({ run, status: 0, stdout: 'hello\n' });
    }
  });

  it('sends each message to every client with --broadcast, and stdin lines too', async () => {
    const cli = startCli(['listen', '0', '--broadcast']);
    const url = await listening(cli);
    expect(cli.output.stderr).to.contain('(broadcast;');
    const [a, b] = [await openClient(url), await openClient(url)];
    await cli.waitFor('stderr', /#2 connected/);
    a.socket.send('from a');
    await until(() => a.messages.length === 1 && b.messages.length === 1, 'the broadcast');
    cli.writeLine('from stdin');
    await until(() => a.messages.length === 2 && b.messages.length === 2, 'the stdin line');
    expect(b.messages).to.deep.equal(['from a', 'from stdin']);
    cli.child.kill('SIGINT');
    expect(await cli.exited).to.equal(0);
  });

  it('chooses among its --protocol names and logs each close code', async () => {
    const cli = startCli(['listen', '0', '-p', 'chat.v2']);
    const url = await listening(cli);
    const client = new WebSocket(url, ['chat.v1', 'chat.v2']);
    await new Promise((resolve) => client.once('open', resolve));
    expect(client.protocol).to.equal('chat.v2');
    client.close(4000, 'leaving');
    await cli.waitFor('stderr', /#1 closed: 4000 \(private\) "leaving"/);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).to.equal(0);
  });

  it('exits 1 when it cannot listen, saying why', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const { status, stderr } = await runCli(['listen', String((blocker.address() as AddressInfo).port)]);
      expect(status).to.equal(1);
      expect(stderr).to.match(/could not listen: .*EADDRINUSE/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('exits 2 for a port that is not a number, saying what it takes', async () => {
    const { status, stderr } = await runCli(['listen', 'http']);
    expect(status).to.equal(2);
    expect(stderr).to.contain('listen: <port> must be a whole number from 0 to 65535, not "http"');
  });
});
