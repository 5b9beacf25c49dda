/**
 * docs/errors.md must document every `WebSocketTaskErrorCode` exactly once (as a heading or
 * a table row), and nothing else. The codes are read from the source text of the union, so
 * a code added to the type without documentation fails here.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const source = readFileSync(new URL('../../src/internal/websocket-task-error.ts', import.meta.url), 'utf8');

/** Platform codes the doc may name in prose (Node and OpenSSL), which are not ours. */
const PLATFORM_CODES = /^(ERR_SSL_[A-Z0-9_]+|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/** The members of `WebSocketTaskErrorCode`, with the close code their doc comment names, from the source text. */
function unionMembers(text: string): Map<string, string | undefined> {
  const start = text.indexOf('export type WebSocketTaskErrorCode =');
  if (start === -1) return new Map();
  // The union ends at the first `;` outside a comment.
  let body = '';
  for (let i = start; i < text.length; i++) {
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      body += text.slice(i, end + 2);
      i = end + 1;
    } else if (text[i] === ';') break;
    else body += text[i];
  }
  const members = new Map<string, string | undefined>();
  for (const m of body.matchAll(/(?:\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*)?\|\s*'(ERR_[A-Z0-9_]+)'/g)) {
    members.set(m[2]!, /\((\d{4})\)/.exec(m[1] ?? '')?.[1]);
  }
  return members;
}

/** Each place the doc documents a code: a heading naming it, or a table row whose first cell is it. */
function documentedCodes(markdown: string): string[] {
  const found: string[] = [];
  for (const line of markdown.split('\n')) {
    const heading = /^#{1,6}\s+`?(ERR_[A-Z0-9_]+)`?\s*$/.exec(line);
    const row = /^\|\s*`?(ERR_[A-Z0-9_]+)`?\s*\|/.exec(line);
    const code = heading?.[1] ?? row?.[1];
    if (code !== undefined) found.push(code);
  }
  return found;
}

/** Problems with the doc's coverage of `codes`; empty when each is documented once and nothing else is. */
function coverageProblems(markdown: string, codes: ReadonlySet<string>): string[] {
  const documented = documentedCodes(markdown);
  const problems: string[] = [];
  for (const code of codes) {
    const times = documented.filter((c) => c === code).length;
    if (times !== 1) problems.push(`${code} documented ${times} times`);
  }
  for (const code of new Set(documented)) if (!codes.has(code)) problems.push(`${code} is not a WebSocketTaskErrorCode`);
  return problems;
}

/** The section under the heading of `code`, up to the next heading. */
function section(markdown: string, code: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^#{1,6}\\s+\`?${code}\`?\\s*$`).test(line));
  if (start === -1) return '';
  const end = lines.findIndex((line, i) => i > start && /^#{1,6}\s/.test(line));
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

describe('docs/errors.md', () => {
  const members = unionMembers(source);
  const codes = new Set(members.keys());

  it('reads the WebSocketTaskErrorCode union from the source', () => {
    expect(codes.size).to.be.greaterThan(15);
    expect(codes).to.include('ERR_CLOSED_BY_PEER').and.include('ERR_INVALID_CLOSE_CODE');
    // As many members as `| 'ERR_…'` lines in the union.
    const lines = source.match(/^\s*\|\s*'ERR_[A-Z0-9_]+'/gm) ?? [];
    expect(codes.size).to.equal(lines.length);
  });

  it('documents every error code exactly once, as a heading or table row, and no unknown code', () => {
    expect(coverageProblems(doc, codes)).to.deep.equal([]);
  });

  it('names only existing error codes anywhere in the text (besides Node/OpenSSL codes)', () => {
    const named = new Set([...doc.matchAll(/\bERR_[A-Z0-9_]+\b/g)].map((m) => m[0]));
    expect([...named].filter((code) => !codes.has(code) && !PLATFORM_CODES.test(code))).to.deep.equal([]);
  });

  it('says the close code, when and what to do for every code', () => {
    const missing = [...codes].filter((code) => {
      const text = section(doc, code);
      return !(text.includes('**Close code:**') && text.includes('**When:**') && text.includes('**What to do:**'));
    });
    expect(missing).to.deep.equal([]);
  });

  it('gives each code the close code its doc comment in the source names', () => {
    const wrong: string[] = [];
    for (const [code, closeCode] of members) {
      if (closeCode === undefined) continue;
      const line = /\*\*Close code:\*\*([^\n]*(?:\n {2}[^\n]*)*)/.exec(section(doc, code))?.[1] ?? '';
      if (!line.includes(`(${closeCode})`)) wrong.push(`${code}: source says ${closeCode}`);
    }
    expect(wrong).to.deep.equal([]);
    expect([...members.values()].filter((c) => c !== undefined).length).to.be.greaterThan(8);
  });

  describe('can fail', () => {
    it('when a code is missing from the doc', () => {
      const edited = doc.replace('### `ERR_PING_TIMEOUT`', '### Ping timeout');
      expect(coverageProblems(edited, codes)).to.deep.equal(['ERR_PING_TIMEOUT documented 0 times']);
    });

    it('when a code is documented twice', () => {
      const edited = `${doc}\n| \`ERR_NOT_OPEN\` | again |\n`;
      expect(coverageProblems(edited, codes)).to.deep.equal(['ERR_NOT_OPEN documented 2 times']);
    });

    it('when an unknown code is documented', () => {
      const edited = `${doc}\n### \`ERR_SOMETHING_ELSE\`\n`;
      expect(coverageProblems(edited, codes)).to.deep.equal(['ERR_SOMETHING_ELSE is not a WebSocketTaskErrorCode']);
    });

    it('when the union gains a member', () => {
      const head = 'export type WebSocketTaskErrorCode =';
      const grown = source.replace(head, `${head}\n  /** New (1000). */\n  | 'ERR_BRAND_NEW'`);
      expect(grown).not.to.equal(source);
      const grownCodes = new Set(unionMembers(grown).keys());
      expect(coverageProblems(doc, grownCodes)).to.deep.equal(['ERR_BRAND_NEW documented 0 times']);
    });
  });
});
