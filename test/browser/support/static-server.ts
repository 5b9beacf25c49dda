/**
 * A loopback HTTP server for the browser tests: serves files from memory and from
 * directories on disk, and nothing else (no directory listings, no paths out of the roots).
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo, Socket } from 'node:net';
import { extname, resolve, sep } from 'node:path';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticSite {
  /** Exact paths served from memory, e.g. `{ '/': '<!doctype html>…' }`. */
  readonly files?: ReadonlyMap<string, string | Uint8Array>;
  /** URL prefixes served from directories, e.g. `{ '/pkg/dist/': '/abs/dist' }`. */
  readonly directories?: Readonly<Record<string, string>>;
  /** The file for paths found nowhere else (a single-page app's index.html); else 404. */
  readonly fallback?: string;
}

export interface StaticServer {
  readonly server: Server;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves `site` on 127.0.0.1 with an ephemeral port. */
export async function startStaticServer(site: StaticSite): Promise<StaticServer> {
  const sockets = new Set<Socket>();
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const body = await find(site, path);
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    const type = contentTypes[extname(body.name)] ?? 'application/octet-stream';
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body.content);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function find(site: StaticSite, path: string): Promise<{ name: string; content: string | Uint8Array } | undefined> {
  const inMemory = site.files?.get(path);
  if (inMemory !== undefined) return { name: path.endsWith('/') ? 'index.html' : path, content: inMemory };
  for (const [prefix, directory] of Object.entries(site.directories ?? {})) {
    if (!path.startsWith(prefix)) continue;
    const base = resolve(directory);
    const file = resolve(base, `.${sep}${path.slice(prefix.length)}`);
    if (!file.startsWith(base + sep)) continue;
    const content = await readFile(file).catch(() => undefined);
    if (content !== undefined) return { name: file, content };
  }
  if (site.fallback !== undefined) return { name: site.fallback, content: await readFile(site.fallback) };
  return undefined;
}
