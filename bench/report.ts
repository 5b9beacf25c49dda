/**
 * Renders results: a markdown report (targets, ratios to raw `ws`, medians, notes) and an
 * SVG chart of the headline cells, where every bar reads "higher is better".
 */
import type { Cell, Results } from './results-model.js';

/** Columns of the tables, baseline first. */
const COLUMNS = ['ws', 'task', 'task+json', 'rxjs', 'rxjs+json', 'global', 'ws+json', 'alt', 'alt+json'];
const ADDON_COLUMNS = ['ws@bufferutil', 'task@bufferutil', 'ws', 'task'];

export function formatValue(value: number | undefined, unit: string): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'msg/s':
      return value >= 1e6 ? `${(value / 1e6).toFixed(2)}M/s` : value >= 1e3 ? `${(value / 1e3).toFixed(1)}k/s` : `${value.toFixed(0)}/s`;
    case 'B':
      return value >= 1024 ? `${(value / 1024).toFixed(1)} KiB` : `${value.toFixed(0)} B`;
    case 'µs':
      return value >= 100 ? `${value.toFixed(0)} µs` : `${value.toFixed(2)} µs`;
    case 'ms':
      return `${value.toFixed(2)} ms`;
    default:
      return `${value.toPrecision(3)} ${unit}`;
  }
}

function formatRatio(ratio: number | undefined, range?: [number, number]): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '—';
  const head = `${ratio.toFixed(2)}×`;
  return range && Number.isFinite(range[0]) && range[0] !== range[1] ? `${head} <sub>${range[0].toFixed(2)}–${range[1].toFixed(2)}</sub>` : head;
}

function ratioTable(cells: readonly Cell[], columns: readonly string[]): string {
  const present = columns.filter((column) => cells.some((cell) => cell.values[column] !== undefined));
  const baseline = cells[0]?.baseline ?? 'ws';
  const head = `| cell | metric | ${present.map((c) => (c === baseline ? `${c} (absolute)` : c)).join(' | ')} |`;
  const rule = `|---|---|${present.map(() => '---:').join('|')}|`;
  const rows = cells.map((cell) => {
    const entries = present.map((column) =>
      column === cell.baseline ? formatValue(cell.median[column], cell.unit) : formatRatio(cell.ratio[column], cell.ratioRange[column]),
    );
    const arrow = cell.better === 'higher' ? '↑' : '↓';
    return `| ${cell.label} | ${cell.metric} ${arrow} | ${entries.join(' | ')} |`;
  });
  return [head, rule, ...rows].join('\n');
}

function medianTable(cells: readonly Cell[], columns: readonly string[]): string {
  const present = columns.filter((column) => cells.some((cell) => cell.values[column] !== undefined));
  const head = `| cell | metric | ${present.join(' | ')} |`;
  const rule = `|---|---|${present.map(() => '---:').join('|')}|`;
  const rows = cells.map(
    (cell) => `| ${cell.label} | ${cell.metric} | ${present.map((column) => formatValue(cell.median[column], cell.unit)).join(' | ')} |`,
  );
  return [head, rule, ...rows].join('\n');
}

export function renderMarkdown(results: Results): string {
  const { meta } = results;
  const plain = results.cells.filter((cell) => cell.config === 'plain' && !cell.id.startsWith('server.'));
  const pinned = results.cells.filter((cell) => cell.config === 'pinned');
  const addon = results.cells.filter((cell) => cell.config === 'bufferutil');
  const server = results.cells.filter((cell) => cell.id.startsWith('server.'));
  const met = results.targets.filter((t) => t.met).length;
  const out: string[] = [
    `# Benchmark results (${String(meta['mode'])})`,
    '',
    `${String(meta['date'])} · Node ${String(meta['node'])} · ws ${String(meta['ws'])} · rxjs ${String(meta['rxjs'])} · library from ${String(meta['library'])} · ` +
      `${String(meta['cores'])} × ${String(meta['cpu'])} · load average before ${JSON.stringify(meta['loadAverageBefore'])}, after ${JSON.stringify(meta['loadAverageAfter'])} · ` +
      `${String(meta['rounds'])} interleaved rounds · ${String(meta['seconds'])} s`,
    '',
    'Ratios are medians of per-round paired ratios to the baseline measured in the same round (range in small print); ' +
      '↑ higher is better, ↓ lower is better. Without bufferutil unless the column says so.',
    '',
    `## Targets (${met} of ${results.targets.length} met)`,
    '',
    '| target | variant | against | ratio | met |',
    '|---|---|---|---:|:---:|',
    ...results.targets.map(
      (t) => `| ${t.description} | ${t.variant} | ${t.against} | ${Number.isFinite(t.ratio) ? t.ratio.toFixed(3) : '—'} ${t.op} ${t.threshold} | ${t.met ? '✓' : '✗'} |`,
    ),
    '',
    '## Client: ratios to raw ws',
    '',
    ratioTable(plain, COLUMNS),
    '',
  ];
  if (pinned.length > 0) out.push('## Client: echo with both processes pinned to one core', '', ratioTable(pinned, COLUMNS), '');
  if (addon.length > 0) {
    out.push(
      '## With bufferutil: ratios to raw ws with bufferutil',
      '',
      'Same rounds; `ws` and `task` columns are the runs without it, for the addon\'s own effect.',
      '',
      ratioTable(addon, ADDON_COLUMNS),
      '',
    );
  }
  if (server.length > 0) out.push('## Server side: `fromWebSocketTask(socket)` vs raw `ws` sockets', '', ratioTable(server, ['ws', 'task', 'alt']), '');
  out.push('## Medians', '', medianTable([...plain, ...pinned, ...addon, ...server], [...new Set([...COLUMNS, ...ADDON_COLUMNS])]), '');
  const busy = Object.entries(results.peerBusy);
  if (busy.length > 0) {
    out.push(
      '## Peer CPU share',
      '',
      'Share of one core the peer process used during the throughput trials (median): well below 1 means the client, not the peer, set the pace.',
      '',
      `| ${busy.map(([key]) => key).join(' | ')} |`,
      `|${busy.map(() => '---:').join('|')}|`,
      `| ${busy.map(([, share]) => share.toFixed(2)).join(' | ')} |`,
      '',
    );
  }
  if (results.notes.length > 0) out.push('## Notes', '', ...results.notes.map((note) => `- ${note}`), '');
  if (results.errors.length > 0) out.push('## Failed trials', '', ...results.errors.map((error) => `- ${error}`), '');
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------- chart

const CHART_VARIANTS: readonly [string, string][] = [
  ['task', '#1f77b4'],
  ['task+json', '#6baed6'],
  ['rxjs', '#d62728'],
  ['rxjs+json', '#ff9896'],
  ['global', '#7f7f7f'],
  ['alt', '#2ca02c'],
];

const CHART_ROWS: readonly [string, string][] = [
  ['recv-16.rate', 'receive 16 B'],
  ['recv-1024.rate', 'receive 1 KiB'],
  ['recv-65536.rate', 'receive 64 KiB'],
  ['send-16.rate', 'send 16 B'],
  ['send-1024.rate', 'send 1 KiB'],
  ['send-65536.rate', 'send 64 KiB'],
  ['echo-16.p50', 'echo p50'],
  ['echo-16.cpu', 'CPU per round trip'],
  ['echo-16@pinned.p50', 'echo p50, pinned'],
  ['idle.heap', 'heap per idle conn.'],
  ['idle.rss', 'RSS per idle conn.'],
  ['server.fanout-cpu', 'server fan-out CPU'],
  ['server.heap', 'server heap per conn.'],
];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Horizontal bars, one group per headline cell: speed-up over raw ws (ratio, or 1/ratio where lower is better). */
export function renderChart(results: Results): string {
  const rows = CHART_ROWS.map(([id, label]) => ({ label, cell: results.cells.find((cell) => cell.id === id) })).filter(
    (row): row is { label: string; cell: Cell } => row.cell !== undefined,
  );
  const bar = 9;
  const gap = 8;
  const left = 170;
  const width = 820;
  const plotWidth = width - left - 30;
  const top = 70;
  const bars = rows.map((row) =>
    CHART_VARIANTS.filter(([variant]) => {
      const ratio = row.cell.ratio[variant] ?? Number.NaN;
      return Number.isFinite(ratio) && ratio > 0;
    }),
  );
  const groupHeights = bars.map((b) => b.length * bar + gap);
  const height = top + groupHeights.reduce((a, b) => a + b, 0) + 40;
  const goodness = (cell: Cell, variant: string): number => {
    const ratio = cell.ratio[variant]!;
    return cell.better === 'higher' ? ratio : 1 / ratio;
  };
  // Bars past MAX_SCALE are clipped (their <title> keeps the value); a zero ratio (e.g. an
  // RSS delta under one page in a tiny run) would otherwise stretch the scale to infinity.
  const MAX_SCALE = 4;
  const finite = rows.flatMap((row, i) => bars[i]!.map(([variant]) => goodness(row.cell, variant))).filter((v) => Number.isFinite(v));
  const max = Math.min(MAX_SCALE, Math.ceil(Math.max(2, ...finite) * 2) / 2);
  const x = (value: number): number => left + (Math.min(value, max) / max) * plotWidth;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">Relative to raw ws (1.0 = raw ws; higher is better)</text>`,
    `<text x="${left}" y="34" fill="#555">${escapeXml(`${String(results.meta['mode'])} run, ${String(results.meta['date']).slice(0, 10)}, Node ${String(results.meta['node'])}: median of paired per-round ratios; lower-is-better metrics shown inverted`)}</text>`,
  ];
  const shown = CHART_VARIANTS.filter(([variant]) => bars.some((group) => group.some(([name]) => name === variant)));
  shown.forEach(([variant, color], i) => {
    parts.push(`<rect x="${left + i * 120}" y="46" width="10" height="10" fill="${color}"/>`, `<text x="${left + i * 120 + 14}" y="55">${escapeXml(variant)}</text>`);
  });
  for (let tick = 0; tick <= max + 1e-9; tick += 0.5) {
    const tx = x(tick);
    parts.push(
      `<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${height - 30}" stroke="${tick === 1 ? '#000' : '#ddd'}" stroke-width="${tick === 1 ? 1.5 : 1}"/>`,
      `<text x="${tx}" y="${height - 16}" text-anchor="middle">${tick.toFixed(1)}×</text>`,
    );
  }
  let y = top;
  rows.forEach((row, i) => {
    const group = bars[i]!;
    parts.push(`<text x="${left - 6}" y="${y + (group.length * bar) / 2 + 4}" text-anchor="end">${escapeXml(row.label)}</text>`);
    group.forEach(([variant, color], j) => {
      const value = goodness(row.cell, variant);
      parts.push(
        `<rect x="${left}" y="${y + j * bar}" width="${Math.max(1, x(value) - left)}" height="${bar - 1}" fill="${color}"><title>${escapeXml(`${variant}: ${value.toFixed(2)}`)}</title></rect>`,
      );
    });
    y += groupHeights[i]!;
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
