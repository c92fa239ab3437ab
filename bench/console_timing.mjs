// bench/console_timing.mjs — how fast a console page paints and becomes interactive in Debian's Chromium.
//
//   node bench/console_timing.mjs [URL] [ROUNDS]      (default http://127.0.0.1:5000/containers, 5 rounds)
//
// Run from end2end/ (it uses end2end's @playwright/test): `cd end2end && node ../bench/console_timing.mjs`.
// Per round, a fresh browser context (cold cache) loads the page and reports: the first contentful paint
// (the server-rendered HTML, before any wasm), and the time until hydration finished (the app sets
// body[data-hydrated]), both from navigation start; then a warm reload (assets cached). Medians printed.
import { createRequire } from "node:module";

// Resolved from the working directory (end2end/), where npm installed Playwright.
const { chromium } = createRequire(`${process.cwd()}/`)("@playwright/test");

const url = process.argv[2] ?? "http://127.0.0.1:5000/containers";
const rounds = Number(process.argv[3] ?? 5);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const measure = async (page) => {
  await page.waitForSelector("body[data-hydrated]", { timeout: 60000 });
  return page.evaluate(() => {
    const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN;
    return { fcp, interactive: performance.now() };
  });
};
const cold = [], warm = [];
for (let i = 0; i < rounds; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url, { waitUntil: "commit" });
  cold.push(await measure(page));
  await page.reload({ waitUntil: "commit" });
  warm.push(await measure(page));
  await context.close();
}
await browser.close();
const show = (name, xs) =>
  console.log(`${name}: first contentful paint ${median(xs.map((x) => x.fcp)).toFixed(0)} ms, ` +
    `interactive (hydrated) ${median(xs.map((x) => x.interactive)).toFixed(0)} ms (median of ${xs.length})`);
console.log(url);
show("cold cache", cold);
show("warm cache", warm);
