/**
 * The brokers used by hand, the baselines of the scale-out fan-out cells: what an application
 * would write without the library's buses (bench/scale-out-node.ts runs them with a raw `ws`
 * server whose `sendAll` loops over `wss.clients`).
 */
import { Redis } from 'ioredis';
import { connect as connectNats, type NatsConnection } from '@nats-io/transport-node';

/** How messages reach this process, and how it publishes. */
export interface Source {
  /** Publishes one message; resolves once the broker (or the Subject) took it. */
  publish(data: string): Promise<unknown> | void;
  /** After a burst of `publish` calls: resolves once everything was handed to the broker. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Raw Redis pub/sub: one ioredis connection SUBSCRIBEd, one that PUBLISHes. */
export async function rawRedis(brokerUrl: string, channel: string, sendAll: (data: string) => void): Promise<Source> {
  const subscriber = new Redis(brokerUrl);
  const publisher = new Redis(brokerUrl);
  subscriber.on('message', (_channel: string, data: string) => sendAll(data));
  await subscriber.subscribe(channel);
  return {
    publish: (data) => publisher.publish(channel, data),
    flush: async () => undefined,
    close: async () => {
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}

/** Raw Redis Streams: XADD on one connection, an XREAD BLOCK loop from the last id read on another. */
export async function rawRedisStreams(brokerUrl: string, channel: string, sendAll: (data: string) => void): Promise<Source> {
  const reader = new Redis(brokerUrl);
  const writer = new Redis(brokerUrl);
  let closed = false;
  // The id of the last entry read: '$' (only what comes after the first XREAD) to start.
  let last = '$';
  void (async () => {
    while (!closed) {
      const reply = (await reader.xread('BLOCK', 0, 'STREAMS', channel, last).catch(() => null)) as [string, [string, string[]][]][] | null;
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          last = id;
          sendAll(fields[1] ?? '');
        }
      }
    }
  })();
  return {
    publish: (data) => writer.xadd(channel, 'MAXLEN', '~', '100000', '*', 'd', data),
    flush: async () => undefined,
    close: async () => {
      closed = true;
      reader.disconnect();
      writer.disconnect();
    },
  };
}

/** Raw core NATS: one connection that subscribes and publishes (flushed after a burst). */
export async function rawNats(brokerUrl: string, channel: string, sendAll: (data: string) => void): Promise<Source> {
  const connection: NatsConnection = await connectNats({ servers: brokerUrl });
  connection.subscribe(channel, {
    callback: (error, message) => {
      if (error === null) sendAll(message.string());
    },
  });
  await connection.flush();
  return {
    publish: (data) => connection.publish(channel, data),
    flush: () => connection.flush(),
    close: () => connection.close(),
  };
}
