// The help texts and the version, as printed by the CLI.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { killRunningClis, runCli } from './run-cli';

describe('CLI: help and version', () => {
  afterEach(() => killRunningClis());

  it('prints the usage with the commands, examples and exit statuses on --help, and exits 0', async () => {
    const { status, stdout } = await runCli(['--help']);
    expect(status).to.equal(0);
    expect(stdout).to.match(/^Usage: rxjs-websocket-task <command> \[options\]/);
    for (const text of ['connect <url>', 'listen <port>', 'alias wstask', 'Exit status:', '130  interrupted']) expect(stdout).to.contain(text);
  });

  it('prints the usage and exits 2 without a command', async () => {
    const { status, stdout } = await runCli([]);
    expect(status).to.equal(2);
    expect(stdout).to.contain('Commands:');
  });

  it("prints a command's options on <command> --help and on help <command>", async () => {
    const connect = await runCli(['connect', '--help']);
    expect(connect.stdout).to.match(/^Usage: rxjs-websocket-task connect <url> \[options\]/);
    expect(connect.stdout).to.contain('-H, --header <name: value>');
    const listen = await runCli(['help', 'listen']);
    expect(listen.stdout).to.match(/^Usage: rxjs-websocket-task listen <port> \[options\]/);
    expect(listen.stdout).to.contain('--broadcast');
  });

  it('keeps every help line within 90 columns', async () => {
    for (const args of [['--help'], ['connect', '--help'], ['listen', '--help']]) {
      const { stdout } = await runCli(args);
      for (const line of stdout.split('\n')) expect(line.length, line).to.be.at.most(90);
    }
  });

  it('prints the version of the package on --version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const { status, stdout } = await runCli(['--version']);
    expect([status, stdout]).to.deep.equal([0, `${version}\n`]);
  });
});
