// undici's WebSocketStream for the Node tests: undici 8 where it runs (Node ≥ 22.19), the
// devDependency undici 7 on Node 20. Both follow the same WHATWG draft.
import { createRequire } from 'node:module';
import type { WebSocketStreamConstructorLike } from '../../src/index';

const require = createRequire(import.meta.url);

/** Whether this Node can run undici 8 (its engines: >= 22.19.0). */
export function runsUndici8(version = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 19);
}

/** Which undici the tests take its WebSocketStream from. */
export const undiciPackage = runsUndici8() ? 'undici8' : 'undici';

/** undici's WebSocketStream constructor. */
export const UndiciWebSocketStream = (require(undiciPackage) as { WebSocketStream: WebSocketStreamConstructorLike }).WebSocketStream;
