/** What the price server and its clients say to each other, as JSON text messages. */
export type PriceMessage =
  | { readonly type: 'subscribe' | 'unsubscribe'; readonly symbols: readonly string[] }
  | { readonly type: 'tick'; readonly symbol: string; readonly price: number };

/** A price update from the server. */
export type Tick = Extract<PriceMessage, { type: 'tick' }>;

export function isTick(message: PriceMessage): message is Tick {
  return message.type === 'tick';
}
