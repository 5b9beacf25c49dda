/**
 * docs/close-codes.md must match the code: its main table lists exactly the entries of
 * `CloseCode` (same names, values and order), and its "may be sent" columns say what
 * `isSendableCloseCode` says under each rule.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { CloseCode, isSendableCloseCode } from '../../src/internal/close-code';

const doc = readFileSync(new URL('../../docs/close-codes.md', import.meta.url), 'utf8');
const errorSource = readFileSync(new URL('../../src/internal/websocket-task-error.ts', import.meta.url), 'utf8');

const MAIN_HEADER = ['name', 'value', 'meaning', 'when this library reports it', 'may be sent (Node)', 'may be sent (browser)'];

/** The cells of a markdown table row (pipes escaped as `\|` stay inside a cell). */
function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim());
}

/** The table whose header row starts with `firstColumns`: its header and body rows, or undefined. */
function findTable(markdown: string, firstColumns: readonly string[]): { header: string[]; rows: string[][] } | undefined {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => {
    if (!line.trim().startsWith('|')) return false;
    const head = cells(line);
    return firstColumns.every((column, i) => head[i] === column);
  });
  if (start === -1) return undefined;
  const rows: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i]!.trim().startsWith('|'); i++) rows.push(cells(lines[i]!));
  return { header: cells(lines[start]!), rows };
}

const unquote = (cell: string) => cell.replace(/^`(.*)`$/, '$1');

function yesNo(cell: string): boolean | undefined {
  if (/^yes\b/i.test(cell)) return true;
  if (/^no\b/i.test(cell)) return false;
  return undefined;
}

/** Everything in which the main table of `markdown` differs from `CloseCode`; empty when it matches. */
function closeCodeTableProblems(markdown: string): string[] {
  const table = findTable(markdown, ['name', 'value']);
  if (table === undefined) return ['no table with columns "name | value | …"'];
  const problems: string[] = [];
  if (JSON.stringify(table.header) !== JSON.stringify(MAIN_HEADER)) problems.push(`header is ${JSON.stringify(table.header)}`);
  const entries = Object.entries(CloseCode);
  if (table.rows.length !== entries.length) problems.push(`${table.rows.length} rows for ${entries.length} CloseCode entries`);
  table.rows.forEach((row, i) => {
    const where = `row ${i + 1} (${row[0]})`;
    if (row.length !== MAIN_HEADER.length) problems.push(`${where} has ${row.length} cells`);
    const [name = '', value = '', meaning = '', when = '', node = '', browser = ''] = row;
    const expected = entries[i];
    if (expected === undefined) {
      problems.push(`${where} has no CloseCode entry`);
      return;
    }
    const [expectedName, expectedValue] = expected;
    if (unquote(name) !== expectedName) problems.push(`${where}: name ${name}, expected ${expectedName}`);
    if (!/^\d+$/.test(value) || Number(value) !== expectedValue) problems.push(`${where}: value ${value}, expected ${expectedValue}`);
    if (meaning === '') problems.push(`${where}: empty meaning`);
    if (when === '') problems.push(`${where}: empty "when this library reports it"`);
    const code = Number(value);
    if (yesNo(node) !== isSendableCloseCode(code, 'rfc6455')) problems.push(`${where}: may be sent (Node) is "${node}"`);
    if (yesNo(browser) !== isSendableCloseCode(code, 'whatwg')) problems.push(`${where}: may be sent (browser) is "${browser}"`);
  });
  return problems;
}

/** The codes of the `WebSocketTaskErrorCode` union, read from the source text. */
function errorCodesInSource(): Set<string> {
  const withoutComments = errorSource.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const union = /export type WebSocketTaskErrorCode =([^;]*);/.exec(withoutComments)?.[1] ?? '';
  return new Set([...union.matchAll(/'(ERR_[A-Z0-9_]+)'/g)].map((m) => m[1]!));
}

describe('docs/close-codes.md', () => {
  describe('the CloseCode table', () => {
    it('matches CloseCode exactly: names, values, order, no extra rows, and the may-be-sent columns', () => {
      expect(closeCodeTableProblems(doc)).to.deep.equal([]);
    });

    it('has one row per CloseCode entry', () => {
      expect(findTable(doc, ['name', 'value'])?.rows.map((row) => unquote(row[0]!))).to.deep.equal(Object.keys(CloseCode));
    });

    describe('can fail', () => {
      const row = (name: string) => doc.split('\n').find((line) => line.startsWith(`| \`${name}\` |`))!;

      it('when a value is edited', () => {
        const edited = doc.replace(row('goingAway'), row('goingAway').replace('| 1001 |', '| 1004 |'));
        expect(edited).not.to.equal(doc);
        expect(closeCodeTableProblems(edited)).to.include('row 3 (`goingAway`): value 1004, expected 1001');
      });

      it('when a name is edited', () => {
        const edited = doc.replace(row('badGateway'), row('badGateway').replace('`badGateway`', '`gatewayError`'));
        expect(closeCodeTableProblems(edited).some((p) => p.includes('expected badGateway'))).to.equal(true);
      });

      it('when a row is removed', () => {
        const edited = doc.replace(`${row('serviceRestart')}\n`, '');
        expect(closeCodeTableProblems(edited)).to.include('15 rows for 16 CloseCode entries');
      });

      it('when a row is added', () => {
        const extra = '| `appGone` | 4000 | gone | never | yes | yes |';
        const edited = doc.replace(row('tlsHandshakeFailure'), `${row('tlsHandshakeFailure')}\n${extra}`);
        expect(closeCodeTableProblems(edited)).to.include('17 rows for 16 CloseCode entries');
      });

      it('when two rows swap places', () => {
        const a = row('goingAway');
        const b = row('protocolError');
        const edited = doc.replace(`${a}\n${b}`, `${b}\n${a}`);
        expect(edited).not.to.equal(doc);
        expect(closeCodeTableProblems(edited)).to.have.length.greaterThan(0);
      });

      it('when a may-be-sent cell is wrong', () => {
        const edited = doc.replace(row('goingAway'), row('goingAway').replace(/\| yes \| no \|$/, '| yes | yes |'));
        expect(edited).not.to.equal(doc);
        expect(closeCodeTableProblems(edited)).to.deep.equal(['row 3 (`goingAway`): may be sent (browser) is "yes"']);
      });

      it('when the table is gone', () => {
        expect(closeCodeTableProblems('# Close codes\n')).to.deep.equal(['no table with columns "name | value | …"']);
      });
    });
  });

  describe('the table "How a connection ends"', () => {
    const table = findTable(doc, ['what happened', 'closeCode', '`error.code`']);

    it('exists, with the error code of every row', () => {
      expect(table, 'table with columns "what happened | closeCode | `error.code`"').not.to.equal(undefined);
      for (const row of table!.rows) {
        expect(row[2], row[0]).to.match(/^(none: subscribers complete|`ERR_[A-Z0-9_]+`)/);
      }
    });

    it('covers the endings of SPEC', () => {
      const happened = table!.rows.map((row) => row[0]!).join('\n');
      for (const phrase of [
        'peer closes with code C',
        'Close frame with no status',
        'TCP connection drops',
        'connection refused',
        'handshake rejected',
        'TLS handshake fails',
        'breaks the protocol',
        'invalid UTF-8',
        'larger than `maximumMessageSize`',
        'deserializer throws',
        'text-only codec',
        'serializer throws',
        'heartbeat timeout',
      ]) {
        expect(happened).to.include(phrase);
      }
    });

    it('pairs each error code with the close code the source gives it', () => {
      const closeCodeOf: Record<string, RegExp> = {
        '`ERR_CLOSED_BY_PEER`': /C|1005/,
        '`ERR_CONNECTION_LOST`': /1006/,
        '`ERR_CONNECTION_FAILED`': /1006/,
        '`ERR_HANDSHAKE_REJECTED`': /1006/,
        '`ERR_TLS_HANDSHAKE`': /1015/,
        '`ERR_PROTOCOL`': /1002/,
        '`ERR_INVALID_UTF8`': /1007/,
        '`ERR_MESSAGE_TOO_BIG`': /1009/,
        '`ERR_DESERIALIZE`': /1007/,
        '`ERR_UNSUPPORTED_DATA`': /1003/,
        '`ERR_SERIALIZE`': /1011/,
        '`ERR_HEARTBEAT_TIMEOUT`': /1006/,
      };
      for (const row of table!.rows) {
        const code = /^`ERR_[A-Z0-9_]+`/.exec(row[2]!)?.[0];
        if (code === undefined || closeCodeOf[code] === undefined) continue;
        expect(row[1], `${row[0]}: ${code}`).to.match(closeCodeOf[code]);
      }
    });
  });

  it('names only error codes that exist', () => {
    const known = errorCodesInSource();
    expect(known.size).to.be.greaterThan(10);
    const named = new Set([...doc.matchAll(/\bERR_[A-Z0-9_]+\b/g)].map((m) => m[0]));
    expect([...named].filter((code) => !known.has(code))).to.deep.equal([]);
  });
});
