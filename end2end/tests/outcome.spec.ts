// What an action did, told the same way on every page: a failure shows as the error banner (role="alert")
// until the next action succeeds; a success as a toast (role="status") saying what happened.
//
// One page that reported through the old OutcomeNotice (volumes) and one that reported through the old
// ActionError (images): a refused remove of an object in use, then a remove that works.
//
// Every object is made by this spec with a unique name and removed by it.
import { test, expect, type Page } from "@playwright/test";
import { docker, dockerEach, dockerWithInput, IMAGE } from "./docker";
import { openHydrated as open } from "./page";

const SUFFIX = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const USED_VOLUME = `berth-e2e-oc-used-${SUFFIX}`;
const FREE_VOLUME = `berth-e2e-oc-free-${SUFFIX}`;
const VOLUME_USER = `berth-e2e-oc-vbox-${SUFFIX}`;
const USED_TAG = `berth-e2e-oc/used:${SUFFIX}`;
const FREE_TAG = `berth-e2e-oc/free:${SUFFIX}`;
const IMAGE_USER = `berth-e2e-oc-ibox-${SUFFIX}`;

test.describe.configure({ mode: "serial" });

test.afterAll(() =>
  dockerEach([
    ["rm", "-f", VOLUME_USER],
    ["rm", "-f", IMAGE_USER],
    ["volume", "rm", "-f", USED_VOLUME],
    ["volume", "rm", "-f", FREE_VOLUME],
    ["rmi", USED_TAG],
    ["rmi", FREE_TAG],
  ]),
);

/** Presses the row button `Remove <name>` and confirms the dialog. */
async function removeThroughDialog(page: Page, name: string) {
  await page.getByRole("button", { name: `Remove ${name}`, exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(name);
  await dialog.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(dialog).toHaveCount(0);
}

test("on the volumes page a refused remove shows a banner, and the next remove that works replaces it with a toast naming the volume", async ({ page }) => {
  docker("volume", "create", USED_VOLUME);
  docker("volume", "create", FREE_VOLUME);
  docker("create", "--name", VOLUME_USER, "-v", `${USED_VOLUME}:/data`, IMAGE, "sleep", "300");
  const pageErrors = await open(page, "/volumes");
  const banner = page.locator('.banner[role="alert"]');
  const toast = page.getByRole("status").filter({ hasText: FREE_VOLUME });

  await expect(page.locator(`#volumes-table tr[data-name="${USED_VOLUME}"]`)).toHaveCount(1, { timeout: 10_000 });
  await removeThroughDialog(page, USED_VOLUME);
  await expect(banner).toContainText(/in use/i, { timeout: 20_000 });
  await expect(banner).toContainText(USED_VOLUME);
  await expect(page.locator(".toast")).toHaveCount(0);
  docker("volume", "inspect", USED_VOLUME);

  await removeThroughDialog(page, FREE_VOLUME);
  await expect(toast).toContainText(`Volume '${FREE_VOLUME}' removed`, { timeout: 20_000 });
  await expect(banner).toHaveCount(0);
  await expect(page.locator(`#volumes-table tr[data-name="${FREE_VOLUME}"]`)).toHaveCount(0, { timeout: 10_000 });
  expect(() => docker("volume", "inspect", FREE_VOLUME)).toThrow();
  expect(pageErrors, "uncaught errors in the page").toEqual([]);
});

test("on the images page a refused remove shows a banner, and the next remove that works replaces it with a toast naming the image", async ({ page }) => {
  // Two images of their own (one tag each, so each is one row named by its tag): a label tells them apart.
  for (const tag of [USED_TAG, FREE_TAG]) {
    dockerWithInput(`FROM ${IMAGE}\nLABEL berth-e2e-oc=${tag}\n`, "build", "-q", "-t", tag, "-");
  }
  docker("create", "--name", IMAGE_USER, USED_TAG, "sleep", "300");
  const pageErrors = await open(page, "/images");
  const banner = page.locator('.banner[role="alert"]');

  // A tag a container was made from: without force the daemon refuses to remove it.
  await page.locator("#images-search").fill(SUFFIX);
  await removeThroughDialog(page, USED_TAG);
  await expect(banner).toContainText(/must force|being used|in use|conflict/i, { timeout: 20_000 });
  await expect(page.locator(".toast")).toHaveCount(0);
  docker("image", "inspect", USED_TAG);

  await removeThroughDialog(page, FREE_TAG);
  await expect(page.getByRole("status")).toContainText(`Image '${FREE_TAG}' removed`, { timeout: 20_000 });
  await expect(banner).toHaveCount(0);
  expect(() => docker("image", "inspect", FREE_TAG)).toThrow();
  expect(pageErrors, "uncaught errors in the page").toEqual([]);
});
