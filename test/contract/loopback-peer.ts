/**
 * A compliant WebSocket peer on a raw connection (either role), scripted by the contract's
 * peer actions: it records what the task sends, answers the task's Close frame by echoing
 * its code, and as the server closes TCP once the closing handshake is done.
 */
import { Opcode, type RawConnection, type ReceivedFrame } from '../support/raw-frame-server';
import { encodeClosePayload } from '../support/frame-codec';
import { renderClose } from './observed';
import type { PeerAction } from './scenario';

export class LoopbackPeer {
  /** What the task sent, rendered as in `Observed.peers`. */
  readonly frames: string[] = [];
  /** The TCP connection has closed. */
  ended = false;
  #closeSent = false;

  constructor(
    readonly connection: RawConnection,
    readonly role: 'server' | 'client',
    private readonly changed: () => void,
  ) {
    void this.#pump();
    void connection.ended.then(() => {
      this.ended = true;
      this.changed();
    });
  }

  act(action: PeerAction): void {
    const { connection } = this;
    switch (action.type) {
      case 'send':
        connection.sendText(action.text);
        return;
      case 'close':
        this.#closeSent = true;
        connection.sendClose(action.code, action.reason);
        return;
      case 'sendThenClose':
        this.#closeSent = true;
        connection.sendFrames([
          { opcode: Opcode.Text, payload: action.text },
          { opcode: Opcode.Close, payload: encodeClosePayload(action.code, action.reason) },
        ]);
        return;
      case 'drop':
        connection.reset();
    }
  }

  async #pump(): Promise<void> {
    try {
      for (;;) this.#take(await this.connection.nextFrame());
    } catch {
      // The connection ended.
    }
  }

  #take(frame: ReceivedFrame): void {
    if (frame.opcode === Opcode.Text) this.frames.push(frame.payload.toString('utf8'));
    else if (frame.opcode === Opcode.Binary) this.frames.push(`<${frame.payload.length} bytes>`);
    else if (frame.opcode === Opcode.Close) {
      this.frames.push(renderClose(frame.closeCode, frame.closeReason));
      // RFC 6455 §5.5.1: answer a Close frame with one, echoing its status code.
      if (!this.#closeSent) {
        this.#closeSent = true;
        this.connection.sendClose(frame.closeCode);
      }
      // §7.1.1: the server closes the TCP connection first.
      if (this.role === 'server') this.connection.end();
    }
    this.changed();
  }
}
