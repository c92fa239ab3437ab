// The Docker engine goes away and comes back: the console shows "Docker engine unreachable" (role="alert")
// without crashing, and clears it by itself when the engine answers again.
//
// The spec starts a Berth of its own (BERTH_BIN, default ../target/debug/berth, on BERTH_DOWN_PORT, default
// 3004) whose engine is a small socket proxy run here, in front of the test engine (DOCKER_HOST): closing the
// proxy is the engine going away for that Berth only; the other specs' Berth and engine are untouched.
import { test, expect } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const ENGINE = (process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock").replace(/^unix:\/\//, "");
const BIN = process.env.BERTH_BIN ?? path.resolve(__dirname, "../../target/debug/berth");
const SITE = process.env.LEPTOS_SITE_ROOT ?? path.resolve(__dirname, "../../target/site");
const PORT = process.env.BERTH_DOWN_PORT ?? "3004";
const URL = `http://127.0.0.1:${PORT}`;

/** A unix-socket proxy to the engine that can be closed (connections cut, socket gone) and reopened. */
class EngineProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  constructor(readonly socketPath: string) {}

  async open(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(ENGINE);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.socketPath, resolve);
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

test.describe.configure({ mode: "serial" });

let berth: ChildProcess | undefined;
let proxy: EngineProxy;
let dir: string;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  dir = mkdtempSync(path.join(tmpdir(), "berth-e2e-down-"));
  proxy = new EngineProxy(path.join(dir, "docker.sock"));
  await proxy.open();
  berth = spawn(BIN, ["--port", PORT, "--data-dir", path.join(dir, "data"), "--docker-host", `unix://${proxy.socketPath}`], {
    env: { ...process.env, LEPTOS_SITE_ROOT: SITE, BERTH_LOG: "warn" },
    stdio: "ignore",
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${URL}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${BIN} did not answer on ${URL}/health within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
});

test.afterAll(async () => {
  berth?.kill("SIGTERM");
  await proxy?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the console says the Docker engine is unreachable while it is away, does not crash, and recovers", async ({ page }) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(`${URL}/containers`);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  const banner = page.locator('.daemon-banner[role="alert"]');
  await expect(banner).toHaveCount(0);
  await expect(page.locator("#containers-table")).toBeVisible();

  await proxy.close();
  await expect(banner).toContainText("Docker engine unreachable", { timeout: 15_000 });
  // The page still works: another page opens, with its own explanation instead of a crash.
  await page.getByRole("link", { name: "Volumes" }).click();
  await expect(page.locator("h1")).toHaveText("Volumes");
  await expect(page.locator(".banner-down").last()).toContainText("Docker engine unreachable", { timeout: 15_000 });
  await expect(banner).toBeVisible();

  await proxy.open();
  await expect(banner).toHaveCount(0, { timeout: 15_000 });
  // The page reloads its list by itself once the engine is back.
  await expect(page.locator("#volumes-table")).toBeVisible({ timeout: 15_000 });
  expect(pageErrors, "uncaught errors in the page").toEqual([]);
});

test("a page first rendered while the engine is away carries the banner, and it clears when the engine returns", async ({ page }) => {
  await proxy.close();
  await page.goto(`${URL}/networks`);
  const banner = page.locator('.daemon-banner[role="alert"]');
  await expect(banner).toContainText("Docker engine unreachable");
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  await proxy.open();
  await expect(banner).toHaveCount(0, { timeout: 15_000 });
  await expect(page.locator("#networks-table")).toBeVisible({ timeout: 15_000 });
});
