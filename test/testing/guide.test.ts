// docs/marble-testing.md shows code that runs: the price-ticker files as they are in
// test/testing/price-ticker/ (imported by package name), every other example as
// guide-examples.test.ts runs it.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');
const guide = read('../../docs/marble-testing.md');

/** The TypeScript blocks of the guide, with the file name a `<!-- file: … -->` line before it gives. */
function tsBlocks(markdown: string): { file: string | undefined; code: string }[] {
  return [...markdown.matchAll(/(?:<!-- file: (\S+) -->\n)?```ts\n([\s\S]*?)```/g)].map(([, file, code]) => ({ file, code: code! }));
}

/** The lines of `code`, trimmed, without blank ones: indentation aside, the same code. */
function lines(code: string): string {
  return code
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}

describe('docs/marble-testing.md', () => {
  const blocks = tsBlocks(guide);

  for (const name of ['price-ticker.ts', 'price-ticker.test.ts']) {
    it(`shows ${name} as test/testing/price-ticker/ has it, importing the package by name`, () => {
      const shown = blocks.find((block) => block.file === name);
      expect(shown, `a block after <!-- file: ${name} -->`).not.to.equal(undefined);
      const tested = read(`./price-ticker/${name}`)
        .replaceAll(`'../../../src/testing/index'`, `'rxjs-websocket-task/testing'`)
        .replaceAll(`'../../../src/index'`, `'rxjs-websocket-task'`);
      expect(shown!.code).to.equal(tested);
    });
  }

  it('shows every other example as guide-examples.test.ts runs it', () => {
    const examples = lines(read('./guide-examples.test.ts'));
    const others = blocks.filter((block) => block.file === undefined);
    expect(others).to.have.length.greaterThan(3);
    for (const { code } of others) expect(examples, 'guide-examples.test.ts').to.contain(lines(code));
  });
});
