/**
 * Every TypeScript example in the guides compiles, against the package's published types
 * (dist/types, through package.json's `exports`, as a user's editor would see them).
 *
 * - Each ```ts block is a module of its own: it imports what it uses.
 * - A block may use the names of the small prelude below (a URL, a way to show a value),
 *   and nothing else that it does not declare.
 * - A block preceded by `<!-- file: name.ts -->` is that file: other blocks of the same
 *   guide may import it (`./name`).
 * - A block whose first line names a file of the Angular example
 *   (`// examples/angular/src/app/price-feed.ts`) is an excerpt of it: the rest must appear
 *   in that file verbatim, and the Angular CLI compiles the file in CI. A block that imports
 *   Angular (`@angular/…`) must be such an excerpt.
 *
 * Needs a fresh `npm run build` (`npm test` builds first).
 */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The guides whose examples are compiled (paths relative to docs/). */
const GUIDES = [
  '../README.md',
  'getting-started.md',
  'angular.md',
  'migrating-from-rxjs-websocket.md',
  'errors.md',
  'cli.md',
  'server.md',
  'nestjs.md',
  'close-codes.md',
  'marble-testing.md',
  'reconnect-and-heartbeat.md',
  'performance.md',
  'scale-out.md',
  'backpressure.md',
] as const;

/**
 * Guides not compiled yet, with the reason: their owners fix the blocks listed in the
 * issue note, then move them to GUIDES. A guide in docs/ must be in one list or the other.
 */
const PENDING: Readonly<Record<string, string>> = {
};

/**
 * Names any block may use without declaring them. Keep it small. Blocks are type-checked
 * with the types of Node and of mocha (`describe`, `it`), so test examples need no imports
 * for the runner's globals.
 */
export const PRELUDE = `
/** A ws: or wss: URL. */
declare const url: string;
/** Shows a value to the user. */
declare function render(value: unknown): void;
`;

interface Block {
  readonly guide: string;
  /** The line of the opening fence, 1-based. */
  readonly line: number;
  readonly code: string;
  /** The file name given by a preceding `<!-- file: … -->`. */
  readonly file: string | undefined;
  /**
   * The guide's prelude: the body of a `<!-- prelude: … -->` comment, invisible to readers,
   * that declares what the guide's blocks share (imports, a `testScheduler`, a `task`), so
   * that each block reads as the guide shows it and still compiles on its own.
   */
  readonly prelude: string;
}

/** The names a piece of code declares at top level: imports, consts, functions, classes. */
function declaredNames(code: string): Set<string> {
  const names = new Set<string>();
  for (const [, list = ''] of code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const item of list.split(',')) {
      const name = item.replace(/^\s*type\s+/, '').split(/\s+as\s+/).at(-1)!.trim();
      if (name !== '') names.add(name);
    }
  }
  for (const [, name = ''] of code.matchAll(/^(?:export\s+)?(?:declare\s+)?(?:const|let|function|class)\s+([A-Za-z_$][\w$]*)/gm)) names.add(name);
  return names;
}

/**
 * The prelude lines a block needs: each name the block declares itself is left out (an
 * emptied line keeps the line count, so that problems still point at the right line).
 */
export function preludeFor(prelude: string, code: string): string {
  const own = declaredNames(code);
  return prelude
    .split('\n')
    .map((line) => {
      const list = /^(\s*import\s+(?:type\s+)?\{)([^}]*)(\}.*)$/.exec(line);
      if (list !== null) {
        const kept = list[2]!.split(',').filter((item) => {
          const name = item.replace(/^\s*type\s+/, '').trim();
          return name !== '' && !own.has(name);
        });
        return kept.length === 0 ? '' : `${list[1]}${kept.join(',')} ${list[3]}`;
      }
      const declared = [...declaredNames(line)];
      return declared.length > 0 && declared.every((name) => own.has(name)) ? '' : line;
    })
    .join('\n');
}

/** The body of a guide's `<!-- prelude: … -->` comment, or ''. */
function guidePrelude(markdown: string): string {
  return /<!--\s*prelude:\s*\n([\s\S]*?)-->/.exec(markdown)?.[1] ?? '';
}

/** The ```ts (or ```typescript) blocks of a markdown text. */
export function tsBlocks(guide: string, markdown: string): Block[] {
  const lines = markdown.split('\n');
  const prelude = guidePrelude(markdown);
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```+|~~~+)\s*(ts|typescript)\s*$/.exec(lines[i]!);
    if (open === null) continue;
    const [, indent = '', fence = '```'] = open;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith(`${indent}${fence}`); i++) body.push(lines[i]!.slice(indent.length));
    let previous = start - 1;
    while (previous >= 0 && lines[previous]!.trim() === '') previous--;
    const file = previous >= 0 ? /^<!--\s*file:\s*(\S+)\s*-->$/.exec(lines[previous]!.trim())?.[1] : undefined;
    blocks.push({ guide, line: start + 1, code: body.join('\n'), file, prelude });
  }
  return blocks;
}

/** A block from the Angular example (it names its file), or one that imports Angular. */
const isAngular = (block: Block) => /^\/\/ examples\/angular\//.test(block.code.trimStart()) || /from '@angular\//.test(block.code);

/** The problems of an Angular block: it must name an example file and appear in it verbatim. */
function angularProblems(block: Block): string[] {
  const [first = '', ...rest] = block.code.split('\n');
  const named = /^\/\/ (examples\/angular\/\S+)$/.exec(first.trim())?.[1];
  const where = `${block.guide}:${block.line}`;
  if (named === undefined) return [`${where}: an Angular block must start with // examples/angular/… naming its file`];
  const path = join(root, named);
  if (!existsSync(path)) return [`${where}: ${named} does not exist`];
  const source = readFileSync(path, 'utf8');
  return source.includes(rest.join('\n').trim()) ? [] : [`${where}: the block is not verbatim in ${named}`];
}

/** Type-checks blocks, all in one program; returns each problem as `guide:line: message`. */
export function compileProblems(blocks: readonly Block[]): string[] {
  const virtual = new Map<string, { block: Block | undefined; text: string }>();
  const preludePath = join(root, 'docs', '.guides', 'prelude.d.ts');
  virtual.set(preludePath, { block: undefined, text: PRELUDE });
  for (const block of blocks) {
    const name = block.file ?? `block-${block.line}.ts`;
    // `export {}` makes every block a module, so that blocks do not share top-level names.
    virtual.set(join(root, 'docs', '.guides', block.guide, name), { block, text: `${preludeFor(block.prelude, block.code)}${block.code}\nexport {};\n` });
  }
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node', 'mocha'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    // Nest's decorators (nestjs.md) are the legacy ones.
    experimentalDecorators: true,
  };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (path) => virtual.has(path) || fileExists.call(host, path);
  host.readFile = (path) => virtual.get(path)?.text ?? readFile.call(host, path);
  host.getSourceFile = (path, language, ...rest) => {
    const entry = virtual.get(path);
    return entry ? ts.createSourceFile(path, entry.text, language, true) : getSourceFile.call(host, path, language, ...rest);
  };
  host.directoryExists = (path) => [...virtual.keys()].some((file) => file.startsWith(`${path}/`)) || ts.sys.directoryExists(path);
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const entry = diagnostic.file ? virtual.get(diagnostic.file.fileName) : undefined;
    if (entry?.block === undefined || diagnostic.start === undefined) return `${diagnostic.file?.fileName ?? '(program)'}: ${message}`;
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
    const preludeLines = entry.block.prelude === '' ? 0 : entry.block.prelude.split('\n').length - 1;
    if (line < preludeLines) return `docs/${entry.block.guide} (prelude, line ${line + 1}): ${message}`;
    return `docs/${entry.block.guide}:${entry.block.line + 1 + line - preludeLines}: ${message}`;
  });
}

describe('code examples in the guides (docs/*.md)', function () {
  this.timeout(60_000);

  before(() => {
    if (!existsSync(join(root, 'dist/types/index.d.ts'))) {
      throw new Error('dist/types is missing: run `npm run build` first (`npm test` builds before testing).');
    }
  });

  it('lists every guide: compiled, or pending with a reason', () => {
    const guides = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md'));
    const unlisted = guides.filter((name) => !(GUIDES as readonly string[]).includes(name) && !(name in PENDING));
    expect(unlisted, 'add them to GUIDES (or, with a reason, PENDING)').to.deep.equal([]);
    const missing = GUIDES.filter((name) => !existsSync(join(root, 'docs', name)));
    expect(missing).to.deep.equal([]);
  });

  describe('compile', () => {
    // One program for every guide's blocks; each test reports its guide's problems.
    let problems: string[];
    before(() => {
      const blocks = GUIDES.filter((guide) => existsSync(join(root, 'docs', guide))).flatMap((guide) =>
        tsBlocks(guide, readFileSync(join(root, 'docs', guide), 'utf8')),
      );
      problems = [
        ...blocks.filter(isAngular).flatMap(angularProblems).map((problem) => `docs/${problem}`),
        ...compileProblems(blocks.filter((block) => !isAngular(block))),
      ];
    });

    for (const guide of GUIDES) {
      it(`every TypeScript block of ${guide}`, function () {
        if (!existsSync(join(root, 'docs', guide))) this.skip();
        expect(problems.filter((problem) => problem.startsWith(`docs/${guide}:`))).to.deep.equal([]);
      });
    }

    it('has no problem outside the blocks', () => {
      expect(problems.filter((problem) => !GUIDES.some((guide) => problem.startsWith(`docs/${guide}:`)))).to.deep.equal([]);
    });
  });

  describe('can fail', () => {
    const check = (markdown: string) => compileProblems(tsBlocks('example.md', markdown));

    it('on a type error, with the guide line', () => {
      const problems = check("# x\n\n```ts\nimport { CloseCode } from 'rxjs-websocket-task';\nconst n: string = CloseCode.goingAway;\n```\n");
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^docs\/example\.md:5: Type '\w+' is not assignable to type 'string'/);
    });

    it('on a name neither declared nor in the prelude', () => {
      expect(check('```ts\nrender(task);\n```\n').join('\n')).to.contain("Cannot find name 'task'");
    });

    it('on an API that does not exist', () => {
      expect(check("```ts\nimport { webSocketTask } from 'rxjs-websocket-task';\n```\n").join('\n')).to.contain('webSocketTask');
    });

    it('on an Angular block that is not in the example', () => {
      const [block] = tsBlocks('angular.md', "```ts\n// examples/angular/src/app/price-feed.ts\nimport { inject } from '@angular/core';\nconst x = 1;\n```\n");
      expect(angularProblems(block!)).to.deep.equal(['angular.md:1: the block is not verbatim in examples/angular/src/app/price-feed.ts']);
    });
  });

  it('resolves blocks named with <!-- file: … --> from the other blocks of the guide', () => {
    const markdown = [
      '<!-- file: greet.ts -->',
      '```ts',
      "export const greeting = 'hello';",
      '```',
      '```ts',
      "import { greeting } from './greet';",
      'render(greeting);',
      '```',
    ].join('\n');
    expect(compileProblems(tsBlocks('example.md', markdown))).to.deep.equal([]);
  });
});
