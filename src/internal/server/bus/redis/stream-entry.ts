/** One entry of a channel's stream, as the bus writes it: fields `e` (epoch), `n` (sequence), `d` (data). */
export interface StreamEntry {
  readonly id: string;
  readonly epoch: string;
  readonly n: number;
  readonly data: string;
}

/** Reads an `[id, [field, value, …]]` pair from XRANGE / XREAD. */
export function parseStreamEntry(raw: unknown): StreamEntry {
  const [id, fields] = raw as [string, string[]];
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i] as string, fields[i + 1] as string);
  return { id, epoch: values.get('e') ?? '', n: Number(values.get('n') ?? Number.NaN), data: values.get('d') ?? '' };
}

/** Reads an XREAD reply: `[[key, [entry, …]], …]` (or `null` when the block timed out). */
export function parseXreadReply(reply: unknown): Array<{ key: string; entries: StreamEntry[] }> {
  if (!Array.isArray(reply)) return [];
  return (reply as Array<[string, unknown[]]>).map(([key, entries]) => ({ key, entries: entries.map(parseStreamEntry) }));
}
