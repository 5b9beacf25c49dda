/**
 * Renders a results file again, without running anything
 * (`node --import tsx bench/render.ts bench/results/full.json [--docs]`): rewrites the .md
 * and .svg beside it, and with `--docs` docs/performance.svg.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderChart, renderMarkdown } from './report.js';
import type { Results } from './results-model.js';

const file = process.argv[2];
if (file === undefined || !file.endsWith('.json')) throw new Error('usage: bench/render.ts RESULTS.json [--docs]');
const results = JSON.parse(readFileSync(file, 'utf8'), (_key, value: unknown) => (value === null ? Number.NaN : value)) as Results;
const chart = renderChart(results);
writeFileSync(file.replace(/\.json$/, '.md'), renderMarkdown(results));
writeFileSync(file.replace(/\.json$/, '.svg'), chart);
if (process.argv.includes('--docs')) writeFileSync(new URL('../docs/performance.svg', import.meta.url), chart);
