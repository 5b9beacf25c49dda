// The benchmark's smoke run: tiny sizes, one round, every phase (interleaved client cells,
// idle memory, server side). Asserts only that it produces well-formed results: no timing
// is checked, the machine running tests is not a benchmark machine.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderChart } from '../../bench/report';
import type { Results } from '../../bench/results-model';

const runScript = fileURLToPath(new URL('../../bench/run.ts', import.meta.url));

function runSmoke(outDir: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', runScript, '--smoke', '--out', outDir],
      { timeout: 90_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve({ stdout, stderr })),
    );
  });
}

describe('bench (smoke mode)', function () {
  this.timeout(120_000);
  let outDir: string;
  let results: Results;
  let stdout: string;

  before(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
    ({ stdout } = await runSmoke(outDir));
    results = JSON.parse(readFileSync(join(outDir, 'smoke.json'), 'utf8')) as Results;
  });
  after(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it('records the run it made', () => {
    expect(results.meta['mode']).to.equal('smoke');
    expect(results.meta['node']).to.equal(process.version);
    expect(results.errors).to.deep.equal([]);
  });

  it('has every cell of the issue, each with raw ws and the task', () => {
    const ids = results.cells.map((cell) => cell.id);
    for (const id of ['recv-16.rate', 'send-16.rate', 'echo-16.p50', 'echo-16.p99', 'echo-16.cpu', 'idle.heap', 'idle.rss', 'server.fanout-cpu', 'server.heap']) {
      expect(ids).to.include(id);
    }
    for (const cell of results.cells) {
      expect(cell.values, cell.id).to.have.property('ws');
      expect(cell.values, cell.id).to.have.property('task');
      expect(cell.ratio['ws'], cell.id).to.equal(1);
      expect(cell.better).to.be.oneOf(['higher', 'lower']);
    }
  });

  it('compares rxjs/webSocket with both codecs and the task with JSON', () => {
    const cell = results.cells.find((candidate) => candidate.id === 'recv-16.rate')!;
    expect(Object.keys(cell.values)).to.include.members(['rxjs', 'rxjs+json', 'task+json', 'ws+json']);
    for (const variant of ['rxjs', 'rxjs+json', 'task', 'task+json']) {
      expect(cell.median[variant], variant).to.be.a('number').and.to.be.greaterThan(0);
    }
  });

  it('checks the targets against the measured ratios', () => {
    expect(results.targets.length).to.be.greaterThan(5);
    for (const target of results.targets) {
      // A ratio is null (NaN) where a tiny run measured nothing, e.g. an RSS delta under one page.
      if (target.ratio === null) {
        expect(target.met, target.description).to.equal(false);
        continue;
      }
      expect(target.ratio, target.description).to.be.a('number');
      expect(target.met).to.equal(target.op === '>=' ? target.ratio >= target.threshold : target.ratio <= target.threshold);
    }
  });

  it('writes a markdown table, prints it, and draws an SVG chart', () => {
    const markdown = readFileSync(join(outDir, 'smoke.md'), 'utf8');
    expect(markdown).to.match(/^# Benchmark results \(smoke\)/);
    expect(markdown).to.include('## Targets');
    expect(markdown).to.match(/\| cell \| metric \| ws \(absolute\) \| task \|/);
    expect(stdout).to.equal(markdown);
    const svg = readFileSync(join(outDir, 'smoke.svg'), 'utf8');
    expect(svg).to.match(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.trimEnd()).to.match(/<\/svg>$/);
  });

  it('draws a bounded chart even when a ratio is zero or not a number', () => {
    const broken: Results = {
      ...results,
      cells: results.cells.map((cell, i) => ({ ...cell, ratio: { ...cell.ratio, task: i % 2 === 0 ? 0 : Number.NaN } })),
    };
    const svg = renderChart(broken);
    expect(svg.length).to.be.lessThan(200_000);
    expect(svg).to.not.match(/NaN|Infinity/);
  });
});
