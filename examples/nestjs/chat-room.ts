import { Injectable } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import type { CloseCode } from '../../src/index';

/** A line said in the room, as every client receives it in `{ "event": "said", "data": … }`. */
export interface ChatLine {
  readonly from: string;
  readonly text: string;
}

/** Who left, and the close code their connection ended with. */
export interface Departure {
  readonly name: string;
  readonly closeCode: CloseCode;
}

/** The chat room: who is in it, what is said, who left and how. A plain Nest provider. */
@Injectable()
export class ChatRoom {
  readonly #lines = new Subject<ChatLine>();
  readonly #members = new Map<number, string>();
  /** Every line said, as it is said (hot). */
  readonly lines: Observable<ChatLine> = this.#lines.asObservable();
  /** Who left, oldest first. */
  readonly departures: Departure[] = [];

  join(id: number, name: string): void {
    this.#members.set(id, name);
  }

  nameOf(id: number): string {
    return this.#members.get(id) ?? `guest-${id}`;
  }

  say(id: number, text: string): void {
    this.#lines.next({ from: this.nameOf(id), text });
  }

  leave(id: number, closeCode: CloseCode): void {
    this.departures.push({ name: this.nameOf(id), closeCode });
    this.#members.delete(id);
  }

  get members(): string[] {
    return [...this.#members.values()];
  }
}
