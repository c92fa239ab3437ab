// The docker CLI for the specs: it talks to the same engine as the Berth under test (DOCKER_HOST, set by
// scripts/test.sh to the private test engine), with the local test image.
import { execFileSync } from "node:child_process";

/// The local test image (made by scripts/docker-env.sh).
export const IMAGE = process.env.BERTH_TEST_IMAGE ?? "berth-test/busybox:latest";

/// Runs `docker ARGS...` and returns its trimmed standard output; throws when it fails.
export function docker(...args: string[]): string {
  return execFileSync("docker", args, { encoding: "utf8", env: process.env }).trim();
}

/// Runs `docker ARGS...` with `input` on its standard input (e.g. a Dockerfile for `docker build -`), with the
/// classic builder, and returns its trimmed standard output; throws when it fails.
export function dockerWithInput(input: string, ...args: string[]): string {
  return execFileSync("docker", args, {
    encoding: "utf8",
    input,
    env: { ...process.env, DOCKER_BUILDKIT: "0" },
  }).trim();
}

/// The local registry of the test engine (scripts/docker-env.sh starts it).
export const REGISTRY = process.env.BERTH_TEST_REGISTRY ?? "127.0.0.1:5055";

/// Runs each `docker ARGS...` of `commands`, ignoring those that fail (cleanup: the object is already gone).
export function dockerEach(commands: string[][]): void {
  for (const args of commands) {
    try {
      docker(...args);
    } catch {
      // already gone
    }
  }
}
