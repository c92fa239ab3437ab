#!/usr/bin/env bash
# bench/static_assets.sh — what the console weighs and how fast its files are served, as a browser gets them.
#
#   bash bench/static_assets.sh [BASE_URL]        (default http://127.0.0.1:5000, e.g. after scripts/run.sh)
#
# Reads the page at / to find the asset names the server hands out (content-hashed in a release build), then:
#   - bytes over the wire for the wasm, JS and CSS with `Accept-Encoding: br, gzip`, `gzip` and none, and
#     the Content-Encoding and Cache-Control answered;
#   - requests/s with ApacheBench (`ab`, Debian's apache2-utils; keep-alive, 8 concurrent, 20,000 requests) for the
#     CSS file under /pkg (served ahead of the middleware) and for /favicon.ico (served by the console's
#     fallback, through the whole middleware stack, as /pkg was before).
# It measures and prints; it never fails on slowness.
set -euo pipefail

BASE=${1:-http://127.0.0.1:5000}
command -v ab >/dev/null || { echo "ab is missing: apt-get install apache2-utils" >&2; exit 1; }

page=$(curl -fsS "$BASE/login")
asset() { grep -oE "/pkg/[A-Za-z0-9_.-]+\\.$1" <<<"$page" | head -n1; }
wasm=$(grep -oE "/pkg/[A-Za-z0-9_.-]+\\.wasm" <<<"$page" | head -n1 || true)
js=$(asset js)
css=$(asset css)
# The wasm is named in the JS glue's preload link or derived from the JS name.
[ -n "$wasm" ] || wasm="${js%.js}.wasm"
[ -n "$wasm" ] && curl -fsS -o /dev/null "$BASE$wasm" || wasm=$(sed 's/\.js$/_bg.wasm/' <<<"$js")

printf '%-42s %-10s %12s  %-8s %s\n' file accept bytes encoding cache-control
for path in "$wasm" "$js" "$css"; do
  for accept in "br, gzip" "gzip" "identity"; do
    headers=$(curl -fsS -o /tmp/berth-bench-asset -D - -H "Accept-Encoding: $accept" "$BASE$path")
    bytes=$(stat -c %s /tmp/berth-bench-asset)
    encoding=$(grep -i '^content-encoding:' <<<"$headers" | awk '{print $2}' | tr -d '\r' || true)
    cache=$(grep -i '^cache-control:' <<<"$headers" | cut -d' ' -f2- | tr -d '\r' || true)
    printf '%-42s %-10s %12s  %-8s %s\n' "$path" "${accept%%,*}" "$bytes" "${encoding:-none}" "$cache"
  done
done
rm -f /tmp/berth-bench-asset

rate() {
  ab -q -k -c 8 -n 20000 -H 'Accept-Encoding: br, gzip' "$1" 2>/dev/null \
    | awk '/Requests per second/ {print $4}'
}
echo
echo "requests/s (ab -k -c 8 -n 20000):"
echo "  $css  $(rate "$BASE$css")"
echo "  /favicon.ico (console fallback)  $(rate "$BASE/favicon.ico")"
