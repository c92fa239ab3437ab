#!/usr/bin/env bash
# scripts/install-tools.sh — install what building and testing Berth needs, skipping what is present.
#
# Target: a fresh Debian 12 machine (root or passwordless sudo) with rustup (stable + nightly), node 20,
# npm and python3. Only crates.io, npm, PyPI and Debian's mirrors are reachable, so nothing here downloads
# release binaries from GitHub (see ../shared/TOOLCHAIN.md for the measured recipe).
#
#   apt      docker.io chromium busybox-static docker-registry jq brotli curl   (~1-2 min, once)
#   rustup   wasm32-unknown-unknown target                                        (seconds)
#   cargo    cargo-leptos 0.3.11 (built with nightly: it needs rustc >= 1.96)     (~15 min, once)
#   cargo    wasm-bindgen-cli, same version as wasm-bindgen in Cargo.lock         (~2 min, once)
#   npm      binaryen@123 into .tools/ for wasm-opt (never Debian's binaryen: its wasm-opt 108 writes
#            wasm that breaks hydration)                                          (seconds)
#   npm      end2end/ dependencies (@playwright/test; no browser download: Debian's chromium is used)
#   pip      schemathesis and openapi-spec-validator into .tools/venv (scripts/fuzz.sh)  (~1 min, once)
#   npm      scripts/vendor/ (xterm.js for the console's terminal), copied into public/vendor/ by scripts/vendor-assets.sh
#
# When everything is present it only checks, in well under 5 s.
#
# Modes:
#   (default) / --test   everything above: what the test command (scripts/test.sh) needs
#   --run                only what building and running Berth needs (scripts/run.sh): curl, the Rust tools
#                        and wasm-opt; docker.io (an engine to start) and busybox-static (an image to run)
#                        only when no Docker engine answers; no Chromium, registry, Playwright, Docker 26
set -euo pipefail

MODE=test
case "${1:-}" in
  ""|--test) ;;
  --run) MODE=run ;;
  -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "[install-tools] ERROR: unknown option '$1' (--test or --run)" >&2; exit 1 ;;
esac

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

CARGO_LEPTOS_VERSION=0.3.11
BINARYEN_VERSION=123
SCHEMATHESIS_VERSION=4.32.5
SPEC_VALIDATOR_VERSION=0.9.0
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly (cargo-leptos otherwise tries
# to download one from GitHub, which fails here with an empty "Error:").
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' \
  Cargo.lock 2>/dev/null || true)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}

export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '[install-tools] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"
  else die "need root (or passwordless sudo) to run: $*"
  fi
}

# ---------------------------------------------------------------------------------------------------
# 1. Debian packages. Checked by the command each one provides, so a docker engine installed another way
#    (e.g. docker-ce) is accepted as is.
# An engine answers on DOCKER_HOST, or on the default socket (run mode: then none has to be started).
engine_answers() {
  if command -v docker >/dev/null; then
    timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
  else
    local host=${DOCKER_HOST:-unix:///var/run/docker.sock}
    [[ "$host" == unix://* ]] && command -v curl >/dev/null \
      && curl -fsS -o /dev/null --max-time 5 --unix-socket "${host#unix://}" http://docker/_ping 2>/dev/null
  fi
}
busybox_static_missing() {
  ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed'
}

missing_pkgs=()
if [ "$MODE" = test ]; then
  wanted_pkgs=(docker.io chromium busybox-static docker-registry jq brotli curl python3-venv apache2-utils)
  command -v dockerd >/dev/null          || missing_pkgs+=(docker.io)
  # schemathesis' venv (python3 -m venv needs ensurepip, which Debian ships apart) and ab (bench/).
  python3 -c 'import ensurepip' 2>/dev/null || missing_pkgs+=(python3-venv)
  command -v ab >/dev/null               || missing_pkgs+=(apache2-utils)
  command -v chromium >/dev/null         || missing_pkgs+=(chromium)
  command -v docker-registry >/dev/null  || missing_pkgs+=(docker-registry)
  command -v jq >/dev/null               || missing_pkgs+=(jq)
  command -v brotli >/dev/null           || missing_pkgs+=(brotli)
  command -v curl >/dev/null             || missing_pkgs+=(curl)
  # The test image needs the *static* busybox (Debian's plain `busybox` package is dynamically linked).
  busybox_static_missing && missing_pkgs+=(busybox-static)
else
  command -v curl >/dev/null             || missing_pkgs+=(curl)
  if ! engine_answers; then
    command -v dockerd >/dev/null        || missing_pkgs+=(docker.io)
    busybox_static_missing && missing_pkgs+=(busybox-static)
  fi
  wanted_pkgs=("${missing_pkgs[@]}")
fi
if [ "${#missing_pkgs[@]}" -gt 0 ]; then
  say "apt: installing ${missing_pkgs[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${wanted_pkgs[@]}"
else
  say "apt packages: present"
fi

# ---------------------------------------------------------------------------------------------------
# 1b. The second test engine: Debian 13's Docker 26.1 (API 1.45), unpacked (not installed) under
#     /var/tmp/berth-docker26 from Debian's own mirror, without touching the system's apt sources: the API
#     tests run on it too (scripts/docker-env.sh with BERTH_TEST_ENGINE_VERSION=26). ~56 MB, seconds.
#     Test mode only.
docker26_root="${BERTH_DOCKER26_ROOT:-/var/tmp/berth-docker26}"
if [ "$MODE" = run ]; then
  :
elif [ -x "$docker26_root/usr/sbin/dockerd" ] && [ -x "$docker26_root/usr/bin/containerd" ]; then
  say "Docker 26 (second test engine): present in $docker26_root"
else
  say "apt: fetching Debian 13's docker.io and containerd into $docker26_root (the second test engine)"
  apt_dir=$(mktemp -d /tmp/berth-apt26.XXXXXX)
  mirror=$(grep -hoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
    | head -n1 | tr -d ' ' || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror%/} trixie main" >"$apt_dir/sources.list"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs"
  apt_opts=(-q -o Dir::Etc::sourcelist="$apt_dir/sources.list" -o Dir::Etc::sourceparts=/dev/null
    -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache" -o APT::Sandbox::User=root)
  as_root apt-get "${apt_opts[@]}" update >/dev/null
  (cd "$apt_dir/debs" && as_root apt-get "${apt_opts[@]}" download docker.io containerd >/dev/null)
  as_root mkdir -p "$docker26_root"
  for deb in "$apt_dir"/debs/*.deb; do as_root dpkg-deb -x "$deb" "$docker26_root"; done
  as_root rm -rf "$apt_dir"
  [ -x "$docker26_root/usr/sbin/dockerd" ] || die "Debian 13's dockerd is missing after unpacking into $docker26_root"
  say "Docker $("$docker26_root/usr/sbin/dockerd" --version | awk '{print $3}' | tr -d ,) unpacked into $docker26_root"
fi

# ---------------------------------------------------------------------------------------------------
# 2. Rust: the wasm target, cargo-leptos, wasm-bindgen-cli.
command -v rustup >/dev/null || die "rustup is missing (install Rust with rustup first)"
command -v cargo >/dev/null || die "cargo is missing (install Rust with rustup first)"

# `rustup target list` runs in $REPO, so it applies to the project's toolchain (rust-toolchain.toml if any).
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rust target wasm32-unknown-unknown: present"
else
  say "rustup: adding target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if command -v cargo-leptos >/dev/null; then
  have=$(cargo-leptos --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$CARGO_LEPTOS_VERSION" ]; then
    say "warning: cargo-leptos $have is installed; Berth is tested with $CARGO_LEPTOS_VERSION"
  else
    say "cargo-leptos $have: present"
  fi
else
  # Built with nightly: a dependency of 0.3.11 needs rustc 1.96, newer than stable 1.95.
  rustup toolchain list | grep -q '^nightly' || die "cargo-leptos needs the nightly toolchain (rustup toolchain install nightly)"
  say "cargo: installing cargo-leptos $CARGO_LEPTOS_VERSION with nightly (takes ~15 min on 2 cores)"
  cargo +nightly install --locked cargo-leptos --version "$CARGO_LEPTOS_VERSION"
fi

have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" = "$WASM_BINDGEN_VERSION" ]; then
  say "wasm-bindgen-cli $have: present"
else
  say "cargo: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (found: ${have:-none}; takes ~2 min)"
  # No --locked: its lock file pins a crate version that crates.io no longer serves.
  cargo install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# ---------------------------------------------------------------------------------------------------
# 3. npm: wasm-opt (binaryen) into .tools/, Playwright into end2end/.
command -v npm >/dev/null || die "npm is missing (install node 20 first)"

tools_bin="$REPO/.tools/node_modules/.bin"
have=$(node -p "require('$REPO/.tools/node_modules/binaryen/package.json').version" 2>/dev/null || true)
if [ -x "$tools_bin/wasm-opt" ] && [ "${have%%.*}" = "$BINARYEN_VERSION" ]; then
  say "binaryen $have (wasm-opt): present in .tools/"
else
  say "npm: installing binaryen@$BINARYEN_VERSION into .tools/"
  mkdir -p "$REPO/.tools"
  npm install --prefix "$REPO/.tools" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION"
fi

if [ "$MODE" = test ] && [ -f end2end/package.json ]; then
  # npm writes node_modules/.package-lock.json on every install: when it is newer than the manifests,
  # the tree is current and the (slow) reinstall is skipped.
  marker=end2end/node_modules/.package-lock.json
  if [ -f "$marker" ] && [ ! end2end/package.json -nt "$marker" ] \
     && { [ ! -f end2end/package-lock.json ] || [ ! end2end/package-lock.json -nt "$marker" ]; }; then
    say "end2end node modules: present"
  elif [ -f end2end/package-lock.json ]; then
    say "npm: npm ci in end2end/"
    (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
  else
    say "npm: npm install in end2end/"
    (cd end2end && npm install --no-audit --no-fund --loglevel=error)
  fi
fi

# The console's browser libraries (xterm.js for the terminal) from npm into public/vendor/.
bash "$REPO/scripts/vendor-assets.sh"

# ---------------------------------------------------------------------------------------------------
# 4. PyPI: schemathesis (API fuzzing, scripts/fuzz.sh) and openapi-spec-validator, in a venv under .tools/.
#    Test mode only.
command -v python3 >/dev/null || die "python3 is missing"
venv="$REPO/.tools/venv"
have=$("$venv/bin/schemathesis" --version 2>/dev/null | awk '{print $NF}' || true)
if [ "$MODE" = run ]; then
  :
elif [ "$have" = "$SCHEMATHESIS_VERSION" ] && [ -x "$venv/bin/openapi-spec-validator" ]; then
  say "schemathesis $have: present in .tools/venv"
else
  say "pip: installing schemathesis $SCHEMATHESIS_VERSION and openapi-spec-validator into .tools/venv"
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv" \
    || die "python3 -m venv failed (apt-get install python3-venv)"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION" "openapi-spec-validator==$SPEC_VALIDATOR_VERSION"
fi

# ---------------------------------------------------------------------------------------------------
case ":$PATH:" in
  *":$tools_bin:"*) ;;
  *) say "for release builds put wasm-opt first on PATH:  export PATH=\"$tools_bin:\$HOME/.cargo/bin:\$PATH\"" ;;
esac
say "done"
