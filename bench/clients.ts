/**
 * The clients the benchmark compares, each written the way its users write it, behind one
 * small interface. Every variant hands the harness the message the way its users get it:
 * text as a `string` (raw variants) or the parsed value (JSON variants).
 */
import { pathToFileURL } from 'node:url';
import { webSocket } from 'rxjs/webSocket';
import WebSocket from 'ws';

/** The library's public API, from src/ (through tsx) or from dist/ (`BENCH_LIB=dist`). */
type Library = typeof import('../src/index');

/** One open connection of a variant. */
export interface BenchConnection {
  /** Sends a message: the object for JSON variants, the text for the others. */
  send(message: unknown): void;
  /** Closes with 1000 (or the variant's usual way) and resolves once closed, or after 2 s. */
  close(): Promise<void>;
}

/** A client to compare. */
export interface ClientVariant {
  readonly name: VariantName;
  /** Sends and receives JSON values rather than text. */
  readonly json: boolean;
  /** Opens a connection; `onMessage` sees every message, `onEnd` an unexpected end. */
  connect(url: string, onMessage: (message: unknown) => void, onEnd: (error?: unknown) => void): Promise<BenchConnection>;
}

/** Every variant, in the order of the tables. */
export const VARIANT_NAMES = ['ws', 'ws+json', 'rxjs', 'rxjs+json', 'global', 'task', 'task+json'] as const;
/** The task again, from another copy of the library (`--alt PATH`): to measure a change against the current code in one run. */
export const ALT_VARIANT_NAMES = ['alt', 'alt+json'] as const;
export type VariantName = (typeof VARIANT_NAMES)[number] | (typeof ALT_VARIANT_NAMES)[number];

/** What each variant is, for the reports. */
export const VARIANT_LABELS: Record<VariantName, string> = {
  ws: 'raw `ws` (text decoded to string)',
  'ws+json': 'raw `ws` + JSON.parse/stringify',
  rxjs: '`rxjs/webSocket` over `ws`, identity codec',
  'rxjs+json': '`rxjs/webSocket` over `ws`, default JSON codec',
  global: "Node's global WebSocket (undici)",
  task: 'rxjs-websocket-task, default codec',
  'task+json': 'rxjs-websocket-task, jsonCodec()',
  alt: 'rxjs-websocket-task from --alt PATH, default codec',
  'alt+json': 'rxjs-websocket-task from --alt PATH, jsonCodec()',
};

function closeWithin(ms: number, start: (done: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    start(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function wsVariant(json: boolean): ClientVariant {
  return {
    name: json ? 'ws+json' : 'ws',
    json,
    connect: (url, onMessage, onEnd) =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(url);
        socket.on('error', reject);
        socket.on('message', json
          ? (data: Buffer) => onMessage(JSON.parse(data.toString()))
          : (data: Buffer, isBinary: boolean) => onMessage(isBinary ? data : data.toString()));
        let closing = false;
        socket.on('close', () => {
          if (!closing) onEnd(new Error('closed by the peer'));
        });
        socket.on('open', () =>
          resolve({
            send: json ? (message) => socket.send(JSON.stringify(message)) : (message) => socket.send(message as string),
            close: () =>
              closeWithin(2000, (done) => {
                closing = true;
                socket.once('close', done);
                socket.close(1000);
              }),
          }),
        );
      }),
  };
}

function rxjsVariant(json: boolean): ClientVariant {
  return {
    name: json ? 'rxjs+json' : 'rxjs',
    json,
    connect: (url, onMessage, onEnd) =>
      new Promise((resolve, reject) => {
        let closed: (() => void) | undefined;
        const subject = webSocket<unknown>({
          url,
          WebSocketCtor: WebSocket as never,
          ...(!json && { serializer: (value: unknown) => value as string, deserializer: (event: MessageEvent) => event.data }),
          openObserver: {
            next: () =>
              resolve({
                send: (message) => subject.next(message),
                close: () =>
                  closeWithin(2000, (done) => {
                    closed = done;
                    subscription.unsubscribe();
                  }),
              }),
          },
          closeObserver: { next: () => closed?.() },
        });
        const subscription = subject.subscribe({
          next: onMessage,
          error: (error: unknown) => {
            reject(error);
            onEnd(error);
          },
          complete: () => onEnd(new Error('closed by the peer')),
        });
      }),
  };
}

function globalVariant(): ClientVariant {
  return {
    name: 'global',
    json: false,
    connect: (url, onMessage, onEnd) =>
      new Promise((resolve, reject) => {
        const Ctor = (globalThis as { WebSocket?: typeof globalThis.WebSocket }).WebSocket;
        if (Ctor === undefined) throw new Error('no global WebSocket (Node 20 needs --experimental-websocket)');
        const socket = new Ctor(url);
        let closing = false;
        socket.onerror = (event) => reject(event);
        socket.onmessage = (event) => onMessage(event.data);
        socket.onclose = () => {
          if (!closing) onEnd(new Error('closed by the peer'));
        };
        socket.onopen = () =>
          resolve({
            send: (message) => socket.send(message as string),
            close: () =>
              closeWithin(2000, (done) => {
                closing = true;
                socket.addEventListener('close', () => done());
                socket.close(1000);
              }),
          });
      }),
  };
}

function taskVariant(lib: Library, json: boolean, alt = false): ClientVariant {
  return {
    name: alt ? (json ? 'alt+json' : 'alt') : json ? 'task+json' : 'task',
    json,
    connect: (url, onMessage, onEnd) =>
      new Promise((resolve, reject) => {
        let closing: (() => void) | undefined;
        const task = lib.fromWebSocketTask<unknown>({
          url,
          ...(json && { codec: lib.jsonCodec() }),
          openObserver: {
            next: () =>
              resolve({
                send: (message) => task.next(message),
                close: () =>
                  closeWithin(2000, (done) => {
                    closing = done;
                    task.complete();
                  }),
              }),
          },
        });
        task.subscribe({
          next: onMessage,
          error: (error: unknown) => {
            reject(error);
            onEnd(error);
          },
          complete: () => {
            if (closing) closing();
            else onEnd(new Error('closed by the peer'));
          },
        });
      }),
  };
}

/** Loads the library (see `loadLibrary`) and returns every variant that can run here; `BENCH_ALT_LIB` adds `alt`. */
export async function loadVariants(): Promise<Map<VariantName, ClientVariant>> {
  const lib = await loadLibrary();
  const variants: ClientVariant[] = [
    wsVariant(false),
    wsVariant(true),
    rxjsVariant(false),
    rxjsVariant(true),
    taskVariant(lib, false),
    taskVariant(lib, true),
  ];
  if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function') variants.push(globalVariant());
  const altPath = process.env['BENCH_ALT_LIB'];
  if (altPath) {
    const alt = (await import(pathToFileURL(altPath).href)) as Library;
    variants.push(taskVariant(alt, false, true), taskVariant(alt, true, true));
  }
  return new Map(variants.map((variant) => [variant.name, variant]));
}

/**
 * The library: the module `BENCH_LIB_FILE` names (the orchestrator's build of src/, see
 * bench/build.ts), else dist/ with `BENCH_LIB=dist`, else src/ through tsx.
 */
export async function loadLibrary(): Promise<Library> {
  const file = process.env['BENCH_LIB_FILE'];
  if (file) return (await import(pathToFileURL(file).href)) as Library;
  const relative = process.env['BENCH_LIB'] === 'dist' ? '../dist/esm/index.js' : '../src/index.ts';
  // A computed specifier: bundling a child (bench/build.ts) must not pull src/ in.
  return (await import(new URL(relative, import.meta.url).href)) as Library;
}
