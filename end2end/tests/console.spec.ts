// The console beyond containers: nav bar, images, volumes, networks and system pages.
//
// Each run makes its own objects (unique names) through the console or Berth's REST API and removes them
// afterwards. The selectors are the UI's contract with these tests:
//   nav.nav a[aria-current="page"]      the nav bar's link to the current page
//   #images-table tr[data-id="<id>"]    one row per image (12-character short id)
//   #volumes-table tr[data-name="<n>"]  one row per volume
//   form#create-volume                  the create-volume form (input[name=name], submit button)
//   #networks-table tr[data-name="<n>"] one row per network
//   button.remove                       a row's remove button (it opens a role="dialog" to confirm)
//   #system-overview [data-card=...]    the system page's cards, .card-value their headline figure
//   [role="alert"]                      the error banner
//   body[data-hydrated="true"]          set by the app once the wasm has hydrated the page
import { test, expect, type APIRequestContext, type Page } from "@playwright/test";
import { IMAGE } from "./docker";

const SUFFIX = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const VOLUME = `berth-e2e-vol-${SUFFIX}`;
const NETWORK = `berth-e2e-net-${SUFFIX}`;
const CONTAINER = `berth-e2e-user-${SUFFIX}`;

// The tests change the engine's state: run them in order, in one worker.
test.describe.configure({ mode: "serial" });

test.afterAll(async ({ request }) => {
  // Best effort: each may already be gone if its test removed it.
  await request.delete(`/api/containers/${CONTAINER}/remove?force=true`);
  await request.delete(`/api/volumes/${VOLUME}/remove`);
  await request.delete(`/api/networks/${NETWORK}/remove`);
});

/** Opens a console page and waits until the wasm has hydrated it; collects uncaught page errors. */
async function open(page: Page, path: string): Promise<string[]> {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(path);
  // Server-rendered buttons are clickable before the wasm is loaded: wait for hydration first.
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  // A marker on the window object survives only if the page is not reloaded.
  await page.evaluate(() => {
    (window as unknown as { __marker?: number }).__marker = 1;
  });
  return pageErrors;
}

async function notReloaded(page: Page, what: string): Promise<void> {
  const marker = await page.evaluate(() => (window as unknown as { __marker?: number }).__marker);
  expect(marker, `the page was reloaded by ${what}`).toBe(1);
}

async function shortImageId(request: APIRequestContext, reference: string): Promise<string> {
  const res = await request.get("/api/images");
  expect(res.status(), await res.text()).toBe(200);
  const body = await res.json();
  const image = body.images.find((i: { tags: string[] }) => i.tags.includes(reference));
  expect(image, `${reference} is not in GET /api/images`).toBeTruthy();
  return image.id;
}

test("every page is server-rendered with its table and the nav bar", async ({ request }) => {
  const pages: [string, string][] = [
    ["/images", 'id="images-table"'],
    ["/volumes", 'id="volumes-table"'],
    ["/networks", 'id="networks-table"'],
    ["/system", 'id="system-overview"'],
  ];
  for (const [path, marker] of pages) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(200);
    const html = await res.text();
    expect(html, path).toContain(marker);
    expect(html, path).toMatch(new RegExp(`<a[^>]*href="${path}"[^>]*aria-current="page"`));
  }
});

test("the nav bar moves between pages, marks the current one and titles the tab after it", async ({ page }) => {
  const pageErrors = await open(page, "/");
  const nav = page.locator("nav.nav");
  await expect(nav.locator('a[aria-current="page"]')).toHaveText("Dashboard");
  await expect(page).toHaveTitle("Dashboard · Berth");

  const stops: [string, string, string][] = [
    ["Images", "/images", "#images-table"],
    ["Volumes", "/volumes", "#volumes-table"],
    ["Networks", "/networks", "#networks-table"],
    ["System", "/system", "#system-overview"],
    ["Events", "/events", "#events-table"],
    ["Containers", "/containers", "#containers-table"],
    ["Dashboard", "/", "#dashboard"],
  ];
  for (const [label, path, content] of stops) {
    await nav.getByRole("link", { name: label, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${path.replace("/", "\\/")}$`));
    await expect(page.locator(content)).toBeVisible({ timeout: 20_000 });
    await expect(nav.locator('a[aria-current="page"]')).toHaveCount(1);
    await expect(nav.locator('a[aria-current="page"]')).toHaveText(label);
    await expect(page).toHaveTitle(`${label} · Berth`);
  }
  // client-side navigation: the document was never reloaded
  await notReloaded(page, "the nav bar");
  expect(pageErrors, "uncaught errors in the page").toEqual([]);
});

test("a volume is created through the form and removed with its button, without a reload", async ({ page, request }) => {
  const pageErrors = await open(page, "/volumes");
  const row = page.locator(`#volumes-table tr[data-name="${VOLUME}"]`);
  await expect(row).toHaveCount(0);

  const form = page.locator("form#create-volume");
  await form.locator('input[name="name"]').fill(VOLUME);
  await form.locator('button[type="submit"]').click();
  await expect(row).toHaveCount(1, { timeout: 20_000 });
  await expect(row.locator("td.driver")).toHaveText("local");
  await notReloaded(page, "create");
  const created = await request.get(`/api/volumes/${VOLUME}`);
  expect(created.status(), await created.text()).toBe(200);

  // Each row's action is named after the action and the object, for screen readers.
  await page.getByRole("button", { name: `Remove ${VOLUME}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
  await expect(row).toHaveCount(0, { timeout: 20_000 });
  await notReloaded(page, "remove");
  const gone = await request.get(`/api/volumes/${VOLUME}`);
  expect(gone.status(), await gone.text()).toBe(404);

  expect(pageErrors, "uncaught errors in the page").toEqual([]);
});

test("the images page lists the test image; removing it while a container uses it shows the conflict", async ({ page, request }) => {
  const id = await shortImageId(request, IMAGE);
  const created = await request.post("/api/containers", { data: { image: IMAGE, name: CONTAINER } });
  expect(created.status(), `create ${CONTAINER}: ${await created.text()}`).toBe(201);

  const pageErrors = await open(page, "/images");
  const row = page.locator(`#images-table tr[data-id="${id}"]`);
  await expect(row).toHaveCount(1);
  await expect(row.locator("td.tags")).toContainText(IMAGE);

  // Remove asks first, naming the image and that a container uses it; without force the container keeps the
  // image, and the 409 shows in the banner.
  await row.locator("button.remove").click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(IMAGE);
  await expect(dialog).toContainText("used by");
  await dialog.getByRole("button", { name: "Remove" }).click();
  const banner = page.locator('[role="alert"]');
  await expect(banner).toContainText("Conflict", { timeout: 20_000 });
  await expect(banner).toContainText("in use");
  await expect(banner).toContainText(CONTAINER);
  await expect(row).toHaveCount(1);
  await notReloaded(page, "remove");
  expect((await request.get(`/api/images/${id}`)).status()).toBe(200);

  expect(pageErrors, "uncaught errors in the page").toEqual([]);
});

test("a network made through the API shows up and is removed with its button", async ({ page, request }) => {
  const created = await request.post("/api/networks", { data: { name: NETWORK } });
  expect(created.status(), `create ${NETWORK}: ${await created.text()}`).toBe(201);

  const pageErrors = await open(page, "/networks");
  const row = page.locator(`#networks-table tr[data-name="${NETWORK}"]`);
  await expect(row).toHaveCount(1);
  await expect(row.locator("td.driver")).toHaveText("bridge");
  // predefined networks get no remove button
  await expect(page.locator('#networks-table tr[data-name="bridge"] button.remove')).toHaveCount(0);

  await page.getByRole("button", { name: `Remove ${NETWORK}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
  await expect(row).toHaveCount(0, { timeout: 20_000 });
  await notReloaded(page, "remove");
  const gone = await request.get(`/api/networks/${NETWORK}`);
  expect(gone.status(), await gone.text()).toBe(404);

  expect(pageErrors, "uncaught errors in the page").toEqual([]);
});

test("the system page shows the daemon version the API reports", async ({ page, request }) => {
  const res = await request.get("/api/system/version");
  expect(res.status(), await res.text()).toBe(200);
  const version: string = (await res.json()).version.version;
  expect(version).toBeTruthy();

  const pageErrors = await open(page, "/system");
  const overview = page.locator("#system-overview");
  await expect(overview.locator('[data-card="version"] .card-value')).toHaveText(version);
  for (const card of ["containers", "images", "volumes", "networks", "disk"]) {
    await expect(overview.locator(`[data-card="${card}"] .card-value`)).not.toBeEmpty();
  }
  expect(pageErrors, "uncaught errors in the page").toEqual([]);
});

test("each list's search box, labelled Search and focused by '/', narrows the list as one types", async ({ page, request }) => {
  const volume = `${VOLUME}-find`;
  const network = `${NETWORK}-find`;
  expect((await request.post("/api/volumes", { data: { name: volume } })).status()).toBe(201);
  expect((await request.post("/api/networks", { data: { name: network } })).status()).toBe(201);
  try {
    for (const [path, table, name] of [
      ["/volumes", "#volumes-table", volume],
      ["/networks", "#networks-table", network],
    ]) {
      await open(page, path);
      const rows = page.locator(`${table} tbody tr[data-name]`);
      await expect(page.locator(`${table} tr[data-name="${name}"]`)).toHaveCount(1);
      await page.locator("h1").click();
      await page.keyboard.press("/");
      await expect(page.getByLabel("Search", { exact: true })).toBeFocused();
      await page.keyboard.type(name);
      await expect(rows).toHaveCount(1);
      await page.getByLabel("Search", { exact: true }).fill(`${name}-nothing-like-it`);
      await expect(rows).toHaveCount(0);
    }
    await open(page, "/images");
    await page.getByLabel("Search", { exact: true }).fill(IMAGE.split(":")[0]);
    await expect(page.locator("#images-table tbody tr[data-id]").first()).toContainText(IMAGE.split(":")[0]);
  } finally {
    await request.delete(`/api/volumes/${volume}/remove`);
    await request.delete(`/api/networks/${network}/remove`);
  }
});
