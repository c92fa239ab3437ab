#!/usr/bin/env python3
"""Benchmarks of Berth's live routes (issue 7). Run one part or all:

  events  docker CLI change -> message on GET /api/events: p50/p99 over --rounds pause/unpause
          actions (measured from just before the `docker` command starts, and from the daemon's own
          event time to arrival)
  grep    a container with a ~50 MB log; GET /api/containers/{id}/logs?grep=... (the needle is the first
          line) vs `docker logs X | grep needle`: time, and Berth's RSS (baseline and peak, sampled every
          5 ms) vs the pipeline's peak RSS
  stats   --containers running containers; GET /api/stats (the first request, then every 0.5 s while
          the fleet watch is open) vs `docker stats --no-stream`
  leak    opens --streams log-follow/stats/event streams, drops them, and checks Berth's open sockets and
          RSS return to their baseline

Everything it creates carries the label berth.bench=<run id> and is removed at the end (also on errors).
Python 3 standard library only; it measures, it never fails on slowness.

Examples:
  python3 bench/live_streams.py --pid $(pgrep -x berth)                 # Berth on http://127.0.0.1:5000
  python3 bench/live_streams.py --berth http://127.0.0.1:3000 --pid 1234 events stats
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

IMAGE = os.environ.get("BERTH_TEST_IMAGE", "berth-test/busybox:latest")


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def docker(*args: str, check: bool = True) -> str:
    result = subprocess.run(["docker", *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout.strip()


class Berth:
    def __init__(self, base: str, pid: int | None) -> None:
        url = urllib.parse.urlparse(base)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.pid = pid

    def get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=600)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def open_stream(self, path: str) -> socket.socket:
        """Sends a GET and returns the socket once the answer's headers are in."""
        sock = socket.create_connection((self.host, self.port), timeout=30)
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\nAccept: text/event-stream\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                raise RuntimeError(f"{path}: connection closed")
            head += chunk
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"{path}: {head[:200]!r}")
        return sock

    def rss_kb(self) -> int | None:
        if self.pid is None:
            return None
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return None

    def sockets(self) -> int | None:
        if self.pid is None:
            return None
        count = 0
        for fd in os.listdir(f"/proc/{self.pid}/fd"):
            try:
                if os.readlink(f"/proc/{self.pid}/fd/{fd}").startswith("socket:"):
                    count += 1
            except OSError:
                pass
        return count


class SseReader(threading.Thread):
    """Reads `data:` lines of an SSE socket, recording (arrival time, parsed JSON)."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__(daemon=True)
        self.sock = sock
        self.messages: list[tuple[float, dict]] = []
        self.cond = threading.Condition()

    def run(self) -> None:
        buffer = b""
        self.sock.settimeout(None)
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            now = time.time()
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if line.startswith(b"data: {"):
                    with self.cond:
                        self.messages.append((now, json.loads(line[6:])))
                        self.cond.notify_all()

    def wait_for(self, predicate, timeout: float = 10.0) -> tuple[float, dict]:
        deadline = time.time() + timeout
        with self.cond:
            while True:
                for index, (arrived, message) in enumerate(self.messages):
                    if predicate(message):
                        del self.messages[: index + 1]
                        return arrived, message
                remaining = deadline - time.time()
                if remaining <= 0:
                    raise TimeoutError("no matching event")
                self.cond.wait(remaining)


def bench_events(berth: Berth, run: str, rounds: int) -> dict:
    name = f"bench-events-{run}"
    docker("run", "-d", "--name", name, "--label", f"berth.bench={run}", IMAGE)
    sock = berth.open_stream(f"/api/events?container={name}&event=pause,unpause")
    reader = SseReader(sock)
    reader.start()
    from_command, from_daemon = [], []
    try:
        for index in range(rounds):
            action = "pause" if index % 2 == 0 else "unpause"
            started = time.time()
            docker(action, name)
            arrived, event = reader.wait_for(lambda m, a=action: m.get("action") == a)
            from_command.append((arrived - started) * 1000)
            from_daemon.append((arrived - event["time_nano"] / 1e9) * 1000)
    finally:
        sock.close()
        docker("rm", "-f", name, check=False)
    return {
        "rounds": rounds,
        "cli_to_sse_ms": {"p50": percentile(from_command, 50), "p99": percentile(from_command, 99)},
        "daemon_event_to_sse_ms": {"p50": percentile(from_daemon, 50), "p99": percentile(from_daemon, 99)},
    }


class RssSampler(threading.Thread):
    def __init__(self, berth: Berth) -> None:
        super().__init__(daemon=True)
        self.berth, self.peak, self.running = berth, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.berth.rss_kb() or 0)
            time.sleep(0.005)


def bench_grep(berth: Berth, run: str, megabytes: int) -> dict:
    name = f"bench-grep-{run}"
    line = "x" * 90 + " filler log line"
    script = f"echo needle-first-line; yes '{line}' | head -c {megabytes * 1_000_000}; echo last-line"
    docker("run", "-d", "--name", name, "--label", f"berth.bench={run}", IMAGE, "sh", "-c", script)
    try:
        docker("wait", name)
        baseline = berth.rss_kb()
        sampler = RssSampler(berth)
        sampler.start()
        started = time.time()
        status, body = berth.get(f"/api/containers/{name}/logs?grep=needle-first-line&tail=all")
        berth_seconds = time.time() - started
        sampler.running = False
        sampler.join()
        found = json.loads(body)["logs"]["logs"] if status == 200 else body[:200]
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.time()
        pipeline = subprocess.run(
            f"docker logs {name} 2>&1 | grep needle-first-line", shell=True, capture_output=True, text=True
        )
        cli_seconds = time.time() - started
        cli_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return {
            "log_mb": megabytes,
            "berth_seconds": round(berth_seconds, 3),
            "berth_found": found,
            "berth_rss_baseline_kb": baseline,
            "berth_rss_peak_kb": sampler.peak or None,
            "berth_rss_growth_kb": (sampler.peak - baseline) if baseline else None,
            "cli_seconds": round(cli_seconds, 3),
            "cli_found": pipeline.stdout,
            "cli_peak_rss_kb": max(cli_peak, before),
        }
    finally:
        docker("rm", "-f", name, check=False)


def bench_stats(berth: Berth, run: str, containers: int, rounds: int) -> dict:
    names = [f"bench-stats-{run}-{i}" for i in range(containers)]
    try:
        for name in names:
            docker("run", "-d", "--name", name, "--label", f"berth.bench={run}", IMAGE)
        # Cold: the first request for these containers (the fleet watch holds no sample of them yet).
        started = time.time()
        berth.get("/api/stats")
        cold = time.time() - started
        # Warm: requests a dashboard would make, every 0.5 s, answered from the open stats streams.
        time.sleep(1.5)
        berth_times, counts = [], []
        for _ in range(rounds):
            started = time.time()
            status, body = berth.get("/api/stats")
            berth_times.append(time.time() - started)
            counts.append(json.loads(body)["count"] if status == 200 else -1)
            time.sleep(0.5)
        cli_times = []
        for _ in range(max(1, rounds // 2)):
            started = time.time()
            docker("stats", "--no-stream")
            cli_times.append(time.time() - started)
        berth_median, cli_median = statistics.median(berth_times), statistics.median(cli_times)
        return {
            "running_containers": containers,
            "berth_count": counts[-1],
            "berth_cold_seconds": round(cold, 3),
            "berth_warm_median_seconds": round(berth_median, 3),
            "berth_warm_p99_seconds": round(percentile(berth_times, 99), 3),
            "docker_stats_no_stream_median_seconds": round(cli_median, 3),
            "speedup_cold": round(cli_median / cold, 1),
            "speedup_warm": round(cli_median / berth_median, 1),
        }
    finally:
        for name in names:
            docker("rm", "-f", name, check=False)


def bench_leak(berth: Berth, run: str, streams: int) -> dict:
    name = f"bench-leak-{run}"
    docker("run", "-d", "--name", name, "--label", f"berth.bench={run}", IMAGE)
    try:
        time.sleep(0.5)
        base_sockets, base_rss = berth.sockets(), berth.rss_kb()
        paths = [f"/api/containers/{name}/logs?follow=true", f"/api/containers/{name}/stats?stream=true", "/api/events"]
        opened = [berth.open_stream(paths[i % 3]) for i in range(streams)]
        time.sleep(2)
        open_sockets, open_rss = berth.sockets(), berth.rss_kb()
        for sock in opened:
            sock.close()
        deadline = time.time() + 30
        after_sockets = berth.sockets()
        while after_sockets is not None and after_sockets > base_sockets and time.time() < deadline:
            time.sleep(0.2)
            after_sockets = berth.sockets()
        settled = time.time()
        time.sleep(1)
        return {
            "streams": streams,
            "sockets": {"baseline": base_sockets, "open": open_sockets, "after": after_sockets},
            "rss_kb": {"baseline": base_rss, "open": open_rss, "after": berth.rss_kb()},
            "seconds_to_release": round(settled - (deadline - 30), 2),
        }
    finally:
        docker("rm", "-f", name, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("parts", nargs="*", default=["events", "grep", "stats", "leak"])
    parser.add_argument("--berth", default="http://127.0.0.1:5000")
    parser.add_argument("--pid", type=int, help="Berth's process id (for RSS and socket counts)")
    parser.add_argument("--rounds", type=int, default=100, help="event rounds (default 100)")
    parser.add_argument("--log-mb", type=int, default=50, help="log size for grep (default 50)")
    parser.add_argument("--containers", type=int, default=50, help="running containers for stats (default 50)")
    parser.add_argument("--stats-rounds", type=int, default=6)
    parser.add_argument("--streams", type=int, default=200, help="streams for the leak check (default 200)")
    args = parser.parse_args()
    berth = Berth(args.berth, args.pid)
    run = uuid.uuid4().hex[:8]
    results = {}
    try:
        for part in args.parts:
            if part == "events":
                results[part] = bench_events(berth, run, args.rounds)
            elif part == "grep":
                results[part] = bench_grep(berth, run, args.log_mb)
            elif part == "stats":
                results[part] = bench_stats(berth, run, args.containers, args.stats_rounds)
            elif part == "leak":
                results[part] = bench_leak(berth, run, args.streams)
            else:
                print(f"unknown part {part}", file=sys.stderr)
                return 2
            print(json.dumps({part: results[part]}, indent=2), flush=True)
    finally:
        leftovers = docker("ps", "-aq", "--filter", f"label=berth.bench={run}", check=False).split()
        if leftovers:
            docker("rm", "-f", *leftovers, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
