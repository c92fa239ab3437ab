// scripts/screenshots.mjs — the README's screenshots of every console page, taken in Debian's Chromium.
//
//   cd end2end && node ../scripts/screenshots.mjs [URL] [CONTAINER] [IMAGE]
//
// URL defaults to http://127.0.0.1:5000 (a Berth with authentication off, e.g. `bash scripts/run.sh`),
// CONTAINER to "web" (a running container whose page is shown), IMAGE to the test image. Writes
// docs/screenshots/<page>.png at 1280×800, waiting for hydration (body[data-hydrated]) on each page; the
// pages marked dark are taken with the dark theme.
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";

const { chromium } = createRequire(`${process.cwd()}/`)("@playwright/test");

const base = (process.argv[2] ?? "http://127.0.0.1:5000").replace(/\/+$/, "");
const container = process.argv[3] ?? "web";
const image = process.argv[4] ?? process.env.BERTH_TEST_IMAGE ?? "berth-test/busybox:latest";
const out = new URL("../docs/screenshots/", import.meta.url).pathname;
mkdirSync(out, { recursive: true });

const pages = [
  { name: "dashboard", path: "/" },
  { name: "containers", path: "/containers" },
  { name: "container-new", path: "/containers/new" },
  { name: "container-overview", path: `/containers/${container}` },
  { name: "container-logs", path: `/containers/${container}`, tab: "Logs" },
  { name: "container-stats", path: `/containers/${container}`, tab: "Stats", settle: 4000 },
  { name: "container-terminal", path: `/containers/${container}`, tab: "Terminal", settle: 1500 },
  { name: "images", path: "/images" },
  { name: "image-details", path: `/images/${encodeURIComponent(image)}` },
  { name: "volumes", path: "/volumes" },
  { name: "networks", path: "/networks" },
  { name: "events", path: "/events" },
  { name: "system", path: "/system" },
  { name: "containers-dark", path: "/containers", dark: true },
  { name: "dashboard-dark", path: "/", dark: true },
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
for (const shot of pages) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: shot.dark ? "dark" : "light",
  });
  const page = await context.newPage();
  await page.goto(`${base}${shot.path}`);
  await page.waitForSelector("body[data-hydrated]", { timeout: 60000 });
  if (shot.tab) await page.getByRole("tab", { name: shot.tab }).click();
  await page.waitForTimeout(shot.settle ?? 800);
  await page.screenshot({ path: `${out}${shot.name}.png` });
  console.log(`${shot.name}: ${base}${shot.path}${shot.tab ? ` (${shot.tab})` : ""}`);
  await context.close();
}
await browser.close();
