// The Angular example installs with `npm ci`: these tests show that its lock is complete
// whatever the registry serves on a given day, and that `npm ci` still refuses the lock when
// a dependency of the example really changes.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const example = fileURLToPath(new URL('../../examples/angular/', import.meta.url));

interface LockedPackage {
  version?: string;
  optionalDependencies?: Record<string, string>;
}

function lockedPackages(): Record<string, LockedPackage> {
  const lock = JSON.parse(readFileSync(join(example, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> };
  return lock.packages;
}

/** `npm ci --dry-run` on a copy of the example's manifest and lock, the manifest changed by `edit`. */
function dryRunCi(edit: (manifest: { devDependencies: Record<string, string> }) => void): { status: number | null; output: string } {
  const folder = mkdtempSync(join(tmpdir(), 'angular-lock-'));
  try {
    copyFileSync(join(example, 'package-lock.json'), join(folder, 'package-lock.json'));
    const manifest = JSON.parse(readFileSync(join(example, 'package.json'), 'utf8'));
    edit(manifest);
    writeFileSync(join(folder, 'package.json'), JSON.stringify(manifest, null, 2));
    const run = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: folder, encoding: 'utf8' });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('example: Angular, its lock', () => {
  it('lists every optional platform binding that a locked package declares, so npm ci works on any platform', () => {
    const packages = lockedPackages();
    const missing: string[] = [];
    let declared = 0;
    for (const [path, entry] of Object.entries(packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        declared += 1;
        // npm resolves a dependency next to its dependant first, then up the tree.
        const candidates = [`${path}/node_modules/${name}`, `node_modules/${name}`];
        if (!candidates.some((candidate) => candidate in packages)) missing.push(`${name} (of ${path})`);
      }
    }
    expect(declared, 'optional dependencies declared in the lock').to.be.greaterThan(20);
    expect(missing).to.deep.equal([]);
  });

  it('keeps no integrity for the library tarball, which every build changes', () => {
    const entry = lockedPackages()['node_modules/rxjs-websocket-task'] as LockedPackage & { resolved?: string; integrity?: string };
    expect(entry.resolved).to.equal('file:../../.pack/rxjs-websocket-task.tgz');
    expect(entry).not.to.have.property('integrity');
  });

  describe('npm ci (dry run, the registry reached as CI reaches it)', function () {
    this.timeout(120_000);

    it('accepts the committed manifest and lock', () => {
      const run = dryRunCi(() => {});
      expect(run.status, run.output).to.equal(0);
    });

    it('refuses the lock when a dependency in package.json changes', () => {
      const run = dryRunCi((manifest) => {
        manifest.devDependencies['jsdom'] = '30.1.2';
      });
      expect(run.status).to.not.equal(0);
      expect(run.output).to.match(/in sync/);
      expect(run.output).to.contain("lock file's jsdom@30.1.3 does not satisfy jsdom@30.1.2");
    });
  });
});
