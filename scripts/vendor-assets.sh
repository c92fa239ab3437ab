#!/usr/bin/env bash
# scripts/vendor-assets.sh — the browser libraries the console serves itself, from npm into public/vendor/.
#
# The console's terminal uses xterm.js (@xterm/xterm, pinned in scripts/vendor/package.json and its lock).
# This installs it with `npm ci` into scripts/vendor/node_modules and copies the files the browser loads into
# public/vendor/xterm/, which cargo-leptos copies into the site (target/site/vendor/xterm/). Nothing is loaded
# from a CDN at run time. scripts/install-tools.sh runs this, so `scripts/run.sh` and `scripts/test.sh` (and the
# Dockerfile) build with it; run it by hand before a bare `cargo leptos build`. A no-op when current.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

say() { printf '[vendor-assets] %s\n' "$*" >&2; }

manifest=scripts/vendor
modules=$manifest/node_modules
marker=$modules/.package-lock.json
if [ -f "$marker" ] && [ ! "$manifest/package.json" -nt "$marker" ] && [ ! "$manifest/package-lock.json" -nt "$marker" ]; then
  say "node modules: present"
else
  say "npm ci in $manifest/"
  (cd "$manifest" && npm ci --no-audit --no-fund --loglevel=error)
fi

target=public/vendor/xterm
mkdir -p "$target"
for file in lib/xterm.js css/xterm.css LICENSE; do
  source="$modules/@xterm/xterm/$file"
  [ -f "$source" ] || { say "ERROR: $source is missing"; exit 1; }
  cp "$source" "$target/$(basename "$file")"
done
say "xterm.js $(node -p "require('./$modules/@xterm/xterm/package.json').version") in $target/"
