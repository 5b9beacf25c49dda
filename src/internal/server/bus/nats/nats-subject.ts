/**
 * Characters a channel name may not contain on NATS: whitespace ends a subject in the
 * protocol (`PUB <subject> <size>`), and `*` and `>` are wildcards, so a subscription to
 * `a.*` would receive the messages of every `a.x` (channels must stay isolated).
 */
const forbidden = /[\s*>]/u;

/**
 * Checks that `channel` is a literal NATS subject: a non-empty string without whitespace or
 * wildcards, whose dot-separated tokens are not empty (`a..b`, `.a` and `a.` are invalid
 * subjects). Throws a `TypeError` that names the rule broken; returns the subject.
 */
export function checkNatsSubject(channel: unknown): string {
  if (typeof channel !== 'string') {
    throw new TypeError(`A NATS channel must be a string, not ${typeof channel}.`);
  }
  if (channel.length === 0) throw new TypeError('A NATS channel must not be empty.');
  const bad = forbidden.exec(channel);
  if (bad !== null) {
    const what = /\s/u.test(bad[0]) ? 'whitespace' : `the wildcard '${bad[0]}'`;
    throw new TypeError(`The NATS channel ${JSON.stringify(channel)} contains ${what}: channels are literal subjects.`);
  }
  if (channel.split('.').some((token) => token.length === 0)) {
    throw new TypeError(`The NATS channel ${JSON.stringify(channel)} has an empty token: dots separate non-empty tokens.`);
  }
  return channel;
}
