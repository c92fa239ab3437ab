#!/usr/bin/env bash
# scripts/canary.sh — prove that the test suite leaves the contributor's own Docker engine alone.
#
#   bash scripts/canary.sh create STATE_FILE   before the suite: on the contributor's engine, make an unused
#                                              named volume, an unused network, a dangling image and a
#                                              stopped container, all labelled berth.canary=<run id>
#   bash scripts/canary.sh verify STATE_FILE   after the suite: each canary must still exist; then they are
#                                              removed (only they: by the ids recorded in STATE_FILE)
#
# The contributor's engine is BERTH_USER_DOCKER_HOST (what DOCKER_HOST named before scripts/docker-env.sh
# pointed it at the private test engine), else the default socket. When no engine answers there, there is
# nothing to protect and the check is skipped — except under CI=true, where the system's dockerd is started
# on the default socket to stand in for a contributor's engine, so that CI proves the point every run.
#
# `verify` prints one line that scripts/test.sh counts: "canary test result: ok. N passed; M failed".
set -euo pipefail

action=${1:-}
state=${2:-}
[ -n "$action" ] && [ -n "$state" ] || { echo "usage: $0 create|verify STATE_FILE" >&2; exit 2; }

say() { printf '[canary] %s\n' "$*" >&2; }

# The contributor's engine, never the private test engine.
if [ -n "${BERTH_USER_DOCKER_HOST:-}" ]; then
  export DOCKER_HOST="$BERTH_USER_DOCKER_HOST"
else
  unset DOCKER_HOST
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"
  else say "need root (or passwordless sudo) to run: $*"; return 1
  fi
}

engine_answers() { timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

start_default_engine() {
  local dockerd_bin waited=0
  dockerd_bin=$(PATH="$PATH:/usr/sbin:/sbin" command -v dockerd) || { say "dockerd is not installed"; return 1; }
  say "CI: no Docker engine answers on the default socket; starting one to stand in for a contributor's engine"
  as_root setsid nohup "$dockerd_bin" --pidfile /tmp/berth-default-dockerd.pid \
    >/tmp/berth-default-dockerd.log 2>&1 </dev/null &
  until engine_answers; do
    if [ "$waited" -ge 60 ]; then
      say "the default engine did not answer within 60 s:"; tail -n 30 /tmp/berth-default-dockerd.log >&2 || true
      return 1
    fi
    sleep 1; waited=$((waited + 1))
  done
}

# An image made from a directory, by `docker import` (nothing can be pulled here).
import_image() { # DIR LABEL [TAG]
  tar -C "$1" -c . | docker import --change "LABEL berth.canary=$2" --change 'CMD ["/bin/busybox","true"]' - ${3:+"$3"}
}

create() {
  if ! engine_answers; then
    if [ "${CI:-}" = true ]; then
      start_default_engine
    else
      say "no Docker engine of yours answers (${DOCKER_HOST:-unix:///var/run/docker.sock}): nothing to protect, check skipped"
      echo "skipped" >"$state"
      return 0
    fi
  fi
  local run id rootfs empty base dangling volume network container
  run="$(date +%s)-$$"
  id="berth-canary-$run"
  rootfs=$(mktemp -d); empty=$(mktemp -d)
  mkdir -p "$rootfs/bin"
  cp /bin/busybox "$rootfs/bin/busybox"
  base=$(import_image "$rootfs" "$id" "berth-canary/base:$run")
  # An untagged image: exactly what `docker image prune` removes.
  dangling=$(import_image "$empty" "$id-dangling")
  rm -rf "$rootfs" "$empty"
  volume=$(docker volume create --label "berth.canary=$id" "$id-volume")
  network=$(docker network create --label "berth.canary=$id" "$id-network")
  container=$(docker create --label "berth.canary=$id" --network none --name "$id-container" "$base")
  docker start "$container" >/dev/null
  docker wait "$container" >/dev/null   # exits at once: a stopped container
  cat >"$state" <<EOF
base_image=$base
dangling_image=$dangling
volume=$volume
network=$network
container=$container
EOF
  say "made on ${DOCKER_HOST:-unix:///var/run/docker.sock}: volume $volume, network $id-network, dangling image ${dangling:7:12}, stopped container $id-container"
}

verify() {
  [ -s "$state" ] || { say "no canary state in $state (was 'create' run?)"; echo "canary test result: FAILED. 0 passed; 1 failed"; return 1; }
  if [ "$(cat "$state")" = skipped ]; then
    say "skipped (no engine of the contributor's to protect)"
    return 0
  fi
  # shellcheck disable=SC1090
  . "$state"
  local passed=0 failed=0
  check() { # KIND DOCKER-INSPECT-ARGS...
    local kind=$1; shift
    if docker "$@" >/dev/null 2>&1; then
      say "survived: $kind"; passed=$((passed + 1))
    else
      say "MISSING after the test run: $kind ($*)"; failed=$((failed + 1))
    fi
  }
  check "unused named volume" volume inspect "$volume"
  check "unused network" network inspect "$network"
  check "dangling image" image inspect "$dangling_image"
  check "stopped container" container inspect "$container"
  # Clean up the canaries, and only them.
  docker rm -f "$container" >/dev/null 2>&1 || true
  docker network rm "$network" >/dev/null 2>&1 || true
  docker volume rm "$volume" >/dev/null 2>&1 || true
  docker rmi "$dangling_image" "$base_image" >/dev/null 2>&1 || true
  rm -f "$state"
  if [ "$failed" -eq 0 ]; then
    echo "canary test result: ok. $passed passed; 0 failed"
  else
    echo "canary test result: FAILED. $passed passed; $failed failed"
    return 1
  fi
}

case "$action" in
  create) create ;;
  verify) verify ;;
  *) echo "usage: $0 create|verify STATE_FILE" >&2; exit 2 ;;
esac
