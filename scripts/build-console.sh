#!/usr/bin/env bash
# Builds the console's assets into internal/console/assets (committed, embedded in the binary)
# from web/console: its own files as they are (plain JS modules, no bundler) and the graph
# libraries' distributed ES modules, at the versions web/console/package-lock.json pins.
# Usage: scripts/build-console.sh            (or: go generate ./internal/console)
#        scripts/build-console.sh --check    (fails when the committed assets differ from a build)
set -euo pipefail
cd "$(dirname "$0")/.."
src=web/console
out=internal/console/assets

(cd "$src" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)

build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
mkdir -p "$build/vendor"
cp "$src"/src/*.html "$src"/src/*.js "$src"/src/*.css "$build/"
# The libraries without their source-map comments (the maps are not served), each with its license.
vendor() { # vendor PACKAGE FILE
  sed '/^\/\/# sourceMappingURL=/d' "$src/node_modules/$1/dist/$2" >"$build/vendor/$2"
  cp "$src/node_modules/$1/LICENSE" "$build/vendor/$1.LICENSE.txt"
}
vendor cytoscape cytoscape.esm.min.mjs
vendor cytoscape-dagre cytoscape-dagre.min.mjs

if [ "${1:-}" = "--check" ]; then
  if ! diff -r "$build" "$out" >/dev/null; then
    diff -r "$build" "$out" | head -20
    echo "internal/console/assets differ from a build of web/console: run scripts/build-console.sh"
    exit 1
  fi
  echo "internal/console/assets are a build of web/console"
  exit 0
fi
rm -rf "$out"
mkdir -p "$out"
cp -r "$build"/. "$out"/
echo "built $out"
