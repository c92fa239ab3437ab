// The events page: Docker's events of the last hour in the first HTML, then live ones, newest first, with
// filters by type, action and a name search.
//
// Selectors: #events-table tr.event[data-type][data-action][data-name]; the filters labelled "Type",
// "Action" and "Search".
import { test, expect } from "@playwright/test";
import { docker, IMAGE } from "./docker";

const SUFFIX = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const NAME = `berth-e2e-events-${SUFFIX}`;
const VOLUME = `berth-e2e-events-vol-${SUFFIX}`;

test.afterAll(() => {
  for (const args of [["rm", "-f", NAME], ["volume", "rm", VOLUME]]) {
    try {
      docker(...args);
    } catch {
      // already removed by the test
    }
  }
});

test("an action taken with the docker CLI shows on the events page at once, and the filters narrow the list", async ({
  page,
  request,
}) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto("/events");
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  const rows = page.locator("#events-table tr.event");
  const created = page.locator(`#events-table tr.event[data-name="${NAME}"][data-action="create"]`);
  await expect(created).toHaveCount(0);

  docker("create", "--name", NAME, "--network", "none", IMAGE);
  await expect(created).toHaveCount(1, { timeout: 5_000 });
  docker("volume", "create", VOLUME);
  const volumeRow = page.locator(`#events-table tr.event[data-type="volume"][data-name="${VOLUME}"]`);
  await expect(volumeRow).toHaveCount(1, { timeout: 5_000 });
  // Newest first: the volume's event is above the container's.
  const names = await rows.evaluateAll((list) => list.map((row) => row.getAttribute("data-name")));
  expect(names.indexOf(VOLUME)).toBeLessThan(names.indexOf(NAME));

  // The name search keeps only this container's events.
  await page.getByLabel("Search", { exact: true }).fill(NAME);
  await expect(volumeRow).toHaveCount(0);
  await expect(created).toHaveCount(1);
  const shown = await rows.evaluateAll((list) => list.map((row) => row.getAttribute("data-name")));
  expect(shown.every((name) => name === NAME)).toBe(true);
  await page.getByLabel("Search", { exact: true }).fill("");

  // The type filter asks the daemon for volume events only; the replay of the last hour still has ours.
  await page.getByLabel("Type").selectOption("volume");
  await expect(volumeRow).toHaveCount(1, { timeout: 10_000 });
  await expect(created).toHaveCount(0);
  const types = await rows.evaluateAll((list) => list.map((row) => row.getAttribute("data-type")));
  expect(types.every((type) => type === "volume")).toBe(true);

  // The first HTML already carries the recent events (a plain GET, no JavaScript).
  const html = await (await request.get("/events")).text();
  expect(html).toContain(NAME);
  expect(pageErrors).toEqual([]);
});
