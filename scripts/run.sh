#!/usr/bin/env bash
# scripts/run.sh — build Berth (server + console, release) and run it: the README's run command.
#
# Installs the build tools that are missing (scripts/install-tools.sh), builds with cargo-leptos, then runs
# ./target/release/berth with any arguments given here (see `berth --help`). Berth talks to the Docker
# engine named by DOCKER_HOST, or the default socket; it starts even when no engine answers (503s until
# one does). To get a local engine on a machine without one: `. scripts/docker-env.sh`.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
bash scripts/install-tools.sh
export PATH="$REPO/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# --precompress writes a .br and a .gz beside each asset; Berth serves them to browsers that accept them.
cargo leptos build --release --precompress
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$REPO/target/site}"
exec "$REPO/target/release/berth" "$@"
