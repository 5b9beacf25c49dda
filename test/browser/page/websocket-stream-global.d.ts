// Chromium's WebSocketStream, which TypeScript's DOM library does not have yet: what the
// page code uses of it (https://websockets.spec.whatwg.org/#the-websocketstream-interface).
declare class WebSocketStream {
  constructor(url: string, options?: { protocols?: string[]; signal?: AbortSignal });
  readonly url: string;
  readonly opened: Promise<{
    readonly protocol: string;
    readonly extensions: string;
    readonly readable: ReadableStream<string | Uint8Array>;
    readonly writable: WritableStream<string | Uint8Array>;
  }>;
  readonly closed: Promise<{ readonly closeCode?: number; readonly reason?: string }>;
  close(closeInfo?: { closeCode?: number; reason?: string }): void;
}
