// The package's promise to marble tests: every timer runs on an RxJS scheduler (the task's
// `scheduler`, default asyncScheduler), so TestScheduler.run drives it. This scans src/ for
// timers and clocks that would escape virtual time.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../../src/', import.meta.url));

/**
 * Timer and clock APIs that virtual time cannot drive. Microtasks (`queueMicrotask`,
 * `process.nextTick`) are not timers: no time passes; src/ uses them only around real
 * sockets and servers, never on a path the virtual peer takes.
 */
const rawTimers = /\b(setTimeout|setInterval|setImmediate|requestAnimationFrame|Date\.now|performance\.now)\s*\(|\bnew Date\s*\(/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The code without its comments (block and line comments), so documentation may name timers. */
function withoutComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('timers in src/', () => {
  it('go through an RxJS scheduler: no raw setTimeout, setInterval, Date.now, performance.now …', () => {
    const found: string[] = [];
    for (const file of sourceFiles(src)) {
      for (const match of withoutComments(readFileSync(file, 'utf8')).matchAll(rawTimers)) {
        found.push(`${relative(src, file)}: ${match[0].replace(/\s+/g, '')}`);
      }
    }
    expect(found).to.deep.equal([]);
  });
});
