# shellcheck shell=bash
# scripts/docker-env.sh — make sure the PRIVATE test engine, the local test image and a local registry are ready.
#
# Meant to be SOURCED by test scripts:   . scripts/docker-env.sh
# (running it directly, `bash scripts/docker-env.sh`, does the same set-up and prints the exports.)
#
# The tests prune images, volumes and networks, so they never run on the contributor's own engine
# (DOCKER_HOST or /var/run/docker.sock): they run on a dockerd of their own, started here.
#
# What it does, each step skipped when already done (a second run takes well under a second):
#   1. Private test engine: its own socket, data root, exec root, pidfile, bridge (berth-test0, 10.212.0.1/24)
#      and address pool (10.214.0.0/16), with --iptables=false (with iptables on, a second dockerd rewrites the
#      DOCKER chains and the first engine loses its port forwarding). Files under /var/tmp/berth-test-engine.
#      Started once (needs root or passwordless sudo: `sudo bash scripts/docker-env.sh` once is enough) and left
#      running for the next run; its socket belongs to the `docker` group, so a docker-group user can use it.
#      Stop it with: sudo kill $(cat /var/tmp/berth-test-engine/dockerd.pid)
#      One iptables rule lets its containers reach each other when the default engine has set the FORWARD
#      policy to DROP: FORWARD -s 10.212.0.0/14 -d 10.212.0.0/14 -j ACCEPT (comment berth-test-engine).
#   2. Test image berth-test/busybox:latest: a one-layer image made from Debian's static busybox
#      (package busybox-static) — nothing can be pulled from Docker Hub here. Its default command sleeps
#      forever but exits at once on SIGTERM, so `docker stop` takes well under a second.
#   3. Local registry: Debian's `docker-registry` on 127.0.0.1:5055 (NOT 5000: that is Berth's port),
#      storage under /tmp/berth-registry, with the test image pushed as
#      127.0.0.1:5055/berth-test/busybox:latest. The daemon trusts 127.0.0.0/8 registries without TLS.
#
# Exports: DOCKER_HOST (the private engine), BERTH_TEST_ENGINE_PRIVATE=1 (the tests that prune the whole
# engine run only when it is set), BERTH_TEST_IMAGE, BERTH_TEST_REGISTRY, and BERTH_USER_DOCKER_HOST (the
# engine DOCKER_HOST named before, i.e. the contributor's; empty for the default socket).
# BERTH_TEST_ENGINE_VERSION=26 makes it the second private engine instead: Debian 13's Docker 26.1 (API 1.45,
# what most users run), unpacked by scripts/install-tools.sh under /var/tmp/berth-docker26 (its dockerd,
# containerd and docker-proxy; Debian 12's runc), files under /var/tmp/berth-test-engine-26, bridge berth-test26
# (10.215.255.1/24), address pool 10.215.0.0/17 — inside the same address space, apart from the first engine.
# Tunables (env): BERTH_TEST_ENGINE_DIR, BERTH_TEST_BRIDGE, BERTH_TEST_BRIDGE_CIDR, BERTH_TEST_ADDRESS_POOL,
# BERTH_REGISTRY_DIR, BERTH_DOCKER_TIMEOUT; BERTH_TEST_DOCKER_HOST=<engine> runs the tests on that engine
# instead (it must answer already, and the tests WILL prune it).
#
# The work happens in a subshell with `set -euo pipefail`, so sourcing this file neither changes the
# caller's shell options nor leaves helper functions behind; only the exports reach the caller.

# ---------------------------------------------------------------------------------------------------
# Constants shared by the subshell and the exports below.
BERTH_TEST_IMAGE=berth-test/busybox:latest
BERTH_TEST_REGISTRY=127.0.0.1:5055
BERTH_TEST_ENGINE_DIR="${BERTH_TEST_ENGINE_DIR:-/var/tmp/berth-test-engine}"
BERTH_DOCKER26_ROOT="${BERTH_DOCKER26_ROOT:-/var/tmp/berth-docker26}"
if [ "${BERTH_TEST_ENGINE_VERSION:-20}" = 26 ]; then
  berth_engine_dir="${BERTH_TEST_ENGINE26_DIR:-/var/tmp/berth-test-engine-26}"
else
  berth_engine_dir="$BERTH_TEST_ENGINE_DIR"
fi
# The contributor's engine, remembered before DOCKER_HOST is pointed at the private one (sourcing this
# file twice keeps the first value).
if [ -z "${BERTH_TEST_ENGINE_PRIVATE:-}" ]; then BERTH_USER_DOCKER_HOST="${DOCKER_HOST:-}"; fi
BERTH_USER_DOCKER_HOST="${BERTH_USER_DOCKER_HOST:-}"
if [ -n "${BERTH_TEST_DOCKER_HOST:-}" ]; then
  DOCKER_HOST="$BERTH_TEST_DOCKER_HOST"
else
  DOCKER_HOST="unix://$berth_engine_dir/docker.sock"
fi
export DOCKER_HOST

if ! (
  set -euo pipefail

  image="$BERTH_TEST_IMAGE"
  registry="$BERTH_TEST_REGISTRY"
  # Bump when the image recipe below changes: an older local image is then rebuilt and re-pushed.
  image_recipe=3
  engine_dir="$berth_engine_dir"
  engine_pidfile="$engine_dir/dockerd.pid"
  engine_bridge="${BERTH_TEST_BRIDGE:-berth-test0}"
  engine_bridge_cidr="${BERTH_TEST_BRIDGE_CIDR:-10.212.0.1/24}"
  engine_pool="${BERTH_TEST_ADDRESS_POOL:-10.214.0.0/16}"
  engine_path="$PATH:/usr/sbin:/sbin"
  if [ "${BERTH_TEST_ENGINE_VERSION:-20}" = 26 ]; then
    engine_bridge=berth-test26
    engine_bridge_cidr=10.215.255.1/24
    engine_pool=10.215.0.0/17
    # Debian 13's dockerd, containerd and docker-proxy first; runc stays Debian 12's (13's needs glibc 2.38).
    engine_path="$BERTH_DOCKER26_ROOT/usr/sbin:$BERTH_DOCKER26_ROOT/usr/bin:$engine_path"
  fi
  # Every address the private engine's containers use: its bridge, its pool and the tests' own subnets
  # (server/tests/api/helpers.rs test_subnet: 10.213.N.0/24).
  engine_space="${BERTH_TEST_ADDRESS_SPACE:-10.212.0.0/14}"
  registry_dir="${BERTH_REGISTRY_DIR:-/tmp/berth-registry}"
  timeout_s="${BERTH_DOCKER_TIMEOUT:-60}"

  say() { printf '[docker-env] %s\n' "$*" >&2; }
  die() { say "ERROR: $*"; exit 1; }

  command -v docker >/dev/null || die "the docker CLI is missing (run scripts/install-tools.sh)"
  command -v curl >/dev/null || die "curl is missing (run scripts/install-tools.sh)"

  # Run a command as root: directly when we are root, else through passwordless sudo.
  as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"
    else die "need root (or passwordless sudo) to run: $*"
    fi
  }

  engine_answers() { timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

  # -------------------------------------------------------------------------------------------------
  # 1. The private test engine (never the contributor's own engine: the tests prune).
  if [ -n "${BERTH_TEST_DOCKER_HOST:-}" ]; then
    engine_answers || die "BERTH_TEST_DOCKER_HOST=$BERTH_TEST_DOCKER_HOST does not answer"
    say "using the engine named by BERTH_TEST_DOCKER_HOST: $DOCKER_HOST (server $(docker version --format '{{.Server.Version}}' 2>/dev/null))"
  elif engine_answers; then
    say "private test engine answers at $DOCKER_HOST (server $(docker version --format '{{.Server.Version}}' 2>/dev/null))"
  else
    # dockerd and ip live in /usr/sbin and /sbin, off a normal user's PATH.
    dockerd_bin=$(PATH="$engine_path" command -v dockerd || true)
    ip_bin=$(PATH="$PATH:/usr/sbin:/sbin" command -v ip || true)
    [ -n "$dockerd_bin" ] || die "dockerd is not installed (run scripts/install-tools.sh)"
    if [ "${BERTH_TEST_ENGINE_VERSION:-20}" = 26 ] && [ "$dockerd_bin" != "$BERTH_DOCKER26_ROOT/usr/sbin/dockerd" ]; then
      die "Docker 26 is not unpacked under $BERTH_DOCKER26_ROOT (run BERTH_DOCKER26=1 scripts/install-tools.sh)"
    fi
    [ -n "$ip_bin" ] || die "ip (iproute2) is not installed"
    if [ -s "$engine_pidfile" ] && as_root kill -0 "$(cat "$engine_pidfile")" 2>/dev/null; then
      say "private test engine (pid $(cat "$engine_pidfile")) is running but not answering yet; waiting"
    else
      if [ "$(id -u)" -ne 0 ] && ! { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }; then
        die "the private test engine is not running, and starting it needs root once: run 'sudo bash scripts/docker-env.sh', then run the tests again as yourself"
      fi
      as_root mkdir -p "$engine_dir"
      # Its own bridge, so it never touches docker0 or the default engine's networks.
      if ! "$ip_bin" link show "$engine_bridge" >/dev/null 2>&1; then
        as_root "$ip_bin" link add "$engine_bridge" type bridge
      fi
      if ! "$ip_bin" -4 addr show dev "$engine_bridge" | grep -qF "inet $engine_bridge_cidr "; then
        as_root "$ip_bin" addr flush dev "$engine_bridge"
        as_root "$ip_bin" addr add "$engine_bridge_cidr" dev "$engine_bridge"
      fi
      as_root "$ip_bin" link set "$engine_bridge" up
      group_args=()
      # A user in the docker group can then use the private engine's socket too.
      if getent group docker >/dev/null 2>&1; then group_args=(--group docker); fi
      say "starting the private test engine on $DOCKER_HOST (data: $engine_dir, log: $engine_dir/dockerd.log)"
      # --iptables=false: with iptables on, a second dockerd rewrites the DOCKER chains and the default
      # engine loses its port forwarding. setsid + nohup: the engine outlives this script, on purpose
      # (the next run reuses it).
      as_root env PATH="$engine_path" setsid nohup "$dockerd_bin" \
        -H "$DOCKER_HOST" \
        --data-root "$engine_dir/data" \
        --exec-root "$engine_dir/exec" \
        --pidfile "$engine_pidfile" \
        --bridge "$engine_bridge" \
        --iptables=false \
        --default-address-pool "base=$engine_pool,size=24" \
        "${group_args[@]}" \
        >"$engine_dir/dockerd.log" 2>&1 </dev/null &
    fi
    waited=0
    until engine_answers; do
      if [ "$waited" -ge "$timeout_s" ]; then
        say "the private test engine did not answer within ${timeout_s}s; last lines of $engine_dir/dockerd.log:"
        as_root tail -n 40 "$engine_dir/dockerd.log" >&2 || true
        exit 1
      fi
      sleep 1
      waited=$((waited + 1))
    done
    say "private test engine answers after ${waited}s (server $(docker version --format '{{.Server.Version}}'))"
  fi

  # Container-to-container traffic on the private engine's bridges. With br_netfilter loaded (the default
  # engine loads it), bridged packets pass the FORWARD chain, whose policy the default engine sets to DROP
  # while accepting only its own bridges; the private engine runs with --iptables=false, so accept its
  # address space, and only that, explicitly. Idempotent; skipped when the chain cannot be changed.
  iptables_bin=$(PATH="$PATH:/usr/sbin:/sbin" command -v iptables || true)
  if [ -z "${BERTH_TEST_DOCKER_HOST:-}" ] && [ -n "$iptables_bin" ]; then
    forward_rule=(FORWARD -s "$engine_space" -d "$engine_space" -m comment --comment berth-test-engine -j ACCEPT)
    if as_root "$iptables_bin" -C "${forward_rule[@]}" 2>/dev/null; then
      :
    elif as_root "$iptables_bin" -I "${forward_rule[@]}" 2>/dev/null; then
      say "iptables: FORWARD accepts $engine_space <-> $engine_space (the private engine's containers)"
    else
      say "warning: could not add the FORWARD rule for $engine_space; containers on the private engine may not reach each other"
    fi
  fi

  # -------------------------------------------------------------------------------------------------
  # 2. Test image
  current_recipe=$(docker image inspect --format '{{index .Config.Labels "berth.test-image.recipe"}}' "$image" 2>/dev/null || true)
  if [ "$current_recipe" != "$image_recipe" ]; then
    busybox_bin=/bin/busybox
    [ -x "$busybox_bin" ] || die "$busybox_bin is missing (apt-get install busybox-static)"
    # Debian's plain `busybox` package also installs /bin/busybox but links it dynamically, which
    # would not run in an empty image.
    if command -v file >/dev/null && ! file -L "$busybox_bin" | grep -q 'statically linked'; then
      die "$busybox_bin is not statically linked (apt-get install busybox-static)"
    fi
    say "building $image from $busybox_bin"
    rootfs=$(mktemp -d /tmp/berth-rootfs.XXXXXX)
    trap 'rm -rf "$rootfs"' EXIT
    mkdir -p "$rootfs"/{bin,etc,tmp,root,var/www,proc,sys,dev}
    chmod 1777 "$rootfs/tmp"
    cp "$busybox_bin" "$rootfs/bin/busybox"
    # One symlink per applet this busybox has (sh, sleep, echo, cat, httpd, ls, wget, ping, nc, ps, top,
    # env, hostname, ip, ifconfig, true, false, mkdir, touch, id, ...). Debian's build has no `printenv`,
    # so add it as a tiny script over `env`.
    for applet in $("$busybox_bin" --list); do
      [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
    done
    if [ ! -e "$rootfs/bin/printenv" ]; then
      cat >"$rootfs/bin/printenv" <<'SH'
#!/bin/sh
# printenv [NAME...] for the Berth test image (Debian's busybox has no printenv applet).
[ $# -eq 0 ] && exec env
rc=0
for name in "$@"; do
  if env | grep -q "^$name="; then env | sed -n "s/^$name=//p"; else rc=1; fi
done
exit $rc
SH
      chmod 755 "$rootfs/bin/printenv"
    fi
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
    printf '<h1>berth test image</h1>\n' >"$rootfs/var/www/index.html"
    # The default command: sleep forever, but exit 0 at once on SIGTERM/SIGINT. PID 1 ignores signals
    # it has no handler for, so without the trap `docker stop` would wait its full 10 s and SIGKILL.
    tar -C "$rootfs" -c . | docker import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change "LABEL berth.test-image.recipe=$image_recipe" \
      --change 'CMD ["sh","-c","trap \"exit 0\" TERM INT; while :; do sleep 1 & wait $!; done"]' \
      - "$image" >/dev/null
    rm -rf "$rootfs"
    trap - EXIT

    # Check the image: it runs, and its default command stops promptly.
    [ "$(docker run --rm --network none "$image" echo ok)" = ok ] || die "$image does not run"
    probe=$(docker run -d --network none --label berth.test-image.probe=1 "$image")
    sleep 0.5
    start_ns=$(date +%s%N)
    docker stop --time 10 "$probe" >/dev/null
    stop_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
    exit_code=$(docker inspect --format '{{.State.ExitCode}}' "$probe")
    docker rm -f "$probe" >/dev/null
    [ "$stop_ms" -lt 3000 ] || die "docker stop of $image took ${stop_ms} ms (its CMD ignores SIGTERM?)"
    say "built $image (docker stop took ${stop_ms} ms, exit code $exit_code)"
  else
    say "test image $image is present"
  fi

  # -------------------------------------------------------------------------------------------------
  # 3. Local registry on $registry
  registry_answers() { curl -fsS -o /dev/null --max-time 3 "http://$registry/v2/" 2>/dev/null; }
  if registry_answers; then
    say "registry answers on http://$registry/v2/"
  else
    command -v docker-registry >/dev/null || die "docker-registry is not installed (apt-get install docker-registry)"
    mkdir -p "$registry_dir/data"
    cat >"$registry_dir/config.yml" <<EOF
# Written by scripts/docker-env.sh: a throw-away registry for Berth's tests (no auth, no TLS, loopback only).
version: 0.1
log:
  level: warn
  fields:
    service: berth-test-registry
storage:
  filesystem:
    rootdirectory: $registry_dir/data
  delete:
    enabled: true
http:
  addr: $registry
EOF
    say "starting docker-registry on $registry (log: $registry_dir/registry.log)"
    setsid nohup docker-registry serve "$registry_dir/config.yml" \
      >"$registry_dir/registry.log" 2>&1 </dev/null &
    echo $! >"$registry_dir/registry.pid"
    waited=0
    until registry_answers; do
      if [ "$waited" -ge 30 ]; then
        say "the registry did not answer within 15 s; last lines of $registry_dir/registry.log:"
        tail -n 20 "$registry_dir/registry.log" >&2 || true
        exit 1
      fi
      sleep 0.5
      waited=$((waited + 1))
    done
  fi

  # Push the test image unless the registry already has exactly this image (same config digest).
  remote_ref="$registry/${image%:*}:${image##*:}"
  local_id=$(docker image inspect --format '{{.Id}}' "$image")
  manifest_url="http://$registry/v2/${image%:*}/manifests/${image##*:}"
  manifest_accept='Accept: application/vnd.docker.distribution.manifest.v2+json'
  # For a pushed image the manifest's config digest is the local image id.
  pushed_image_id=$(curl -fsS --max-time 5 -H "$manifest_accept" "$manifest_url" 2>/dev/null \
    | tr -d ' \n\t' | sed -n 's/.*"config":{[^}]*"digest":"\(sha256:[0-9a-f]*\)".*/\1/p' || true)
  if [ "$pushed_image_id" = "$local_id" ]; then
    say "registry already holds $remote_ref"
  else
    say "pushing $image to $remote_ref"
    docker tag "$image" "$remote_ref"
    if ! push_out=$(docker push "$remote_ref" 2>&1); then
      printf '%s\n' "$push_out" >&2
      docker rmi "$remote_ref" >/dev/null 2>&1 || true
      die "docker push $remote_ref failed"
    fi
    # Drop the extra local tag: a test that pulls from the registry then really pulls.
    docker rmi "$remote_ref" >/dev/null
    curl -fsS -o /dev/null --max-time 5 -H "$manifest_accept" "$manifest_url" \
      || die "the registry does not serve $remote_ref after the push"
    say "pushed $remote_ref"
  fi
); then
  echo "[docker-env] ERROR: the Docker test environment is not ready (see above)" >&2
  # `return` when sourced, `exit` when run directly.
  # shellcheck disable=SC2317
  return 1 2>/dev/null || exit 1
fi

export BERTH_TEST_IMAGE BERTH_TEST_REGISTRY BERTH_USER_DOCKER_HOST DOCKER_HOST
if [ -z "${BERTH_TEST_DOCKER_HOST:-}" ]; then
  BERTH_TEST_ENGINE_PRIVATE=1
  export BERTH_TEST_ENGINE_PRIVATE
fi

# Run directly (not sourced): print what a caller would get.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  echo "export DOCKER_HOST=$DOCKER_HOST"
  echo "export BERTH_TEST_IMAGE=$BERTH_TEST_IMAGE"
  echo "export BERTH_TEST_REGISTRY=$BERTH_TEST_REGISTRY"
  if [ -n "${BERTH_TEST_ENGINE_PRIVATE:-}" ]; then echo "export BERTH_TEST_ENGINE_PRIVATE=1"; fi
fi
