// Playwright configuration for Berth's browser tests.
//
// The tests drive Debian's Chromium (never a Playwright browser download: there is no internet) against a
// Berth that is already running — `bash scripts/test.sh` starts one — and a real Docker engine.
//   BERTH_URL        where Berth answers (default http://127.0.0.1:3000)
//   CHROMIUM_PATH    the browser binary (default /usr/bin/chromium)
//   BERTH_TEST_IMAGE the image the tests create containers from (scripts/docker-env.sh builds it)
//   BERTH_BIN, BERTH_DOWN_PORT  daemon-down.spec.ts starts a Berth of its own (default ../target/debug/berth on
//                    port 3004) in front of a socket proxy it can close
import { defineConfig } from "@playwright/test";

const baseURL = process.env.BERTH_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  testDir: "./tests",
  // Waits until BERTH_URL/health answers (60 s) before any test runs.
  globalSetup: "./global-setup.ts",
  // The tests share one Docker engine and change its state: run them one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--headless",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
});
