#!/usr/bin/env bash
# scripts/run.sh — build Berth (server + console, release) and run it: the README's run command.
#
#   bash scripts/run.sh [BERTH FLAGS...]        e.g. bash scripts/run.sh --port 5000
#
# 1. Installs only what building and running need (scripts/install-tools.sh --run: the Rust tools and
#    wasm-opt; Debian's docker.io only when no engine answers; no Chromium, registry or Playwright).
# 2. The Docker engine: the one DOCKER_HOST names, else the default socket. When none answers, it starts a
#    PRIVATE engine the way the test command does (scripts/docker-env.sh, with BERTH_ENGINE_FOR=run):
#    Debian's dockerd on unix:///var/tmp/berth-run-engine/docker.sock, its data in
#    /var/tmp/berth-run-engine, its own bridge berth-run0 — not your system's Docker and not the test
#    engine (the tests prune theirs). It gets the small busybox image berth-test/busybox:latest, so there
#    is something to start from the console, and keeps running after Berth stops:
#      stop it with  sudo kill $(cat /var/tmp/berth-run-engine/dockerd.pid)
#    Starting it needs root or passwordless sudo once. BERTH_RUN_ENGINE=never never starts one (Berth then
#    answers 503 until an engine answers); --docker-host in the flags names the engine yourself.
# 3. Builds with cargo-leptos (release, precompressed assets) and runs the binary with the flags given.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

say() { printf '[run] %s\n' "$*" >&2; }

bash scripts/install-tools.sh --run
export PATH="$REPO/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

engine_answers() {
  if command -v docker >/dev/null; then
    timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
  else
    local host=${DOCKER_HOST:-unix:///var/run/docker.sock}
    [[ "$host" == unix://* ]] \
      && curl -fsS -o /dev/null --max-time 5 --unix-socket "${host#unix://}" http://docker/_ping 2>/dev/null
  fi
}

names_docker_host=0
for arg in "$@"; do
  case "$arg" in --docker-host|--docker-host=*) names_docker_host=1 ;; esac
done
if [ "$names_docker_host" = 1 ]; then
  say "Docker engine: the one --docker-host names"
elif engine_answers; then
  say "Docker engine: ${DOCKER_HOST:-unix:///var/run/docker.sock} answers (server $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
elif [ "${BERTH_RUN_ENGINE:-auto}" = never ]; then
  say "No Docker engine answers at ${DOCKER_HOST:-unix:///var/run/docker.sock}; BERTH_RUN_ENGINE=never: Berth answers 503 until one does"
else
  say "No Docker engine answers at ${DOCKER_HOST:-unix:///var/run/docker.sock}: starting a PRIVATE engine for Berth, the way the test command does (scripts/docker-env.sh)"
  unset BERTH_TEST_DOCKER_HOST BERTH_TEST_ENGINE_VERSION
  export BERTH_ENGINE_FOR=run
  # shellcheck source=scripts/docker-env.sh
  . scripts/docker-env.sh
  engine_dir="${BERTH_RUN_ENGINE_DIR:-/var/tmp/berth-run-engine}"
  say "Docker engine: the private engine at $DOCKER_HOST (Docker $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'), data in $engine_dir)."
  say "  It is Berth's own: not your system's Docker, not the test engine. It keeps running after Berth stops;"
  say "  stop it with: sudo kill \$(cat $engine_dir/dockerd.pid)"
fi

# --precompress writes a .br and a .gz beside each asset; Berth serves them to browsers that accept them.
cargo leptos build --release --precompress
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$REPO/target/site}"
exec "${CARGO_TARGET_DIR:-$REPO/target}/release/berth" "$@"
