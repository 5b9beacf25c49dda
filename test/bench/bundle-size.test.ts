// bench/size.ts measures the browser bundle; docs/performance.md quotes it. The quotes must
// stay within 0.25 kB of what the current build measures, or the docs tell an old story.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SizeReport } from '../../bench/size';

const script = fileURLToPath(new URL('../../bench/size.ts', import.meta.url));
const guide = readFileSync(new URL('../../docs/performance.md', import.meta.url), 'utf8');
const TOLERANCE_BYTES = 250;

function measure(): Promise<SizeReport> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', script, '--json'], { timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as SizeReport),
    );
  });
}

/** The kB figure at the end of the guide's table row that contains `label`. */
function quotedRow(label: string): number {
  const row = guide.split('\n').find((line) => line.startsWith('|') && line.includes(label));
  expect(row, `a row with "${label}" in docs/performance.md`).to.be.a('string');
  const figure = /([\d.]+) kB \|\s*$/.exec(row!);
  expect(figure, `a kB figure at the end of "${row}"`).to.not.equal(null);
  return Number(figure![1]) * 1000;
}

/** The kB figure the guide's prose gives right after `phrase`. */
function quotedAfter(phrase: string): number {
  const figure = new RegExp(`${phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ([\\d.]+) kB`).exec(guide);
  expect(figure, `"${phrase} N kB" in docs/performance.md`).to.not.equal(null);
  return Number(figure![1]) * 1000;
}

describe('bundle size (bench/size.ts) against docs/performance.md', function () {
  this.timeout(90_000);
  let report: SizeReport;
  before(async () => {
    report = await measure();
  });

  it('measures the entry, rxjs left out, for every import it lists', () => {
    const sizes = Object.values(report.entry);
    expect(sizes).to.have.length(6);
    for (const size of sizes) expect(size.gzip).to.be.above(0).and.below(size.minified);
    expect(report.entry['close-code helpers only']!.gzip).to.be.below(report.entry['`fromWebSocketTask`']!.gzip);
  });

  it('quotes the entry sizes of the current build', () => {
    const near = (quoted: number, measured: number) => expect(quoted).to.be.closeTo(measured, TOLERANCE_BYTES);
    near(quotedRow("size-limit's measure"), report.entry['`fromWebSocketTask`']!.gzip);
    near(quotedRow('the whole browser entry'), report.entry['everything (`*`)']!.gzip);
    near(quotedRow('the close-code helpers alone'), report.entry['close-code helpers only']!.gzip);
    near(quotedRow('with the WebSocketStream transport'), report.entry['`fromWebSocketTask`, `webSocketStream` (the WebSocketStream transport)']!.gzip);
    near(quotedRow('with the backpressure operator'), report.entry['`fromWebSocketTask`, `processInbound` (the backpressure operator)']!.gzip);
  });

  it('quotes what the task and rxjs/webSocket add to an app that uses rxjs', () => {
    expect(quotedRow('**adds**')).to.be.closeTo(report.addedByTask.gzip, TOLERANCE_BYTES);
    expect(quotedRow('what `rxjs/webSocket` adds')).to.be.closeTo(report.addedByRxjsWebSocket.gzip, TOLERANCE_BYTES);
  });

  it('quotes the message text and the code without it', () => {
    expect(quotedAfter('Message text is')).to.be.closeTo(report.messages.gzip, TOLERANCE_BYTES);
    expect(quotedAfter('the code still weighs')).to.be.closeTo(report.withoutMessages.gzip, TOLERANCE_BYTES);
  });
});
