#!/usr/bin/env bash
# scripts/fuzz.sh — property-based fuzzing of the REST API with schemathesis, against a running Berth and its
# own OpenAPI document (/api/openapi.json), on the PRIVATE test engine only.
#
#   bash scripts/fuzz.sh        (scripts/test.sh runs it after the API tests)
#
# What it does:
#   1. points DOCKER_HOST at the private test engine (scripts/docker-env.sh) and refuses to go on unless
#      BERTH_TEST_ENGINE_PRIVATE=1: fuzzing creates, stops and removes whatever its random identifiers hit;
#   2. builds and starts `berth` on a free loopback port (authentication off, a temporary data directory, a
#      temporary empty build root so that no build can read the host's files);
#   3. validates the document (openapi-spec-validator), then runs schemathesis with the checks
#      not_a_server_error, status_code_conformance and response_schema_conformance, a bounded number of
#      examples per operation and a per-request timeout (a hang is a failure);
#   4. removes the containers, volumes, networks and image tags the run made (those that did not exist
#      before it; names of other test runs, berth-test-* and berth-e2e-*, are left alone) and checks that the
#      test image is still there, tagging or re-importing it (docker-env.sh) otherwise. Schemathesis reuses
#      the ids that lists answer, so a run usually removes it: do not fuzz while other tests use the engine.
#
# Not fuzzed: whole-engine prunes (POST /api/{images,volumes,networks}/prune) so the engine's test image and
# registry survive; GET /api/events, an endless stream by design; GET /api/images/search and POST
# /api/images/pull, which reach Docker Hub for most names (unreachable here: the registry's absence is a 503). The stateful phase is off: it feeds the ids that
# lists return into stop/restart/remove, i.e. acts on the real objects of whatever else uses the engine.
#
# Settings: BERTH_FUZZ_EXAMPLES (examples per operation, default 15), BERTH_FUZZ_SEED (reproduce a run),
# BERTH_BIN (a berth binary to use instead of building one), BERTH_FUZZ_ARGS (more schemathesis arguments,
# e.g. --exclude-method DELETE while other test runs share the engine). Berth's log is kept in
# target/fuzz-berth.log.
# Prints `test result: ok. 1 passed; 0 failed` (or FAILED) for scripts/test.sh's count; exit status 0 when
# schemathesis found nothing.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

say() { printf '[fuzz] %s\n' "$*" >&2; }
die() {
  say "ERROR: $*"
  echo "test result: FAILED. 0 passed; 1 failed"
  exit 1
}

SCHEMATHESIS="$REPO/.tools/venv/bin/schemathesis"
SPEC_VALIDATOR="$REPO/.tools/venv/bin/openapi-spec-validator"
[ -x "$SCHEMATHESIS" ] && [ -x "$SPEC_VALIDATOR" ] \
  || die "schemathesis is missing from .tools/venv: run bash scripts/install-tools.sh"

# 1. The private test engine, and nothing else.
if [ "${BERTH_TEST_ENGINE_PRIVATE:-}" != 1 ]; then
  # shellcheck source=scripts/docker-env.sh
  . scripts/docker-env.sh >&2 || die "the private test engine is not ready (scripts/docker-env.sh)"
fi
if [ "${BERTH_TEST_ENGINE_PRIVATE:-}" != 1 ]; then
  die "refusing to fuzz: BERTH_TEST_ENGINE_PRIVATE is not 1, so $DOCKER_HOST may be an engine that matters \
(fuzzing stops and removes what its random identifiers hit). Use the private engine of scripts/docker-env.sh."
fi
TEST_IMAGE="${BERTH_TEST_IMAGE:-berth-test/busybox:latest}"
say "engine: $DOCKER_HOST (private)"

# 2. Berth on a free port.
work=$(mktemp -d "${TMPDIR:-/tmp}/berth-fuzz.XXXXXX")
berth_pid=
stop_berth() {
  if [ -n "$berth_pid" ]; then
    kill "$berth_pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$berth_pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$berth_pid" 2>/dev/null || true
    wait "$berth_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_berth EXIT

if [ -n "${BERTH_BIN:-}" ]; then
  cp "$BERTH_BIN" "$work/berth"
else
  say "building berth"
  cargo build -q -p berth >&2 || die "cargo build -p berth failed"
  cp "${CARGO_TARGET_DIR:-$REPO/target}/debug/berth" "$work/berth"
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
mkdir -p "$work/data" "$work/build-root"
"$work/berth" --port "$port" --data-dir "$work/data" --auth off --insecure-no-auth \
  --build-root "$work/build-root" >"$work/berth.log" 2>&1 </dev/null &
berth_pid=$!
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null --max-time 2 "$url/health" 2>/dev/null && break
  kill -0 "$berth_pid" 2>/dev/null || { tail -n 20 "$work/berth.log" >&2; die "berth exited at start"; }
  sleep 0.5
done
curl -fsS -o /dev/null --max-time 2 "$url/health" || die "berth does not answer on $url/health"
say "berth answers on $url (pid $berth_pid)"

# What exists before the run, so that only what the run made is removed afterwards.
snapshot() {
  {
    docker ps -a --format 'container {{.Names}}'
    docker volume ls --format 'volume {{.Name}}'
    docker network ls --format 'network {{.Name}}'
    docker images --format 'image {{.Repository}}:{{.Tag}}' | grep -v ':<none>$' || true
  } | sort
}
image_id_before=$(docker image inspect -f '{{.Id}}' "$TEST_IMAGE" 2>/dev/null || true)
snapshot >"$work/before"

# 3. The document, then the fuzzing.
curl -fsS "$url/api/openapi.json" -o "$work/openapi.json" || die "GET /api/openapi.json failed"
"$SPEC_VALIDATOR" "$work/openapi.json" >&2 || die "the OpenAPI document does not validate"

seed_args=()
[ -n "${BERTH_FUZZ_SEED:-}" ] && seed_args=(--seed "$BERTH_FUZZ_SEED")
rc=0
# Run from the temporary directory: schemathesis and hypothesis keep caches in the working directory.
# shellcheck disable=SC2086 # BERTH_FUZZ_ARGS: extra schemathesis arguments, split on spaces
(cd "$work" && timeout 300 "$SCHEMATHESIS" run "$url/api/openapi.json" --url "$url" \
  --checks not_a_server_error,status_code_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "${BERTH_FUZZ_EXAMPLES:-15}" --workers 2 --request-timeout 20 \
  --exclude-path-regex '/prune$' --exclude-path /api/events --exclude-path /api/images/search \
  --exclude-path /api/images/pull \
  --generation-database none --suppress-health-check all --no-color \
  "${seed_args[@]}" ${BERTH_FUZZ_ARGS:-} >&2) || rc=$?
log_copy="${CARGO_TARGET_DIR:-$REPO/target}/fuzz-berth.log"
mkdir -p "$(dirname "$log_copy")" && cp "$work/berth.log" "$log_copy" && say "berth's log: $log_copy"
if [ "$rc" -eq 124 ]; then say "schemathesis did not finish within 300 s"; fi
if [ "$rc" -ne 0 ] && grep -aq 'status=5' "$work/berth.log"; then
  say "server errors in berth's log:"
  grep -a 'status=5' "$work/berth.log" | tail -n 20 >&2 || true
fi

# 4. Clean up what the run made; keep the test image.
snapshot >"$work/after"
comm -13 "$work/before" "$work/after" | while read -r kind name; do
  case "$name" in berth-test-*|berth-e2e-*|*/berth-test-*) continue ;; esac
  case "$kind" in
    container) docker rm -f -v "$name" >/dev/null 2>&1 || true ;;
    volume) docker volume rm -f "$name" >/dev/null 2>&1 || true ;;
    network) docker network rm "$name" >/dev/null 2>&1 || true ;;
    image) docker rmi "$name" >/dev/null 2>&1 || true ;;
  esac
  say "removed the $kind '$name' the run made"
done
if [ -n "$image_id_before" ] && ! docker image inspect "$TEST_IMAGE" >/dev/null 2>&1 \
  && docker tag "$image_id_before" "$TEST_IMAGE" 2>/dev/null; then
  say "the run untagged $TEST_IMAGE: tagged it again"
fi
if [ -n "$image_id_before" ] && ! docker image inspect "$TEST_IMAGE" >/dev/null 2>&1; then
  say "the run removed $TEST_IMAGE: re-importing it"
  # shellcheck source=scripts/docker-env.sh
  . scripts/docker-env.sh >&2 || say "WARNING: could not re-import $TEST_IMAGE"
fi

if [ "$rc" -eq 0 ]; then
  echo "test result: ok. 1 passed; 0 failed"
else
  echo "test result: FAILED. 0 passed; 1 failed"
fi
exit "$rc"
