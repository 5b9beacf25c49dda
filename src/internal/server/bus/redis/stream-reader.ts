import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Subscriber } from 'rxjs';
import type { BusError } from '../bus-error';
import type { BusEvent, BusMessage } from '../message-bus';
import { isRedisReplyError, redisBusError } from './redis-bus-error';
import { subscriberCount, type StreamChannel } from './stream-channel';
import { parseXreadReply, type StreamEntry } from './stream-entry';
import { streamKeys } from './stream-keys';
import { formatOffset, type StreamPosition } from './stream-offset';
import { historyGap, replayHistory, replayPageSize } from './stream-replay';
import { joinScript } from './stream-scripts';

/** How long one XREAD blocks when nothing arrives (a change of channels unblocks it sooner). */
const blockMs = 5_000;
/** Entries per stream and XREAD, as per replay page. */
const pageSize = replayPageSize;

/** A random epoch, 16 hex digits. */
export function newEpoch(): string {
  return randomBytes(8).toString('hex');
}

/**
 * The one blocking reader of a Streams bus: a single connection runs XREAD BLOCK over every
 * channel this process listens to, and between blocks it joins new channels and replays
 * history to subscribers that presented an offset. Everything that moves a channel's position
 * happens in this one loop, so a replay ends exactly where the live feed stands and the
 * subscriber joins it there: no buffer, no duplicate, no hole.
 *
 * Every entry carries its epoch and sequence number; an entry whose epoch differs or whose
 * number is not the next one means history was lost under the reader (restart without
 * persistence, a trim past a slow reader): the channel reports `'history-lost'` and its
 * subscribers error with `'ERR_BUS_HISTORY_GAP'`, never a silent hole.
 */
export class StreamReader {
  private readonly channels = new Map<string, StreamChannel>();
  private readonly keyToChannel = new Map<string, string>();
  private wake: (() => void) | undefined;
  /** A nudge came while the loop was busy: it must look again before it waits or blocks. */
  private nudged = false;
  private verified = false;
  private blockedOn: string | undefined;
  private readerId: number | undefined;
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly reader: Redis,
    private readonly control: Redis,
    private readonly keyPrefix: string,
    private readonly report: (event: BusEvent) => void,
  ) {
    reader.on('close', () => {
      this.verified = false;
      this.readerId = undefined;
    });
    this.done = this.run();
  }

  /** Adds a live subscriber, or one that first replays what followed `after`. */
  add(channelName: string, subscriber: Subscriber<BusMessage>, after: StreamPosition | undefined): () => void {
    let channel = this.channels.get(channelName);
    if (!channel) {
      channel = { position: undefined, live: new Map(), replays: [] };
      this.channels.set(channelName, channel);
      this.keyToChannel.set(streamKeys(this.keyPrefix, channelName).stream, channelName);
    }
    if (after === undefined && channel.position && channel.replays.length === 0) channel.live.set(subscriber, channel.position.n);
    else channel.replays.push({ subscriber, after });
    this.nudge();
    return () => this.remove(channelName, subscriber);
  }

  /**
   * Runs on every reconnect of the reader, before `'up'`: a channel whose epoch changed while
   * the connection was down lost its history (Redis restarted without persistence).
   */
  async verify(): Promise<void> {
    for (const [name, channel] of this.channels) {
      if (!channel.position) continue;
      const epoch = await this.reader.call('HGET', streamKeys(this.keyPrefix, name).meta, 'epoch');
      if (epoch !== channel.position.epoch) this.historyLost(name, channel);
    }
    this.verified = true;
    this.nudge();
  }

  /**
   * Completes every subscriber and ends the loop; resolves when the loop ended, which needs the
   * bus to close the reader connection (a block in progress ends with it).
   */
  stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.channels.values()].flatMap((c) => [...c.live.keys(), ...c.replays.map((r) => r.subscriber)]);
    this.channels.clear();
    this.keyToChannel.clear();
    for (const subscriber of all) subscriber.complete();
    this.nudge();
    return this.done;
  }

  private remove(channelName: string, subscriber: Subscriber<BusMessage>): void {
    const channel = this.channels.get(channelName);
    if (!channel) return;
    channel.live.delete(subscriber);
    const index = channel.replays.findIndex((r) => r.subscriber === subscriber);
    if (index >= 0) channel.replays.splice(index, 1);
    if (subscriberCount(channel) > 0) return;
    this.forget(channelName);
    this.nudge();
  }

  private forget(channelName: string): void {
    this.channels.delete(channelName);
    this.keyToChannel.delete(streamKeys(this.keyPrefix, channelName).stream);
  }

  /** Something changed: end the wait, or the current block if it reads another set of keys. */
  private nudge(): void {
    this.nudged = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
    if (this.blockedOn !== undefined && this.readerId !== undefined && this.hasWorkBesidesBlocking()) {
      this.control.call('CLIENT', 'UNBLOCK', this.readerId).catch(() => undefined); // else the block times out
    }
  }

  private hasWorkBesidesBlocking(): boolean {
    if (this.blockedOn !== this.readKeys().join('\n')) return true;
    return [...this.channels.values()].some((c) => !c.position || c.replays.length > 0);
  }

  /** Resolves at the next nudge, or at once if one came since the loop last looked. */
  private waitForNudge(): Promise<void> {
    if (this.nudged || this.stopped) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => (this.wake = resolve));
  }

  private readKeys(): string[] {
    return [...this.channels].filter(([, c]) => c.position && c.live.size > 0).map(([name]) => streamKeys(this.keyPrefix, name).stream);
  }

  private async run(): Promise<void> {
    this.reader.on('ready', () => this.nudge());
    while (!this.stopped) {
      if (this.reader.status !== 'ready' || !this.verified) {
        await this.waitForNudge();
        continue;
      }
      try {
        this.nudged = false;
        await this.joinNewChannels();
        await this.replayPending();
        const keys = this.readKeys();
        if (keys.length === 0) {
          await this.waitForNudge();
          continue;
        }
        this.readerId ??= Number(await this.reader.call('CLIENT', 'ID'));
        if (this.nudged || this.stopped) continue; // channels changed meanwhile: join them before blocking
        const ids = keys.map((key) => this.channels.get(this.keyToChannel.get(key) as string)?.position?.id ?? '$');
        this.blockedOn = keys.join('\n');
        const reply = await this.reader.call('XREAD', 'COUNT', pageSize, 'BLOCK', blockMs, 'STREAMS', ...keys, ...ids);
        this.blockedOn = undefined;
        for (const { key, entries } of parseXreadReply(reply)) {
          const name = this.keyToChannel.get(key);
          const channel = name === undefined ? undefined : this.channels.get(name);
          if (name !== undefined && channel) this.deliverLive(name, channel, entries);
        }
      } catch (error) {
        this.blockedOn = undefined;
        if (this.stopped) break;
        // A connection that dropped rejects its commands once its status left 'ready' (no
        // offline queue, maxRetriesPerRequest 0): 'ready', after verify(), resumes from the
        // positions. Anything else would fail again at once: end the subscriptions instead.
        if (isRedisReplyError(error) || this.reader.status === 'ready') this.failAll(redisBusError('XREAD', error));
      }
    }
  }

  private async joinNewChannels(): Promise<void> {
    for (const [name, channel] of [...this.channels]) {
      if (channel.position) continue;
      const keys = streamKeys(this.keyPrefix, name);
      try {
        const [epoch, n, id] = (await this.reader.eval(joinScript, 2, keys.stream, keys.meta, newEpoch())) as [string, number, string];
        if (this.channels.get(name) !== channel) continue; // everyone left meanwhile
        channel.position = { epoch, n: Number(n), id };
      } catch (error) {
        if (!isRedisReplyError(error)) throw error;
        this.failChannel(name, channel, redisBusError('joining a stream', error));
      }
    }
  }

  /** Replays `(after, position]` to each waiting subscriber (see `replayHistory`), then it joins the live feed. */
  private async replayPending(): Promise<void> {
    for (const [name, channel] of [...this.channels]) {
      const target = channel.position;
      if (!target) continue;
      while (channel.replays.length > 0 && this.channels.get(name) === channel) {
        const request = channel.replays[0]!;
        const outcome = request.after
          ? await replayHistory(this.reader, streamKeys(this.keyPrefix, name), name, request.subscriber, request.after, target)
          : { skipThrough: target.n };
        if (channel.replays[0] !== request) continue; // unsubscribed during the replay
        channel.replays.shift();
        if ('error' in outcome) request.subscriber.error(outcome.error);
        else channel.live.set(request.subscriber, outcome.skipThrough);
      }
      if (subscriberCount(channel) === 0 && this.channels.get(name) === channel) this.forget(name);
    }
  }

  private deliverLive(name: string, channel: StreamChannel, entries: StreamEntry[]): void {
    for (const entry of entries) {
      const position = channel.position as StreamPosition;
      if (entry.epoch !== position.epoch || entry.n !== position.n + 1) {
        this.historyLost(name, channel);
        return;
      }
      channel.position = { epoch: entry.epoch, n: entry.n, id: entry.id };
      const message: BusMessage = { channel: name, data: entry.data, offset: formatOffset(channel.position) };
      for (const [subscriber, skipThrough] of [...channel.live]) if (entry.n > skipThrough) subscriber.next(message);
    }
  }

  private historyLost(name: string, channel: StreamChannel): void {
    const after = channel.position as StreamPosition;
    this.report({ type: 'history-lost', channel: name, after: formatOffset(after) });
    this.failChannel(name, channel, historyGap(name, after, 'the channel\'s history was lost under a live subscription'));
  }

  private failChannel(name: string, channel: StreamChannel, error: BusError): void {
    if (this.channels.get(name) === channel) this.forget(name);
    for (const subscriber of [...channel.live.keys(), ...channel.replays.map((r) => r.subscriber)]) subscriber.error(error);
  }

  private failAll(error: BusError): void {
    for (const [name, channel] of [...this.channels]) this.failChannel(name, channel, error);
  }
}
