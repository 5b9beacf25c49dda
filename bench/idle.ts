/**
 * The idle-memory cell, one fresh process per measurement
 * (`node --expose-gc --import tsx bench/idle.ts VARIANT PORT COUNT`): opens COUNT idle
 * connections of one variant to the peer and reports heap and RSS per connection, measured
 * against the same process holding a few warm-up connections (so lazily loaded code is not
 * counted). It exits without closing: the kernel resets the sockets.
 */
import { loadVariants, type BenchConnection, type VariantName } from './clients.js';

const [variantName, portText, countText] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
const WARM_UP = 10;
const BATCH = 100;
const TIME_LIMIT_MS = 60_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

function settle(): NodeJS.MemoryUsage {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage();
}

async function open(n: number, into: BenchConnection[]): Promise<void> {
  const variant = (await loadVariants()).get(variantName as VariantName);
  if (variant === undefined) throw new Error(`variant ${variantName} is not available here`);
  for (let done = 0; done < n; done += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, n - done) }, () =>
      variant.connect(`ws://127.0.0.1:${port}/idle`, () => undefined, () => undefined),
    );
    into.push(...(await Promise.all(batch)));
  }
}

const timer = setTimeout(() => {
  process.send?.({ error: `idle ${variantName}: over ${TIME_LIMIT_MS} ms` });
  process.exit(1);
}, TIME_LIMIT_MS);

const held: BenchConnection[] = [];
try {
  await open(WARM_UP, held);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const before = settle();
  await open(count, held);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const after = settle();
  process.send?.({
    result: {
      count,
      heapPerConnection: (after.heapUsed - before.heapUsed) / count,
      externalPerConnection: (after.external - before.external) / count,
      rssPerConnection: (after.rss - before.rss) / count,
    },
  });
} catch (error) {
  process.send?.({ error: String((error as Error)?.stack ?? error) });
}
clearTimeout(timer);
// Let the IPC message go out, then leave without closing anything.
setTimeout(() => process.exit(0), 50);
