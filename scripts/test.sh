#!/usr/bin/env bash
# scripts/test.sh — Berth's test command (the README's `bash scripts/test.sh`; CI runs it through .ci/run).
#
# Steps:
#   1. scripts/install-tools.sh      tools that are missing (a no-op in seconds when all are present)
#   2. scripts/docker-env.sh         the PRIVATE test engine (never yours: the tests prune), the test image,
#                                    the local registry on 127.0.0.1:5055; scripts/canary.sh then puts canary
#                                    objects on your own engine (if one answers; CI starts one)
#   3. cargo fmt --check; clippy -D warnings for the server and for the wasm target
#   4. cargo test -p app -p berth    unit tests and API integration tests against the real engine, then the
#                                    API tests again on a second private engine, Docker 26.1 (API 1.45)
#      scripts/fuzz.sh               schemathesis against a running berth and /api/openapi.json (one test)
#   5. cargo leptos build            server binary + wasm site (target/debug/berth, target/site)
#   6. end-to-end                    starts target/debug/berth on port 3000, runs Playwright in end2end/
#   7. container image               scripts/image-test.sh --debug: the runtime image built from the debug
#                                    binary (scripts/image.sh), run on the private engine and checked from
#                                    outside (health, console, 401/200, non-root, HEALTHCHECK), then removed
#   8. canary check                  the canaries on your engine all still exist (then they are removed)
#
# Environment:
#   BERTH_SKIP_E2E=1    skip steps 5-7 (quick local runs); the default runs everything
#   BERTH_FAIL_FAST=1   stop at the first failing step (default: run the independent checks anyway and
#                       report all failures at the end; the browser tests need a successful build)
#   BERTH_SKIP_ENGINE26=1  skip the second run of the API tests on Docker 26
#   BERTH_E2E_PORT      port for the end-to-end server (default 3000)
#   DOCKER_HOST         your own engine (default: the default socket): the canaries go there, the tests never
#   BERTH_TEST_DOCKER_HOST  run the tests on this engine instead of the private one (they prune it!)
#
# Exit status: 0 when every step passed, 1 otherwise.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

E2E_PORT="${BERTH_E2E_PORT:-3000}"
E2E_URL="http://127.0.0.1:$E2E_PORT"
E2E_LOG="$REPO/target/berth-e2e.log"

# ---------------------------------------------------------------------------------------------------
# Step bookkeeping: each step's name, result and duration, for the summary at the end.
step_names=()
step_results=()
step_secs=()
failed=0

banner() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# run_step NAME COMMAND...: run a step, record PASS/FAIL; with BERTH_FAIL_FAST=1 stop at a failure.
run_step() {
  local name=$1; shift
  banner "$name"
  local start=$SECONDS rc=0
  "$@" || rc=$?
  step_names+=("$name")
  step_secs+=($((SECONDS - start)))
  if [ "$rc" -eq 0 ]; then
    step_results+=(PASS)
  else
    step_results+=("FAIL (rc $rc)")
    failed=1
    if [ "${BERTH_FAIL_FAST:-0}" = 1 ]; then
      summary
      exit 1
    fi
  fi
  return "$rc"
}

skip_step() {
  step_names+=("$1"); step_results+=("SKIP ($2)"); step_secs+=(0)
}

# Test counts over every runner (cargo's "test result:" lines, Playwright's "N passed"/"N failed"),
# read from the logs the test steps tee into, for the one closing line that counts them all.
TEST_LOG_DIR=$(mktemp -d)
count_tests() {
  local passed=0 failed_tests=0 n
  for n in $(cat "$TEST_LOG_DIR"/cargo.log "$TEST_LOG_DIR"/cargo26.log "$TEST_LOG_DIR"/fuzz.log "$TEST_LOG_DIR"/image.log "$TEST_LOG_DIR"/canary.log 2>/dev/null | grep -o 'test result: [a-zA-Z]*\. [0-9]* passed' | awk '{print $4}'); do
    passed=$((passed + n)); done
  for n in $(cat "$TEST_LOG_DIR"/cargo.log "$TEST_LOG_DIR"/cargo26.log "$TEST_LOG_DIR"/fuzz.log "$TEST_LOG_DIR"/image.log "$TEST_LOG_DIR"/canary.log 2>/dev/null | grep -o '; [0-9]* failed' | awk '{print $2}'); do
    failed_tests=$((failed_tests + n)); done
  for n in $(sed 's/\x1b\[[0-9;]*m//g' "$TEST_LOG_DIR"/e2e.log 2>/dev/null | grep -Eo '^ *[0-9]+ passed' | awk '{print $1}'); do
    passed=$((passed + n)); done
  for n in $(sed 's/\x1b\[[0-9;]*m//g' "$TEST_LOG_DIR"/e2e.log 2>/dev/null | grep -Eo '^ *[0-9]+ failed' | awk '{print $1}'); do
    failed_tests=$((failed_tests + n)); done
  echo "$passed passed, $failed_tests failed"
}

summary() {
  banner "Summary"
  local i
  for i in "${!step_names[@]}"; do
    printf '  %-32s %-30s %5ss\n' "${step_names[$i]}" "${step_results[$i]}" "${step_secs[$i]}"
  done
  printf '\n%s\n' "$(count_tests)"
  if [ "$failed" -eq 0 ]; then
    printf '\nAll steps passed.\n'
  else
    printf '\nSome steps FAILED.\n'
  fi
}

# ---------------------------------------------------------------------------------------------------
# The end-to-end servers, started in the background and stopped when this script exits (whatever the cause):
# one with authentication off (an empty data directory) and one with users, for the access-control specs.
# Each has a data directory of its own under target/: never the contributor's ~/.local/share/berth.
E2E_AUTH_PORT="${BERTH_E2E_AUTH_PORT:-3002}"
E2E_AUTH_URL="http://127.0.0.1:$E2E_AUTH_PORT"
berth_pids=()
stop_berth() {
  local pid
  for pid in "${berth_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${berth_pids[@]}"; do
    # Give each 10 s for a graceful shutdown, then force.
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  berth_pids=()
}
trap stop_berth EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_berth URL PORT DATA_DIR LOG: runs ./target/debug/berth and waits until /health answers.
start_one_berth() {
  local url=$1 port=$2 data=$3 log=$4 pid waited=0
  if curl -fsS -o /dev/null --max-time 2 "$url/health" 2>/dev/null; then
    echo "something already answers on $url: stop it, or set BERTH_E2E_PORT / BERTH_E2E_AUTH_PORT" >&2
    return 1
  fi
  echo "starting ./target/debug/berth --port $port --data-dir $data (log: $log)"
  LEPTOS_SITE_ROOT="$REPO/target/site" ./target/debug/berth --port "$port" --data-dir "$data" \
    >"$log" 2>&1 </dev/null &
  pid=$!
  berth_pids+=("$pid")
  until curl -fsS -o /dev/null --max-time 2 "$url/health" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "berth exited before answering on $url/health; last lines of $log:" >&2
      tail -n 40 "$log" >&2 || true
      return 1
    fi
    if [ "$waited" -ge 120 ]; then
      echo "berth did not answer on $url/health within 60 s; last lines of $log:" >&2
      tail -n 40 "$log" >&2 || true
      return 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  echo "berth answers on $url (pid $pid)"
}

start_berth() {
  local data="$REPO/target/e2e-data" auth_data="$REPO/target/e2e-auth-data"
  rm -rf "$data" "$auth_data"
  mkdir -p "$data"
  # Users for the access-control specs, made with the CLI (random passwords, this run only).
  BERTH_E2E_ADMIN=e2e-admin BERTH_E2E_VIEWER=e2e-viewer
  BERTH_E2E_ADMIN_PASSWORD="admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  BERTH_E2E_VIEWER_PASSWORD="viewer-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  export BERTH_E2E_ADMIN BERTH_E2E_VIEWER BERTH_E2E_ADMIN_PASSWORD BERTH_E2E_VIEWER_PASSWORD
  printf '%s\n' "$BERTH_E2E_ADMIN_PASSWORD" \
    | ./target/debug/berth user add "$BERTH_E2E_ADMIN" --role admin --password-stdin --data-dir "$auth_data" >/dev/null
  printf '%s\n' "$BERTH_E2E_VIEWER_PASSWORD" \
    | ./target/debug/berth user add "$BERTH_E2E_VIEWER" --role viewer --password-stdin --data-dir "$auth_data" >/dev/null
  start_one_berth "$E2E_URL" "$E2E_PORT" "$data" "$E2E_LOG" \
    && start_one_berth "$E2E_AUTH_URL" "$E2E_AUTH_PORT" "$auth_data" "$REPO/target/berth-e2e-auth.log"
}

playwright() {
  local rc=0
  (cd end2end && BERTH_URL="$E2E_URL" BERTH_AUTH_URL="$E2E_AUTH_URL" npx --no-install playwright test) 2>&1 \
    | tee "$TEST_LOG_DIR/e2e.log" || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "--- last lines of $E2E_LOG ---" >&2
    tail -n 40 "$E2E_LOG" >&2 || true
  fi
  return "$rc"
}

# The runtime image (scripts/image.sh --debug) run and checked from outside; its test lines are counted.
image_test() {
  bash scripts/image-test.sh --debug 2>&1 | tee "$TEST_LOG_DIR/image.log"
}

# ---------------------------------------------------------------------------------------------------
# Tools and the Docker environment: without them nothing else can run, so a failure here stops at once.
run_step "install tools" bash scripts/install-tools.sh || { summary; exit 1; }
export PATH="$REPO/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

banner "docker environment"
start=$SECONDS
# shellcheck source=scripts/docker-env.sh
if . scripts/docker-env.sh; then
  step_names+=("docker environment"); step_results+=(PASS); step_secs+=($((SECONDS - start)))
else
  step_names+=("docker environment"); step_results+=(FAIL); step_secs+=($((SECONDS - start)))
  failed=1; summary; exit 1
fi
echo "test engine: $DOCKER_HOST; BERTH_TEST_IMAGE=$BERTH_TEST_IMAGE; BERTH_TEST_REGISTRY=$BERTH_TEST_REGISTRY"

# Canaries on the contributor's own engine, checked at the very end.
CANARY_STATE="$TEST_LOG_DIR/canary.state"
run_step "canary objects on your engine" bash scripts/canary.sh create "$CANARY_STATE" || true

# Static checks and tests. `|| true`: the result is recorded; the summary decides the exit status.
run_step "cargo fmt --check" cargo fmt --all -- --check || true
run_step "clippy (server, all targets)" cargo clippy -p berth --all-targets -- -D warnings || true
run_step "clippy (frontend, wasm32)" cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings || true
cargo_tests() {
  # --tests: unit and API tests (no doc tests: the crates have none).
  cargo test --no-fail-fast -p app -p berth --tests 2>&1 | tee "$TEST_LOG_DIR/cargo.log"
}
run_step "cargo test (app, berth)" cargo_tests || true

# Fuzzing: schemathesis against a running berth and its OpenAPI document (counted as one test). It creates,
# stops and removes what its random identifiers hit, so it runs on the private engine only.
fuzz() {
  bash scripts/fuzz.sh 2>&1 | tee "$TEST_LOG_DIR/fuzz.log"
  return "${PIPESTATUS[0]}"
}
if [ "${BERTH_TEST_ENGINE_PRIVATE:-}" = 1 ]; then
  run_step "fuzz (schemathesis)" fuzz || true
else
  skip_step "fuzz (schemathesis)" "not the private test engine"
fi

# The API tests again on the second private engine, Debian 13's Docker 26.1 (API 1.45): what most users run,
# and answers differ from 20.10's (e.g. volume prune keeps named volumes unless all=true).
api_tests_docker26() {
  (
    BERTH_TEST_ENGINE_VERSION=26
    # shellcheck source=scripts/docker-env.sh
    . scripts/docker-env.sh || exit 1
    echo "second test engine: $DOCKER_HOST (server $(docker version --format '{{.Server.Version}}'))"
    # The same packages as the first run (`-p app -p berth`): cargo unifies features over the packages
    # named, so `-p berth` alone would rebuild app and berth (3 min) for an identical test binary.
    cargo test --no-fail-fast -p app -p berth --test api
  ) 2>&1 | tee "$TEST_LOG_DIR/cargo26.log"
}
if [ -n "${BERTH_TEST_DOCKER_HOST:-}" ]; then
  skip_step "API tests on Docker 26" "BERTH_TEST_DOCKER_HOST names the engine"
elif [ "${BERTH_SKIP_ENGINE26:-0}" = 1 ]; then
  skip_step "API tests on Docker 26" "BERTH_SKIP_ENGINE26=1"
else
  run_step "API tests on Docker 26" api_tests_docker26 || true
fi

# End-to-end: build the site and the server, run the server, drive it with Chromium.
if [ "${BERTH_SKIP_E2E:-0}" = 1 ]; then
  skip_step "cargo leptos build" "BERTH_SKIP_E2E=1"
  skip_step "end-to-end (playwright)" "BERTH_SKIP_E2E=1"
  skip_step "container image" "BERTH_SKIP_E2E=1"
elif run_step "cargo leptos build" cargo leptos build; then
  if run_step "start berth on :$E2E_PORT and :$E2E_AUTH_PORT" start_berth; then
    run_step "end-to-end (playwright)" playwright || true
  else
    skip_step "end-to-end (playwright)" "server did not start"
  fi
  stop_berth
  # The runtime image from the same debug build, on the private engine only.
  if [ -n "${BERTH_TEST_DOCKER_HOST:-}" ]; then
    skip_step "container image" "BERTH_TEST_DOCKER_HOST names the engine"
  else
    run_step "container image" image_test || true
  fi
else
  skip_step "end-to-end (playwright)" "build failed"
  skip_step "container image" "build failed"
fi

canary_verify() { bash scripts/canary.sh verify "$CANARY_STATE" | tee "$TEST_LOG_DIR/canary.log"; }
run_step "canary check (your engine untouched)" canary_verify || true

summary
exit "$failed"
