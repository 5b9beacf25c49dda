/**
 * Boots Nest applications for the tests, on loopback, with `WebSocketTaskAdapter`.
 *
 * Import this module, the gateways and the example with `import()`, never statically: Nest
 * 12 is ESM-only, and mocha `require`s the test files (tsx compiles them to CommonJS), so a
 * static import of `@nestjs/*` there gets a second, CommonJS copy of Nest whose classes
 * (`WsException`, `Logger`) are not the ones Nest's own modules use (`instanceof` fails).
 * Loaded with `import()`, this module and what it imports are ESM: one Nest.
 */
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { WebSocketTaskAdapter, type WebSocketTaskAdapterOptions } from '../../../src/nestjs/index';

export * from '../../../src/nestjs/index';
// The core's classes as the ESM copy has them (`instanceof` against the adapter's errors).
export { WebSocketTaskError } from '../../../src/index';

/** A running application and how to reach its HTTP server. */
export interface RunningApp {
  readonly app: INestApplication;
  /** ws://127.0.0.1:PORT + path */
  url(path?: string): string;
  /** `app.close()`, once. */
  close(): Promise<void>;
}

/**
 * Compiles a testing module of `metadata`, uses a `WebSocketTaskAdapter` with `options`
 * (`adapter` to make it otherwise), and listens on 127.0.0.1, port 0. Nest logs nothing.
 */
export async function startApp(
  metadata: ModuleMetadata,
  options: WebSocketTaskAdapterOptions = {},
  adapter: (app: INestApplication) => WebSocketTaskAdapter = (app) => new WebSocketTaskAdapter(app, options),
): Promise<RunningApp> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useWebSocketAdapter(adapter(app));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    app,
    url: (path = '/') => `ws://127.0.0.1:${port}${path}`,
    close: () => (closed ??= app.close()),
  };
}
