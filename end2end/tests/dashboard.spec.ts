// The dashboard at `/`: engine, containers by state, images, volumes, networks, disk usage, host facts and
// recent events, server-rendered, then kept current by Docker's events (no reload, no polling).
//
// Selectors: #dashboard [data-card="<engine|containers|images|volumes|networks|disk|host>"], each card's
// .card-value and [data-detail="<running|paused|stopped|...>"] dd; #recent-events tr.event[data-name] rows.
import { test, expect, type APIRequestContext } from "@playwright/test";
import { docker, IMAGE } from "./docker";

const NAME = `berth-e2e-dash-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

test.afterAll(() => {
  try {
    docker("rm", "-f", NAME);
  } catch {
    // already removed by the test
  }
});

async function runningNow(request: APIRequestContext): Promise<string> {
  const res = await request.get("/api/system/stats");
  expect(res.status(), await res.text()).toBe(200);
  return String((await res.json()).stats.containers.running);
}

test("the dashboard's first HTML carries the engine, the counts, disk usage and host facts", async ({ request }) => {
  const res = await request.get("/");
  expect(res.status()).toBe(200);
  const html = await res.text();
  for (const card of ["engine", "containers", "images", "volumes", "networks", "disk", "host"]) {
    expect(html, card).toContain(`data-card="${card}"`);
  }
  expect(html).toContain("Healthy");
  expect(html).toContain("Reclaimable");
  expect(html).toContain('href="/containers?state=running"');
  expect(html).toContain('id="recent-events"');
});

test("the dashboard counts a container started with the docker CLI and lists its event, without a reload", async ({
  page,
  request,
}) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto("/");
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  await page.evaluate(() => {
    (window as unknown as { __marker?: number }).__marker = 1;
  });
  const running = page.locator('#dashboard [data-card="containers"] [data-detail="running"] dd');
  await expect(page.locator('#dashboard [data-card="engine"] .card-value')).toHaveText("Healthy");
  await expect(page.locator('#dashboard [data-card="host"] [data-detail="cpus"] dd')).toHaveText(/^\d+$/);

  docker("run", "-d", "--name", NAME, "--network", "none", IMAGE, "sleep", "300");
  const row = page.locator(`#recent-events tr.event[data-name="${NAME}"][data-action="start"]`);
  await expect(row).toHaveCount(1, { timeout: 5_000 });
  // Other tests may share the engine: the figure must settle on the engine's own count.
  await expect(async () => {
    expect(await running.textContent()).toBe(await runningNow(request));
  }).toPass({ timeout: 10_000 });

  // The running count links to the filtered list, which shows the new container.
  await running.getByRole("link").click();
  await expect(page).toHaveURL(/\/containers\?state=running$/);
  await expect(page.locator(`#containers-table tr[data-name="${NAME}"]`)).toHaveCount(1, { timeout: 20_000 });
  const marker = await page.evaluate(() => (window as unknown as { __marker?: number }).__marker);
  expect(marker, "the page was reloaded").toBe(1);
  expect(pageErrors).toEqual([]);
});
