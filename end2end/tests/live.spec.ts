// The console follows Docker's events: a container made or removed with the docker CLI shows on the open
// containers page without a reload, and the page does not poll.
//
// The docker CLI talks to the same engine as the Berth under test (DOCKER_HOST, set by scripts/test.sh to the
// private test engine). Selectors: #containers-table tr[data-name="<name>"], body[data-hydrated="true"].
import { test, expect, type Page, type Route } from "@playwright/test";
import { docker, IMAGE } from "./docker";

const NAME = `berth-e2e-live-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

test.afterAll(() => {
  try {
    docker("rm", "-f", NAME);
  } catch {
    // already removed by the test
  }
});

test("a container created and removed with the docker CLI appears and disappears without a reload", async ({
  page,
}) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  const listCalls: string[] = [];
  page.on("request", (req) => {
    if (req.url().includes("/rpc/containers/list")) listCalls.push(req.url());
  });

  await page.goto("/containers");
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  await page.evaluate(() => {
    (window as unknown as { __marker?: number }).__marker = 1;
  });
  const row = page.locator(`#containers-table tr[data-name="${NAME}"]`);
  await expect(row).toHaveCount(0);

  // Idle: no polling. The stream replays the last seconds' events once it opens (a change made while the
  // page loaded, e.g. by the previous spec, reloads the list once); only what comes after counts.
  await page.waitForTimeout(1_000);
  listCalls.length = 0;
  await page.waitForTimeout(3_000);
  expect(listCalls, "the page fetched the list while nothing happened").toHaveLength(0);

  docker("create", "--name", NAME, "--network", "none", IMAGE);
  await expect(row).toHaveCount(1, { timeout: 5_000 });
  await expect(row.locator("td.state")).toHaveText(/created/);

  docker("start", NAME);
  await expect(row.locator("td.state")).toHaveText(/running/, { timeout: 5_000 });

  docker("rm", "-f", NAME);
  await expect(row).toHaveCount(0, { timeout: 5_000 });

  const marker = await page.evaluate(() => (window as unknown as { __marker?: number }).__marker);
  expect(marker, "the page was reloaded").toBe(1);
  expect(pageErrors).toEqual([]);
});

test("a volume and a network made and removed with the docker CLI show on their pages without a reload", async ({ page }) => {
  const volume = `${NAME}-vol`;
  const network = `${NAME}-net`;
  try {
    for (const [path, table, name, make, remove] of [
      ["/volumes", "#volumes-table", volume, ["volume", "create", volume], ["volume", "rm", volume]],
      ["/networks", "#networks-table", network, ["network", "create", network], ["network", "rm", network]],
    ] as const) {
      await page.goto(path);
      await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
      await page.evaluate(() => {
        (window as unknown as { __marker?: number }).__marker = 1;
      });
      const row = page.locator(`${table} tr[data-name="${name}"]`);
      await expect(row).toHaveCount(0);
      docker(...make);
      await expect(row).toHaveCount(1, { timeout: 5_000 });
      docker(...remove);
      await expect(row).toHaveCount(0, { timeout: 5_000 });
      const marker = await page.evaluate(() => (window as unknown as { __marker?: number }).__marker);
      expect(marker, `${path} was reloaded`).toBe(1);
    }
  } finally {
    for (const args of [["volume", "rm", volume], ["network", "rm", network]]) {
      try {
        docker(...args);
      } catch {
        // removed by the test
      }
    }
  }
});

test("a volume made with the docker CLI while the page is on its way shows once the page is live", async ({ page }) => {
  // The server reads the list, then the browser loads the WASM and opens its event stream: a change made
  // in between must not be lost. The WASM is held back until the volume exists, so the change falls in
  // that gap every time.
  const volume = `${NAME}-gap`;
  try {
    let pageServed: () => void = () => {};
    const served = new Promise<void>((resolve) => (pageServed = resolve));
    page.on("requestfinished", (request) => {
      if (request.resourceType() === "document") pageServed();
    });
    await page.route("**/*.wasm", async (route) => {
      await served;
      docker("volume", "create", volume);
      await route.continue();
    });
    const response = await page.goto("/volumes");
    expect(await response?.text(), "the server's page already had the volume").not.toContain(volume);
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
    await expect(page.locator(`#volumes-table tr[data-name="${volume}"]`)).toHaveCount(1, { timeout: 5_000 });
  } finally {
    removeVolume(volume);
  }
});

test("a live change to one container redraws its row only, not the table", async ({ page }) => {
  const kept = `${NAME}-kept`;
  const changed = `${NAME}-changed`;
  try {
    docker("create", "--name", kept, "--network", "none", IMAGE);
    docker("create", "--name", changed, "--network", "none", IMAGE, "sleep", "300");
    await page.goto("/containers");
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
    const keptRow = page.locator(`#containers-table tr[data-name="${kept}"]`);
    const changedRow = page.locator(`#containers-table tr[data-name="${changed}"]`);
    await expect(keptRow).toHaveCount(1);
    // Tag both rows' DOM nodes: a redrawn row is a new node without the tag.
    await keptRow.evaluate((row) => row.setAttribute("data-probe", "old"));
    await changedRow.evaluate((row) => row.setAttribute("data-probe", "old"));

    docker("start", changed);
    await expect(changedRow.locator("td.state")).toHaveText(/running/, { timeout: 5_000 });
    await expect(changedRow, "the changed row is drawn anew").not.toHaveAttribute("data-probe", "old");
    await expect(keptRow, "the unchanged row was redrawn").toHaveAttribute("data-probe", "old");
  } finally {
    for (const name of [kept, changed]) {
      try {
        docker("rm", "-f", name);
      } catch {
        // never created
      }
    }
  }
});

/** Records the URL of each volume event stream the page opens; `first` answers the first one, the others
 * reach the server. */
async function volumeStreams(page: Page, first: (route: Route) => Promise<void>): Promise<string[]> {
  const streams: string[] = [];
  const volumeEvents = (url: URL) => url.pathname === "/api/events" && url.searchParams.get("type") === "volume";
  await page.route(volumeEvents, async (route) => {
    streams.push(route.request().url());
    await (streams.length === 1 ? first(route) : route.continue());
  });
  return streams;
}

/** Opens /volumes and waits until the page has opened its volume event stream twice. */
async function openVolumesUntilReopened(page: Page, streams: string[]) {
  await page.goto("/volumes");
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  await expect.poll(() => streams.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
}

const since = (url: string) => Number(new URL(url).searchParams.get("since"));

test("a list's event stream that drops is opened again from the drop, and the list stays live", async ({ page }) => {
  // The first stream is answered after 4 s with an empty body (a dropped connection). The page opens it
  // again a second later, asking the daemon to replay from the drop (a later `since` than the page's), not
  // from the page's opening, and a change made with the docker CLI after that still shows.
  const volume = `${NAME}-drop`;
  try {
    const streams = await volumeStreams(page, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      await route.fulfill({ status: 200, contentType: "text/event-stream", body: "" });
    });
    await openVolumesUntilReopened(page, streams);
    expect(since(streams[1]) - since(streams[0]), "the second stream replays from the drop").toBeGreaterThanOrEqual(3);

    docker("volume", "create", volume);
    await expect(page.locator(`#volumes-table tr[data-name="${volume}"]`)).toHaveCount(1, { timeout: 5_000 });
    expect(streams, "the stream was opened again more than once").toHaveLength(2);
  } finally {
    removeVolume(volume);
  }
});

test("a list's event stream refused at first is opened again still replaying from the page's own time", async ({ page }) => {
  // A refusal (503: the server could not reach the engine) never opened the stream, so its replay is still
  // owed: the next attempt asks for the same `since`, and changes made meanwhile still show.
  const volume = `${NAME}-refused`;
  try {
    const streams = await volumeStreams(page, async (route) => {
      docker("volume", "create", volume);
      await route.fulfill({
        status: 503,
        contentType: "application/json",
        body: JSON.stringify({ success: false, error: "Docker daemon is not reachable", data: null }),
      });
    });
    await openVolumesUntilReopened(page, streams);
    expect(since(streams[1]), "the second attempt replays from the page's time").toBe(since(streams[0]));
    await expect(page.locator(`#volumes-table tr[data-name="${volume}"]`)).toHaveCount(1, { timeout: 5_000 });
  } finally {
    removeVolume(volume);
  }
});

/** Removes `volume` if a test made it. */
function removeVolume(volume: string) {
  try {
    docker("volume", "rm", volume);
  } catch {
    // never made
  }
}
