// What the built files in dist/ load, read from their code (rollup's parser): shared by the
// package tests that check which entry may load what (test/package/build-output.test.ts,
// test/package/bus-entries.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAst } from 'rollup/parseAst';

/** The module specifiers a JS file loads: static and dynamic imports, re-exports, `require` calls. */
export function importedSpecifiers(code: string): string[] {
  const specifiers: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const n = node as { type?: string; source?: { value?: unknown }; callee?: { type?: string; name?: string }; arguments?: { value?: unknown }[] };
    const loads =
      n.type === 'ImportDeclaration' ||
      n.type === 'ImportExpression' ||
      n.type === 'ExportAllDeclaration' ||
      n.type === 'ExportNamedDeclaration';
    if (loads && typeof n.source?.value === 'string') specifiers.push(n.source.value);
    if (n.type === 'CallExpression' && n.callee?.type === 'Identifier' && n.callee.name === 'require') {
      specifiers.push(String(n.arguments?.[0]?.value));
    }
    Object.values(node).forEach(visit);
  };
  visit(parseAst(code));
  return specifiers;
}

/** What a built file loads from outside dist/, following its own chunks (relative imports). */
export function externalImports(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  return importedSpecifiers(readFileSync(file, 'utf8')).flatMap((specifier) =>
    specifier.startsWith('.') ? externalImports(join(file, '..', specifier), seen) : [specifier],
  );
}

/** The client libraries only the bus entries may load: ioredis for ./bus/redis*, @nats-io/* for ./bus/nats. */
export function isRedisClient(specifier: string): boolean {
  return specifier === 'ioredis' || specifier.startsWith('ioredis/');
}
export function isNatsClient(specifier: string): boolean {
  return specifier.startsWith('@nats-io/');
}
