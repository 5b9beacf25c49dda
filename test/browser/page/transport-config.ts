/**
 * Runs in Chromium: the part of a task's config that picks the transport a test asked for.
 */
import type { PageTransport } from '../support/harness-types';

/** The config entries that make a task use `transport`. */
export function transportConfig(transport: PageTransport): Record<string, unknown> {
  switch (transport) {
    case 'WebSocket':
      return {};
    case 'WebSocketStream':
      throw new Error('the WebSocketStream transport is not in this build yet');
  }
}
