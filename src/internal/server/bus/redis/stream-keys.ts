/**
 * The two Redis keys of a channel: the stream of its messages and a hash with its epoch and
 * last sequence number. The `{channel}` hash tag keeps both in one Redis Cluster slot, so the
 * publish script may touch both.
 */
export interface StreamKeys {
  readonly stream: string;
  readonly meta: string;
}

export function streamKeys(keyPrefix: string, channel: string): StreamKeys {
  return { stream: `${keyPrefix}{${channel}}:stream`, meta: `${keyPrefix}{${channel}}:meta` };
}
