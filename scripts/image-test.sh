#!/usr/bin/env bash
# scripts/image-test.sh — build Berth's runtime image with scripts/image.sh and check it from outside.
#
#   bash scripts/image-test.sh [--debug]      (scripts/test.sh runs it with --debug after the e2e step)
#
# Runs ONLY on the private test engine (source scripts/docker-env.sh first: BERTH_TEST_ENGINE_PRIVATE=1).
# It builds a uniquely named image, runs it as users would — the engine's socket mounted, --group-add of
# the socket's group, BERTH_ADMIN_PASSWORD, a port published on 127.0.0.1 — and checks:
#   the image runs as a non-root user; /health answers 200; the console's /login page is HTML and its
#   script is served; /api/containers is 401 without credentials and 200 with the admin's session, listing
#   the Berth container itself (the socket works); the HEALTHCHECK (berth health) reaches healthy; and,
#   started without the socket's group, Berth logs the --group-add that it needs.
# Then it removes the containers (with their volumes) and the images it made, and nothing else.
# Prints one line per check and a cargo-style "test result:" line (scripts/test.sh counts it).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

say() { printf '[image-test] %s\n' "$*" >&2; }
[ "${BERTH_TEST_ENGINE_PRIVATE:-}" = 1 ] \
  || { say "ERROR: runs only on the private test engine: source scripts/docker-env.sh first"; exit 1; }

started=$SECONDS
suffix="$(date +%s)-$$"
tag="berth-image-test:$suffix"
base_tag="berth-image-test-rootfs:$suffix"
name="berth-image-test-$suffix"
name_without_group="berth-image-test-nogroup-$suffix"
password="image-test-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
work=$(mktemp -d /tmp/berth-image-test.XXXXXX)

cleanup() {
  docker rm -f -v "$name" "$name_without_group" >/dev/null 2>&1 || true
  docker rmi "$tag" "$base_tag" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
# check NAME COMMAND...: one test line, cargo-style.
check() {
  local test_name=$1; shift
  local output rc=0
  output=$("$@" 2>&1) || rc=$?
  if [ "$rc" -eq 0 ]; then
    printf 'test image::%s ... ok\n' "$test_name"
    passed=$((passed + 1))
  else
    printf 'test image::%s ... FAILED\n%s\n' "$test_name" "$output"
    failed=$((failed + 1))
  fi
}
finish() {
  local status=ok
  [ "$failed" -eq 0 ] || status=FAILED
  printf '\ntest result: %s. %d passed; %d failed; 0 ignored; 0 measured; 0 filtered out; finished in %ds\n' \
    "$status" "$passed" "$failed" $((SECONDS - started))
  [ "$failed" -eq 0 ]
}

# The engine's socket, as the host sees it, and its group.
socket=${DOCKER_HOST#unix://}
[ -S "$socket" ] || { say "ERROR: DOCKER_HOST=$DOCKER_HOST is not a unix socket"; exit 1; }
socket_gid=$(stat -c %g "$socket")

# 1. Build.
build_start=$SECONDS
if ! bash scripts/image.sh "$@" --tag "$tag" >"$work/build.log" 2>&1; then
  cat "$work/build.log"
  check "the_image_builds_from_the_local_binary" false
  finish
  exit 1
fi
cat "$work/build.log" >&2
check "the_image_builds_from_the_local_binary" true
say "image built in $((SECONDS - build_start)) s"

# 2. Run it as the README says (a short health interval so that "healthy" comes within seconds).
docker run -d --name "$name" \
  -v "$socket:/var/run/docker.sock" \
  --group-add "$socket_gid" \
  -e BERTH_ADMIN_PASSWORD="$password" \
  -p 127.0.0.1::5000 \
  --health-interval 1s --health-start-period 0s \
  "$tag" >/dev/null
port=$(docker port "$name" 5000/tcp | head -n1 | sed 's/.*://')
url="http://127.0.0.1:$port"
say "running $name on $url"

# /health answers once Berth listens (≤ 30 s).
health_answers() {
  local i
  for i in $(seq 1 60); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url/health")" = 200 ] && return 0
    sleep 0.5
  done
  echo "no 200 from $url/health within 30 s; container log:"
  docker logs "$name" 2>&1 | tail -n 20
  return 1
}
check "health_answers_200_from_outside" health_answers

runs_as_non_root() {
  local user uid
  user=$(docker inspect --format '{{.Config.User}}' "$name")
  uid=$(docker top "$name" -o uid,pid | awk 'NR == 2 { print $1 }')
  echo "Config.User=$user, uid of its process=$uid"
  [ -n "$user" ] && [ "${user%%:*}" != root ] && [ "${user%%:*}" != 0 ] && [ -n "$uid" ] && [ "$uid" != 0 ]
}
check "the_container_runs_as_a_non_root_user" runs_as_non_root

login_page_is_html() {
  local code type script
  code=$(curl -s -o "$work/login.html" -w '%{http_code} %{content_type}' --max-time 10 "$url/login")
  echo "GET /login -> $code"
  type=${code#* }
  [ "${code%% *}" = 200 ] && [[ "$type" == text/html* ]] && grep -qi '<html' "$work/login.html" || return 1
  # Its script: the hashed name comes from hash.txt beside the binary, the file from the site.
  script=$(grep -o '/pkg/[^"]*\.js' "$work/login.html" | head -n1)
  echo "script: ${script:-none}"
  [ -n "$script" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$url$script")" = 200 ]
}
check "the_console_login_page_is_html_and_its_script_is_served" login_page_is_html

containers_need_credentials() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$url/api/containers")
  echo "GET /api/containers without credentials -> $code"
  [ "$code" = 401 ]
}
check "api_containers_without_credentials_is_401" containers_need_credentials

admin_session_lists_containers() {
  local code
  code=$(curl -s -o "$work/login.json" -w '%{http_code}' --max-time 20 -c "$work/cookies" \
    -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$password\"}" "$url/api/auth/login")
  echo "POST /api/auth/login as admin -> $code: $(head -c 300 "$work/login.json")"
  [ "$code" = 200 ] || return 1
  code=$(curl -s -o "$work/containers.json" -w '%{http_code}' --max-time 20 -b "$work/cookies" \
    "$url/api/containers?all=true")
  echo "GET /api/containers with the session -> $code"
  [ "$code" = 200 ] && grep -q "$name" "$work/containers.json"
}
check "the_admin_from_BERTH_ADMIN_PASSWORD_logs_in_and_lists_containers_through_the_socket" \
  admin_session_lists_containers

healthcheck_reaches_healthy() {
  local test status i
  test=$(docker inspect --format '{{json .Config.Healthcheck.Test}}' "$name")
  echo "HEALTHCHECK: $test"
  [[ "$test" == *'"/usr/local/bin/berth","health"'* ]] || return 1
  for i in $(seq 1 60); do
    status=$(docker inspect --format '{{.State.Health.Status}}' "$name")
    [ "$status" = healthy ] && return 0
    sleep 0.5
  done
  echo "health status after 30 s: $status"
  docker inspect --format '{{json .State.Health.Log}}' "$name"
  return 1
}
check "the_healthcheck_reaches_healthy" healthcheck_reaches_healthy

# 3. Without the socket's group: Berth still starts, and its log names the group to add.
docker run -d --name "$name_without_group" \
  -v "$socket:/var/run/docker.sock" \
  -e BERTH_ADMIN_PASSWORD="$password" \
  "$tag" >/dev/null
log_names_the_group() {
  local i
  for i in $(seq 1 40); do
    docker logs "$name_without_group" 2>&1 | grep -q -- "--group-add $socket_gid" && return 0
    sleep 0.5
  done
  echo "no '--group-add $socket_gid' in the log within 20 s:"
  docker logs "$name_without_group" 2>&1 | tail -n 20
  return 1
}
check "without_the_socket_group_the_log_names_the_group_to_add" log_names_the_group

say "image size: $(( $(docker image inspect --format '{{.Size}}' "$tag") / 1024 / 1024 )) MB"
finish
