import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';

/** How many of an HTTP server's `upgrade` listeners are task servers attached to it. */
const taskListeners = new WeakMap<HttpServer | HttpsServer, number>();
/** Upgrade sockets a task server took, or answered: no other task server answers them. */
const answered = new WeakSet<Duplex>();

/** A task server attached to `server` (or detached, with `delta` -1). */
export function countTaskListener(server: HttpServer | HttpsServer, delta: 1 | -1): void {
  taskListeners.set(server, (taskListeners.get(server) ?? 0) + delta);
}

/** Whether `server` has `upgrade` listeners that are not task servers (the user's own). */
export function hasForeignUpgradeListeners(server: HttpServer | HttpsServer): boolean {
  return server.listenerCount('upgrade') > (taskListeners.get(server) ?? 0);
}

/** A task server takes (or refuses) this upgrade: the others attached to the server leave it. */
export function answerUpgrade(socket: Duplex): void {
  answered.add(socket);
}

/** Whether a task server already took or refused this upgrade. */
export function isUpgradeAnswered(socket: Duplex): boolean {
  return answered.has(socket);
}
