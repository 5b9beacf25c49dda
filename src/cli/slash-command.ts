import { CloseCode, WebSocketTaskError, type WebSocketTask } from '../index';
import type { CliIo } from './cli-io';
import { fromHex } from './format-message';

/**
 * Runs one `--slash` command typed on stdin: `/ping`, `/close [code] [reason]`,
 * `/binary <hex>`. Mistakes are reported on stderr; the connection stays open.
 */
export function runSlashCommand(line: string, task: WebSocketTask, { stderr }: CliIo): void {
  const [name = '', ...words] = line.slice(1).split(' ');
  const rest = words.join(' ').trim();
  try {
    switch (name) {
      case 'ping':
        task.sendPing().subscribe({
          next: (ms) => stderr.write(`pong after ${Math.round(ms)} ms\n`),
          error: (error: unknown) => stderr.write(`ping failed: ${(error as Error).message}\n`),
        });
        return;
      case 'close': {
        const [codeText, ...reason] = words;
        const code = codeText === undefined || codeText === '' ? CloseCode.normalClosure : Number(codeText);
        task.cancel(code, reason.join(' '));
        return;
      }
      case 'binary': {
        const bytes = fromHex(rest);
        if (bytes === undefined) stderr.write(`/binary takes hex bytes, e.g. /binary 01 02 ff, not "${rest}"\n`);
        else task.next(bytes);
        return;
      }
      default:
        stderr.write(`unknown command /${name}: use /ping, /close [code] [reason] or /binary <hex>\n`);
    }
  } catch (error) {
    if (!(error instanceof WebSocketTaskError)) throw error;
    stderr.write(`${error.message}\n`);
  }
}
