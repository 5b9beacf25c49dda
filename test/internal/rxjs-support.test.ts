/**
 * The rxjs check against the real packages: rxjs 7 (the peer dependency), and the rxjs 8
 * and 9 pre-releases, installed as the devDependencies `rxjs8` and `rxjs9` (npm aliases, so
 * nothing is downloaded here). rxjs 9 installs a global `Observable` polyfill when loaded, so
 * it is loaded in a child process, not in this one that the other tests share.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as rxjs7 from 'rxjs';
import { checkRxjsSupport, SUPPORTED_RXJS, unsupportedRxjs } from '../../src/internal/rxjs-support';
import { WebSocketTaskError } from '../../src/internal/websocket-task-error';

const root = fileURLToPath(new URL('../../', import.meta.url));
const install = 'Install rxjs 7 (npm install rxjs@7).';

/** What `unsupportedRxjs` says of the namespace of `pkg`, computed in a fresh Node process. */
async function verdictInChild(pkg: string): Promise<{ name: string; code: string; message: string; closeCode: number } | null> {
  const code = `
    const { unsupportedRxjs } = await import(${JSON.stringify(fileURLToPath(new URL('../../src/internal/rxjs-support.ts', import.meta.url)))});
    const error = unsupportedRxjs(await import(${JSON.stringify(pkg)}));
    console.log(JSON.stringify(error && { name: error.name, code: error.code, message: error.message, closeCode: error.closeCode }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root });
  return JSON.parse(stdout) as never;
}

describe('unsupportedRxjs', () => {
  it('accepts the rxjs 7 installed, and checkRxjsSupport does not throw', () => {
    expect(SUPPORTED_RXJS).to.equal('^7.8.0');
    expect(unsupportedRxjs(rxjs7)).to.equal(undefined);
    expect(() => checkRxjsSupport()).not.to.throw();
  });

  it('refuses rxjs 8.0.0-alpha.14 with ERR_UNSUPPORTED_RXJS, naming what is missing and the range supported', async () => {
    const error = unsupportedRxjs(await import('rxjs8'));
    expect(error).to.be.instanceOf(WebSocketTaskError);
    expect(error?.code).to.equal('ERR_UNSUPPORTED_RXJS');
    expect(error?.closeCode).to.equal(0);
    expect(error?.message).to.equal(
      'rxjs-websocket-task needs rxjs ^7.8.0, but the rxjs it loaded is not a 7.x (it exposes no version): ' +
        `it exports no ObjectUnsubscribedError; its Subject's observers is read-only. ${install}`,
    );
  });

  it('refuses rxjs 9.0.0-beta.0 with ERR_UNSUPPORTED_RXJS, naming its version, what is missing and the range supported', async () => {
    expect(await verdictInChild('rxjs9')).to.deep.equal({
      name: 'WebSocketTaskError',
      code: 'ERR_UNSUPPORTED_RXJS',
      closeCode: 0,
      message:
        'rxjs-websocket-task needs rxjs ^7.8.0, but the rxjs it loaded is 9.0.0-beta.0 (the version of its @rxjs/observable-polyfill): ' +
        `it exports no Observable, Subscription, ObjectUnsubscribedError, asyncScheduler; its Subject has no _subscribe, so a task would never connect. ${install}`,
    });
  });

  it('names each export the library needs that is missing', () => {
    const error = unsupportedRxjs({ ...rxjs7, asyncScheduler: undefined, Subscription: undefined });
    expect(error?.message).to.equal(
      `rxjs-websocket-task needs rxjs ^7.8.0, but the rxjs it loaded is not a 7.x (it exposes no version): it exports no Subscription, asyncScheduler. ${install}`,
    );
  });
});
