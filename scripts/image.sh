#!/usr/bin/env bash
# scripts/image.sh — build Berth's runtime image from a binary built on this machine, without a registry.
#
#   bash scripts/image.sh [--debug | --binary PATH] [--site DIR] [--tag NAME] [--no-strip]
#
# ./Dockerfile builds Berth inside rust:1-bookworm and runs it on debian:bookworm-slim, which needs a
# registry. This script makes the same runtime image from what is here instead:
#   1. a root filesystem: the binary at /usr/local/bin/berth (debug symbols stripped from the copy), the
#      hash.txt beside it (leptos reads the assets' hashes from the executable's directory), the site at
#      /app/site, every shared library `ldd` lists plus the dynamic loader, /etc/passwd and /etc/group with
#      the user `berth` (uid/gid 10001), /tmp, /data (owned by berth), the CA bundle when the host has one;
#   2. `docker import` of it as the base image NAME-rootfs (e.g. berth-rootfs:local);
#   3. `docker build` of Dockerfile.local FROM that base: user, port, volume, HEALTHCHECK, command.
# All on the engine DOCKER_HOST names (default: the default socket).
#
# Options:
#   --debug        use the debug build (target/debug/berth) instead of target/release/berth
#   --binary PATH  use this binary (hash.txt is looked for beside it)
#   --site DIR     the compiled site (default: target/site, as `cargo leptos build` writes it)
#   --tag NAME     the image's name (default: berth:local)
#   --no-strip     copy the binary as it is
# The cargo target directory is $CARGO_TARGET_DIR, else target/. Prints the image id on its last line.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target_dir="${CARGO_TARGET_DIR:-$REPO/target}"
profile=release
binary=
site="$REPO/target/site"
tag=berth:local
strip_binary=1

say() { printf '[image] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --debug) profile=debug ;;
    --binary) [ $# -ge 2 ] || die "--binary needs a path"; binary=$2; shift ;;
    --site) [ $# -ge 2 ] || die "--site needs a directory"; site=$2; shift ;;
    --tag) [ $# -ge 2 ] || die "--tag needs a name"; tag=$2; shift ;;
    --no-strip) strip_binary=0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done
binary=${binary:-$target_dir/$profile/berth}

# The base image's name: NAME-rootfs with the same tag (berth:local -> berth-rootfs:local).
last=${tag##*/}
if [[ "$last" == *:* ]]; then
  base_tag="${tag%:*}-rootfs:${tag##*:}"
else
  base_tag="$tag-rootfs:latest"
fi

command -v docker >/dev/null || die "the docker CLI is missing"
command -v ldd >/dev/null || die "ldd is missing (package libc-bin)"
build_command="cargo leptos build"
[ "$profile" = release ] && build_command="cargo leptos build --release --precompress"
[ -x "$binary" ] || die "no binary at $binary (build it first: $build_command)"
[ -d "$site/pkg" ] || die "no site at $site (expected $site/pkg; build it with cargo leptos build)"
hash_file="$(dirname "$binary")/hash.txt"
if [ ! -f "$hash_file" ] && ! ls "$site"/pkg/berth.js >/dev/null 2>&1; then
  die "$hash_file is missing and the site's files have hashed names (build with: $build_command)"
fi
timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
  || die "no Docker engine answers at ${DOCKER_HOST:-unix:///var/run/docker.sock}"

work=$(mktemp -d /tmp/berth-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{usr/local/bin,app,etc,tmp} "$work/owned/data"
chmod 1777 "$rootfs/tmp"

# 1. The binary, hash.txt beside it, the site.
if [ "$strip_binary" = 1 ] && command -v strip >/dev/null; then
  strip --strip-debug -o "$rootfs/usr/local/bin/berth" "$binary"
else
  cp "$binary" "$rootfs/usr/local/bin/berth"
fi
chmod 755 "$rootfs/usr/local/bin/berth"
if [ -f "$hash_file" ]; then cp "$hash_file" "$rootfs/usr/local/bin/hash.txt"; fi
cp -r "$site" "$rootfs/app/site"

# The shared libraries and the loader, each at the path ldd resolved it to (the loader's default search
# path). A static binary lists none.
ldd_out=$(ldd "$binary" 2>&1 || true)
libraries=$(printf '%s\n' "$ldd_out" | awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]+ \(0x/ { print $1 }' | sort -u)
if [ -z "$libraries" ] && ! printf '%s\n' "$ldd_out" | grep -Eq 'not a dynamic executable|statically linked'; then
  die "ldd lists no libraries for $binary: $ldd_out"
fi
for library in $libraries; do
  mkdir -p "$rootfs$(dirname "$library")"
  cp -L "$library" "$rootfs$library"
done

# Users, name resolution, CA bundle.
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nberth:x:10001:10001:Berth:/data:/usr/sbin/nologin\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nberth:x:10001:\n' >"$rootfs/etc/group"
printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$rootfs/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
fi

# 2. One tar: everything owned by root, then /data owned by berth (appended), imported as the base.
tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -cf "$work/rootfs.tar" .
tar -C "$work/owned" --numeric-owner --owner=10001 --group=10001 -rf "$work/rootfs.tar" ./data
say "importing the root filesystem ($(du -sh "$work/rootfs.tar" | cut -f1)) as $base_tag"
docker import "$work/rootfs.tar" "$base_tag" >/dev/null

# 3. The runtime image: Dockerfile.local FROM that base, from a context holding only that file. The
# classic builder: it needs no buildx plugin and works with Docker 20.10.
mkdir "$work/context"
cp "$REPO/Dockerfile.local" "$work/context/Dockerfile"
say "building $tag from $base_tag (Dockerfile.local) on ${DOCKER_HOST:-unix:///var/run/docker.sock}"
DOCKER_BUILDKIT=0 docker build -q --build-arg "BASE=$base_tag" -t "$tag" "$work/context" >/dev/null
image_id=$(docker image inspect --format '{{.Id}}' "$tag")
size=$(docker image inspect --format '{{.Size}}' "$tag")
say "built $tag ($((size / 1024 / 1024)) MB, from $binary)"
echo "$image_id"
