#!/usr/bin/env python3
"""Benchmark: list N containers through Berth vs. straight from the Docker daemon.

Creates --count containers (default 1000, state "created", never started) from the test image, each
labelled berth.bench=<run id>, then runs --rounds rounds (default 30). Each round times, back to back:

  * Berth:  GET <berth>/api/containers?all=true        (HTTP over TCP)
  * daemon: GET /containers/json?all=1                 (HTTP over the daemon's unix socket)

reading the whole body each time (a new connection per request for both; JSON parsing is not timed).
Prints the median, p90, min and mean of both, and the ratio berth/daemon of the medians. The containers
it made are removed at the end, also on failure or Ctrl-C.

Python 3 standard library only. Not a test: it never fails on slowness, only on errors.

Examples:
  python3 bench/list_containers.py                              # Berth on http://127.0.0.1:5000
  python3 bench/list_containers.py --berth http://127.0.0.1:3000 --count 200 --rounds 10
  python3 bench/list_containers.py --daemon-only                # only the daemon side
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import socket
import statistics
import sys
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client over a unix socket (the Docker daemon's API)."""

    def __init__(self, socket_path: str, timeout: float = 60.0) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = socket_path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


def docker_socket_path() -> str:
    """The daemon's socket: DOCKER_HOST=unix://PATH, or the default /var/run/docker.sock."""
    host = os.environ.get("DOCKER_HOST", "")
    if not host:
        return "/var/run/docker.sock"
    if host.startswith("unix://"):
        return host[len("unix://"):]
    sys.exit(f"DOCKER_HOST={host}: only unix:// sockets are supported by this benchmark")


class Docker:
    """The few Docker API calls the benchmark needs."""

    def __init__(self, socket_path: str) -> None:
        self.socket_path = socket_path

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        conn = UnixHTTPConnection(self.socket_path)
        try:
            headers = {"Connection": "close"}
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def check(self, method: str, path: str, body: Any = None, ok: tuple[int, ...] = (200,)) -> bytes:
        status, data = self.request(method, path, body)
        if status not in ok:
            raise RuntimeError(f"{method} {path}: HTTP {status}: {data[:300].decode(errors='replace')}")
        return data

    def create(self, image: str, name: str, labels: dict[str, str]) -> str:
        data = self.check(
            "POST",
            "/containers/create?name=" + urllib.parse.quote(name),
            {"Image": image, "Labels": labels},
            ok=(201,),
        )
        return json.loads(data)["Id"]

    def remove(self, container_id: str) -> None:
        # 404: already gone, which is what we want.
        self.check("DELETE", f"/containers/{container_id}?force=1&v=1", ok=(204, 404))

    def ids_with_label(self, label: str) -> list[str]:
        filters = urllib.parse.quote(json.dumps({"label": [label]}))
        data = self.check("GET", f"/containers/json?all=1&filters={filters}")
        return [c["Id"] for c in json.loads(data)]


def timed_get_unix(socket_path: str, path: str) -> tuple[float, bytes]:
    """One GET over the daemon socket: seconds from connect to the last body byte, and the body."""
    start = time.perf_counter()
    conn = UnixHTTPConnection(socket_path)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        resp = conn.getresponse()
        body = resp.read()
    finally:
        conn.close()
    elapsed = time.perf_counter() - start
    if resp.status != 200:
        raise RuntimeError(f"daemon GET {path}: HTTP {resp.status}: {body[:300]!r}")
    return elapsed, body


def timed_get_http(url: str) -> tuple[float, bytes]:
    """One GET over TCP: seconds from connect to the last body byte, and the body."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + ("?" + parts.query if parts.query else "")
    start = time.perf_counter()
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=60)
    try:
        conn.request("GET", path, headers={"Connection": "close", "Accept": "application/json"})
        resp = conn.getresponse()
        body = resp.read()
    finally:
        conn.close()
    elapsed = time.perf_counter() - start
    if resp.status != 200:
        raise RuntimeError(f"Berth GET {url}: HTTP {resp.status}: {body[:300]!r}")
    return elapsed, body


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def describe(samples: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples]
    return {
        "median_ms": statistics.median(ms),
        "p90_ms": percentile(ms, 90),
        "min_ms": min(ms),
        "mean_ms": statistics.fmean(ms),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
    )
    parser.add_argument("--count", type=int, default=1000, help="containers to create (default 1000)")
    parser.add_argument("--rounds", type=int, default=30, help="timed rounds (default 30)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first (default 2)")
    parser.add_argument(
        "--berth",
        default="http://127.0.0.1:5000",
        help="Berth's base URL (default http://127.0.0.1:5000); /api/containers?all=true is appended",
    )
    parser.add_argument("--daemon-only", action="store_true", help="time only the daemon, not Berth")
    parser.add_argument(
        "--image",
        default=os.environ.get("BERTH_TEST_IMAGE", "berth-test/busybox:latest"),
        help="image to create the containers from (default $BERTH_TEST_IMAGE or berth-test/busybox:latest)",
    )
    parser.add_argument("--threads", type=int, default=8, help="parallel creates/removes (default 8)")
    parser.add_argument("--json", action="store_true", help="also print the results as one JSON line")
    args = parser.parse_args()
    if args.count < 0 or args.rounds < 1 or args.warmup < 0 or args.threads < 1:
        parser.error("--count >= 0, --rounds >= 1, --warmup >= 0, --threads >= 1")

    docker = Docker(docker_socket_path())
    berth_url = args.berth.rstrip("/") + "/api/containers?all=true"
    daemon_path = "/containers/json?all=1"
    run_id = uuid.uuid4().hex[:12]
    label = f"berth.bench={run_id}"

    # Fail early, before creating anything: daemon, image and Berth must answer.
    try:
        docker.check("GET", "/_ping")
    except OSError as err:
        sys.exit(f"cannot reach the Docker daemon at {docker.socket_path}: {err}")
    status, _ = docker.request("GET", f"/images/{urllib.parse.quote(args.image, safe='/:')}/json")
    if status != 200:
        sys.exit(f"image {args.image} not found: run `. scripts/docker-env.sh` first")
    if not args.daemon_only:
        try:
            timed_get_http(berth_url)
        except (OSError, RuntimeError) as err:
            sys.exit(f"Berth does not answer {berth_url}: {err}\n(start it, set --berth, or use --daemon-only)")

    created: list[str] = []
    try:
        start = time.perf_counter()
        print(f"creating {args.count} containers from {args.image} with label {label} ...", flush=True)
        names = [f"berth-bench-{run_id}-{i:05d}" for i in range(args.count)]
        pool = ThreadPoolExecutor(max_workers=args.threads)
        try:
            for cid in pool.map(lambda n: docker.create(args.image, n, {"berth.bench": run_id}), names):
                created.append(cid)
        finally:
            # On an error or Ctrl-C, drop the queued creates instead of waiting for them.
            pool.shutdown(wait=True, cancel_futures=True)
        print(f"created {len(created)} in {time.perf_counter() - start:.1f} s", flush=True)

        # Untimed sanity check: both sides list (at least) our containers.
        counts: dict[str, int] = {}
        sizes: dict[str, int] = {}
        _, body = timed_get_unix(docker.socket_path, daemon_path)
        counts["daemon"], sizes["daemon"] = len(json.loads(body)), len(body)
        if not args.daemon_only:
            _, body = timed_get_http(berth_url)
            counts["berth"], sizes["berth"] = json.loads(body)["count"], len(body)

        berth_samples: list[float] = []
        daemon_samples: list[float] = []
        for round_no in range(args.warmup + args.rounds):
            # Interleaved, alternating which side goes first, so drift (caches, other load) hits both.
            order = ["daemon", "berth"] if round_no % 2 == 0 else ["berth", "daemon"]
            for side in order:
                if side == "berth" and args.daemon_only:
                    continue
                if side == "berth":
                    elapsed, _ = timed_get_http(berth_url)
                else:
                    elapsed, _ = timed_get_unix(docker.socket_path, daemon_path)
                if round_no >= args.warmup:
                    (berth_samples if side == "berth" else daemon_samples).append(elapsed)

        total = counts.get("daemon")
        print(f"\ncontainers listed: daemon {total}" + ("" if args.daemon_only else f", Berth {counts.get('berth')}"))
        if total is not None and total < args.count:
            print(f"warning: the daemon lists {total} containers, fewer than the {args.count} created")
        if not args.daemon_only and counts.get("berth") != total:
            print("warning: Berth and the daemon list different numbers of containers")
        print(f"body sizes: daemon {sizes.get('daemon', 0):,} B"
              + ("" if args.daemon_only else f", Berth {sizes.get('berth', 0):,} B"))

        results: dict[str, Any] = {
            "count": args.count,
            "listed": total,
            "rounds": args.rounds,
            "daemon": describe(daemon_samples),
        }
        rows = [("daemon  GET /containers/json?all=1", results["daemon"])]
        if not args.daemon_only:
            results["berth"] = describe(berth_samples)
            results["ratio_median"] = results["berth"]["median_ms"] / results["daemon"]["median_ms"]
            rows.insert(0, (f"Berth   GET {berth_url}", results["berth"]))

        print(f"\n{args.rounds} rounds, {args.count} containers:")
        print(f"  {'':58} {'median':>9} {'p90':>9} {'min':>9} {'mean':>9}")
        for title, stats in rows:
            print(f"  {title:58} "
                  + " ".join(f"{stats[k]:7.1f}ms" for k in ("median_ms", "p90_ms", "min_ms", "mean_ms")))
        if not args.daemon_only:
            print(f"\nratio berth/daemon (medians): {results['ratio_median']:.2f}")
        if args.json:
            print(json.dumps(results))
        return 0
    finally:
        # Remove what we created, plus anything with our label (e.g. a create that failed half-way).
        try:
            leftovers = set(created) | set(docker.ids_with_label(label))
        except (OSError, RuntimeError):
            leftovers = set(created)
        if leftovers:
            start = time.perf_counter()
            print(f"\nremoving {len(leftovers)} containers ...", flush=True)
            with ThreadPoolExecutor(max_workers=args.threads) as pool:
                list(pool.map(docker.remove, leftovers))
            print(f"removed in {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
