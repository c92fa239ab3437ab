// The containers page: server-rendered table, and stop/start from the browser after hydration.
//
// Each run makes its own container (unique name) through Berth's REST API and removes it afterwards.
// The selectors are the UI's contract with these tests:
//   #containers-table               the containers table
//   tr[data-name="<name>"]          one row per container
//   td.state                        the Docker state (running, exited, ...)
//   button.stop / button.start      the row's actions
//   body[data-hydrated="true"]      set by the app once the wasm has hydrated the page
import { test, expect, type APIRequestContext } from "@playwright/test";
import { IMAGE } from "./docker";

const NAME = `berth-e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

// The tests share one container: run them in order, in one worker.
test.describe.configure({ mode: "serial" });

async function containerStatus(request: APIRequestContext): Promise<string> {
  const res = await request.get(`/api/containers/${NAME}`);
  expect(res.status(), await res.text()).toBe(200);
  const body = await res.json();
  return body.container.status;
}

test.beforeAll(async ({ request }) => {
  const created = await request.post("/api/containers", { data: { image: IMAGE, name: NAME } });
  expect(created.status(), `create ${NAME}: ${await created.text()}`).toBe(201);
  const started = await request.post(`/api/containers/${NAME}/start`);
  expect(started.status(), `start ${NAME}: ${await started.text()}`).toBe(200);
});

test.afterAll(async ({ request }) => {
  // Best effort: the container may already be gone if a test removed it.
  await request.delete(`/api/containers/${NAME}/remove?force=true`);
});

test("the containers page is server-rendered with the containers table", async ({ request }) => {
  // A plain HTTP GET: no JavaScript, no wasm. The table must already be in the HTML.
  const res = await request.get("/containers");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("text/html");
  const html = await res.text();
  expect(html).toContain('id="containers-table"');
  expect(html).toContain(NAME);
});

test("stop and start from the table update the row without a page reload", async ({ page, request }) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));

  await page.goto("/containers");
  // Server-rendered buttons are clickable before the wasm is loaded: wait for hydration first.
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });

  const row = page.locator(`#containers-table tr[data-name="${NAME}"]`);
  await expect(row).toHaveCount(1);
  const state = row.locator("td.state");
  await expect(state).toHaveText(/\brunning\b/);

  // A marker on the window object survives only if the page is not reloaded.
  await page.evaluate(() => {
    (window as unknown as { __marker?: number }).__marker = 1;
  });
  const marker = () => page.evaluate(() => (window as unknown as { __marker?: number }).__marker);

  await row.locator("button.stop").click();
  await expect(state).toHaveText(/\bexited\b/, { timeout: 20_000 });
  expect(await marker(), "the page was reloaded by stop").toBe(1);
  expect(await containerStatus(request)).toBe("exited");

  await row.locator("button.start").click();
  await expect(state).toHaveText(/\brunning\b/, { timeout: 20_000 });
  expect(await marker(), "the page was reloaded by start").toBe(1);
  expect(await containerStatus(request)).toBe("running");

  expect(pageErrors, "uncaught errors in the page").toEqual([]);
});

test("the search box narrows the list, and the state filter of the dashboard's links keeps running ones", async ({ page }) => {
  await page.goto("/containers?state=running");
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  const rows = page.locator("#containers-table tbody tr[data-name]");
  await expect(page.locator(`#containers-table tr[data-name="${NAME}"]`)).toHaveCount(1);
  const states = await rows.locator("td.state").allTextContents();
  expect(states.every((state) => state.trim() === "running")).toBe(true);

  await page.getByLabel("Search", { exact: true }).fill(NAME);
  await expect(rows).toHaveCount(1);
  await page.getByLabel("Search", { exact: true }).fill(`${NAME}-no-such-container`);
  await expect(rows).toHaveCount(0);
});

test("removing a running container from the list asks in a dialog that says so, then removes it by force", async ({
  page,
  request,
}) => {
  await page.goto("/containers");
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  const row = page.locator(`#containers-table tr[data-name="${NAME}"]`);
  await expect(row.locator("td.state")).toHaveText(/\brunning\b/);

  await page.getByRole("button", { name: `Remove ${NAME}`, exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(NAME);
  await expect(dialog).toContainText("running");
  await expect(dialog).toContainText("by force");
  await dialog.getByRole("button", { name: "Remove" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row).toHaveCount(0, { timeout: 20_000 });
  const gone = await request.get(`/api/containers/${NAME}`);
  expect(gone.status()).toBe(404);
});
