/**
 * Renders the scale-out results as markdown (bench/results/scale-out.md): the fan-out table
 * with the library's ratio to its raw counterpart, the resume cells and the broker-restart
 * accounting, then notes and errors.
 */
import { formatValue } from './report.js';
import type { ScaleOutResults } from './scale-out-results.js';

const count = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const ratio = (r: number | undefined): string => (r === undefined || !Number.isFinite(r) ? '—' : `${r.toFixed(2)}×`);

function fanOutTable(results: ScaleOutResults): string {
  const head =
    '| variant | p50 to last client | p99 to last client | server CPU per delivery, single messages | messages/s (burst, all receive) | deliveries/s | server CPU per delivery, burst | delivered / expected | out of sequence | ÷ raw: p50 | ÷ raw: CPU single | ÷ raw: messages/s | ÷ raw: CPU burst |';
  const rule = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const rows = results.fanOut.map(
    (row) =>
      `| ${row.label} | ${formatValue(row.p50Ms, 'ms')} | ${formatValue(row.p99Ms, 'ms')} | ${formatValue(row.singleCpuPerDeliveryMicros, 'µs')} | ${formatValue(row.messagesPerSecond, 'msg/s')} | ` +
      `${formatValue(row.deliveriesPerSecond, 'msg/s')} | ${formatValue(row.serverCpuPerDeliveryMicros, 'µs')} | ` +
      `${count(row.delivered)} / ${count(row.expected)} | ${count(row.anomalies)} | ${ratio(row.ratio?.p50)} | ${ratio(row.ratio?.singleCpuPerDelivery)} | ${ratio(row.ratio?.messagesPerSecond)} | ${ratio(row.ratio?.serverCpuPerDelivery)} |`,
  );
  return [head, rule, ...rows].join('\n');
}

function resumeTable(results: ScaleOutResults): string {
  const head = '| missed while away | received / expected | exactly 0…n−1, in order | duplicates | missing | catch-up (open → last missed) | catch-up rate | connections |';
  const rule = '|---:|---:|---|---:|---:|---:|---:|---:|';
  const rows = results.resume.map(
    (r) =>
      `| ${count(r.missed)} | ${count(r.received)} / ${count(r.expected)} | ${r.exact ? 'yes' : '**NO**'} | ${r.duplicates} | ${r.missing} | ` +
      `${formatValue(r.catchUpMs, 'ms')} | ${formatValue(r.catchUpPerSecond, 'msg/s')} | ${r.connections} |`,
  );
  return [head, rule, ...rows].join('\n');
}

function restartTable(results: ScaleOutResults): string {
  const head =
    '| bus | broker keeps data | published (called) | resolved | rejected / publish-failed events | rejected publishes called (ms from stop) | pending at end | subscriber | delivered | lost, reported | lost, NOT reported | delivered although rejected | duplicates | reordered | reported windows (ms from stop) |';
  const rule = '|---|---|---:|---:|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---|';
  const rows = results.restart.flatMap((sample) =>
    sample.subscribers.map(
      (s, i) =>
        `| ${sample.bus} | ${sample.persistent ? 'yes (AOF)' : 'no'} | ${count(sample.published)} | ${count(sample.resolved)} | ${count(sample.rejected)} / ${count(sample.publishFailedEvents)} | ${sample.rejected > 0 ? `${sample.rejectedCalledFrom}…${sample.rejectedCalledTo}` : '—'} | ${count(sample.pending)} | ` +
        `${i === 0 ? 'publisher\'s process' : 'other process'} | ${count(s.delivered)} | ${count(s.lostReported)} | ${s.lostUnreported === 0 ? '0' : `**${s.lostUnreported}**`} | ${s.deliveredNotResolved} | ` +
        `${s.duplicates} | ${s.reordered} | ${s.windows.map((w) => `${w.why} ${w.from}…${Number.isFinite(w.to) ? w.to : 'open'}${w.afterSequence === undefined ? '' : ` (after #${w.afterSequence})`}`).join('; ') || 'none'} |`,
    ),
  );
  return [head, rule, ...rows].join('\n');
}

export function renderScaleOut(results: ScaleOutResults): string {
  const { meta } = results;
  const plan = meta['plan'] as { connections: number; processes: number; latencyTrials: number; burst: number; size: number; rounds: number };
  const lines = [
    `# Scale-out benchmark (${String(meta['mode'])})`,
    '',
    `${String(meta['date'])}, Node ${String(meta['node'])}, ${String(meta['cpu'])} × ${String(meta['cores'])}, ` +
      `load average (1, 5, 15 min) ${JSON.stringify(meta['loadAverageBefore'])} before, ${JSON.stringify(meta['loadAverageAfter'])} after` +
      `${meta['loadAverageDuring'] ? `, 1-min ${JSON.stringify(meta['loadAverageDuring'])} at the start of the fan-out measurements` : ''}; ${String(meta['seconds'])} s.`,
    `Library: ${String(meta['library'])}; ws ${String(meta['ws'])}, rxjs ${String(meta['rxjs'])}, ioredis ${String(meta['ioredis'])}, ` +
      `@nats-io/transport-node ${String(meta['natsClient'])}. Brokers: ${String(meta['brokers'])}.`,
    '',
  ];
  if (results.fanOut.length > 0) {
    lines.push(
      `## Fan-out: one message to ${count(plan.connections)} connections`,
      '',
      `Bus variants: ${plan.processes} server processes (~${count(plan.connections / plan.processes)} connections each); single-process variants: one. ` +
        `Clients: ${plan.processes} swarm processes. ${plan.rounds} round(s), variants interleaved; per round ${plan.latencyTrials} single messages ` +
        `(latency from publish to the last connection, all rounds pooled; p99 by nearest rank, which with ${plan.latencyTrials * plan.rounds} samples is ` +
        `${Math.ceil(0.99 * plan.latencyTrials * plan.rounds) >= plan.latencyTrials * plan.rounds ? 'the largest' : 'near the largest'}) ` +
        `and a burst of ${plan.burst} (throughput), ${plan.size} B each. "÷ raw" is the median of the paired per-round ratios to the raw counterpart ` +
        '(ws-local for broadcast, the same broker by hand for each bus): above 1× is slower for latency and CPU, below 1× is slower for messages/s.',
      '',
      fanOutTable(results),
      '',
    );
  }
  if (results.resume.length > 0) lines.push('## Redis Streams resume', '', resumeTable(results), '');
  if (results.restart.length > 0) {
    const r = results.restart[0]!;
    lines.push(
      '## Broker restart under load',
      '',
      `${r.rate} msg/s for ${r.seconds} s from one process; the broker stopped (SIGTERM) a third of the way in and started again ${r.downMs} ms later. ` +
        'A lost message counts as reported when its publish (call to resolution) overlaps a window in which that subscriber\'s bus reported it might lose messages ' +
        '(`down` … `up`), or when it comes after the last message the subscription had seen when its bus reported `history-lost` or `messages()` errored ' +
        '(after #N: the history gap covers every later message).',
      '',
      restartTable(results),
      '',
    );
  }
  if (results.notes.length > 0) lines.push('## Notes', '', ...results.notes.map((note) => `- ${note}`), '');
  if (results.errors.length > 0) lines.push('## Errors', '', ...results.errors.map((error) => `- ${error}`), '');
  return `${lines.join('\n')}`;
}
