// `listen <port>` run as a child process, with the package's own client and plain `ws`.
import { expect } from 'chai';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
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

  describe('limits', () => {
    /** The status and Retry-After of an upgrade the server refuses, or 101. */
    async function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<string> {
      const client = new WebSocket(url, { headers });
      client.on('error', () => undefined);
      return new Promise((resolve) => {
        client.once('open', () => {
          resolve('101');
          client.terminate();
        });
        client.once('unexpected-response', (_request, response) => {
          resolve(`${response.statusCode}${response.headers['retry-after'] ? ` Retry-After: ${response.headers['retry-after']}` : ''}`);
          client.terminate();
        });
      });
    }

    it('refuses browser pages of other hosts with 403 by default, and opens those of --allow-origin', async () => {
      const defaults = startCli(['listen', '0']);
      const url = await listening(defaults);
      expect(await upgradeStatus(url, { Origin: 'https://evil.example' })).to.equal('403');
      expect(await upgradeStatus(url, { Origin: 'http://127.0.0.1:4200' })).to.equal('101');
      expect(await upgradeStatus(url)).to.equal('101');
      await defaults.waitFor('stderr', /refused 127\.0\.0\.1: origin \(HTTP 403\)\n/);
      const allowing = startCli(['listen', '0', '--allow-origin', 'https://app.example.com', '--allow-origin', 'https://*.example.org']);
      const allowingUrl = await listening(allowing);
      expect(await upgradeStatus(allowingUrl, { Origin: 'https://app.example.com' })).to.equal('101');
      expect(await upgradeStatus(allowingUrl, { Origin: 'https://a.example.org' })).to.equal('101');
      expect(await upgradeStatus(allowingUrl, { Origin: 'https://evil.example' })).to.equal('403');
      const any = startCli(['listen', '0', '--allow-origin', '*']);
      expect(await upgradeStatus(await listening(any), { Origin: 'https://evil.example' })).to.equal('101');
    });

    it('refuses past --max-connections and --max-connections-per-address with 503 and Retry-After', async () => {
      const cli = startCli(['listen', '0', '--max-connections', '3', '--max-connections-per-address', '1', '--client-address-header', 'x-forwarded-for']);
      const url = await listening(cli);
      const a = await openClient(url);
      expect(await upgradeStatus(url)).to.equal('503 Retry-After: 5'); // the same address as a
      const b = new WebSocket(url, { headers: { 'x-forwarded-for': '127.0.0.7' } });
      await new Promise((resolve) => b.once('open', resolve));
      const c = new WebSocket(url, { headers: { 'x-forwarded-for': '127.0.0.9' } });
      await new Promise((resolve) => c.once('open', resolve));
      expect(await upgradeStatus(url, { 'x-forwarded-for': '127.0.0.21' })).to.equal('503 Retry-After: 5'); // 3 in all
      await cli.waitFor('stderr', /refused 127\.0\.0\.1: maxConnectionsPerAddress \(HTTP 503\)\n[\s\S]*refused 127\.0\.0\.21: maxConnections \(HTTP 503\)\n/);
      for (const client of [a.socket, b, c]) client.terminate();
    });

    it('closes a client past --rate with policyViolation (1008) "rate limit", and says so', async () => {
      const cli = startCli(['listen', '0', '--rate', '5/10']);
      const url = await listening(cli);
      const flooder = await openClient(url);
      const calm = await openClient(url);
      for (let i = 0; i < 20; i++) flooder.socket.send(`m${i}`);
      expect(await flooder.closed).to.equal(CloseCode.policyViolation);
      calm.socket.send('still here');
      await until(() => calm.messages.length === 1, 'the echo of the calm client');
      await cli.waitFor('stderr', /#1 limited: inboundRate\n[\s\S]*#1 closed: policyViolation \(1008\) "rate limit"/);
      expect(cli.output.stdout.match(/^#1: /gm)).to.have.length(5);
      calm.socket.terminate();
    });

    it('answers 408 and closes a connection that does not finish its upgrade request within --handshake-timeout', async () => {
      const cli = startCli(['listen', '0', '--handshake-timeout', '0.2']);
      const { port } = new URL(await listening(cli));
      const socket = connect(Number(port), '127.0.0.1');
      let received = '';
      socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
      socket.write('GET / HT');
      await new Promise((resolve) => socket.once('close', resolve));
      expect(received).to.match(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      await cli.waitFor('stderr', /refused 127\.0\.0\.1: handshakeTimeout \(HTTP 408\)\n/);
    });

    it('exits 2 for limits it cannot use, saying what they take', async () => {
      const cases: Array<[string[], string]> = [
        [['--rate', 'fast'], 'listen: --rate must be <n> or <n>/<seconds>, e.g. 100 or 600/60, not "fast"'],
        [['--rate', '10/1', '--rate-bytes', '2000000/2'], 'listen: --rate and --rate-bytes must count over the same number of seconds'],
        [['--rate-bytes', '1000'], 'listen: --rate-bytes (1000) is less than maximumMessageSize (1048576)'],
        [['--allow-origin', 'example.com'], 'listen: --allow-origin: "example.com" is not an origin: write scheme://host[:port]'],
        [['--max-connections', '0'], 'listen: --max-connections must be a positive whole number, not "0"'],
        [['--handshake-timeout', 'soon'], 'listen: --handshake-timeout must be a number of seconds, not "soon"'],
      ];
      for (const [args, message] of cases) {
        const { status, stderr } = await runCli(['listen', '0', ...args]);
        expect({ args, status }).to.deep.equal({ args, status: 2 });
        expect(stderr).to.contain(message);
      }
    });
  });

  it('exits 2 for a port that is not a number, saying what it takes', async () => {
    const { status, stderr } = await runCli(['listen', 'http']);
    expect(status).to.equal(2);
    expect(stderr).to.contain('listen: <port> must be a whole number from 0 to 65535, not "http"');
  });
});
