// The containers list: search, sort by clicking a header (aria-sort), a checkbox per row ("Select <name>"),
// and bulk actions on the selection (toolbar "Bulk actions": "Stop selected containers", "Remove selected
// containers", ...), Remove after a dialog naming the containers. Only this spec's containers are touched.
import { test, expect } from "@playwright/test";
import { docker, IMAGE } from "./docker";

const SUFFIX = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const PREFIX = `berth-e2e-bulk-${SUFFIX}`;
const [A, B, C] = ["a", "b", "c"].map((letter) => `${PREFIX}-${letter}`);

test.beforeAll(() => {
  for (const name of [A, B, C]) {
    docker("run", "-d", "--name", name, "--network", "none", IMAGE, "sleep", "300");
  }
});

test.afterAll(() => {
  for (const name of [A, B, C]) {
    try {
      docker("rm", "-f", name);
    } catch {
      // already gone
    }
  }
});

test("two selected containers are stopped together, then removed together after a dialog naming them", async ({ page }) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto("/containers");
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  await page.getByLabel("Search", { exact: true }).fill(PREFIX);
  const rows = page.locator("#containers-table tbody tr");
  await expect(rows).toHaveCount(3);

  // Sorting: by name, then the other way.
  const nameHeader = page.locator("#containers-table th").filter({ hasText: "Name" });
  await nameHeader.getByRole("button").click();
  await expect(nameHeader).toHaveAttribute("aria-sort", "ascending");
  await expect(rows.first()).toHaveAttribute("data-name", A);
  await nameHeader.getByRole("button").click();
  await expect(nameHeader).toHaveAttribute("aria-sort", "descending");
  await expect(rows.first()).toHaveAttribute("data-name", C);

  const toolbar = page.getByRole("toolbar", { name: "Bulk actions" });
  await expect(toolbar.getByRole("button", { name: "Stop selected containers" })).toBeDisabled();
  await page.getByLabel(`Select ${A}`).check();
  await page.getByLabel(`Select ${B}`).check();
  await expect(toolbar).toContainText("2 containers selected");
  await toolbar.getByRole("button", { name: "Stop selected containers" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Stopped 2 containers" })).toBeVisible({ timeout: 30_000 });
  for (const name of [A, B]) {
    await expect(page.locator(`#containers-table tr[data-name="${name}"] td.state`)).toHaveText(/exited/, { timeout: 10_000 });
  }
  expect(docker("inspect", "-f", "{{.State.Status}}", C)).toBe("running");

  await toolbar.getByRole("button", { name: "Remove selected containers" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`Remove 2 containers: ${A}, ${B}?`);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await toolbar.getByRole("button", { name: "Remove selected containers" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Removed 2 containers" })).toBeVisible({ timeout: 15_000 });
  await expect(rows).toHaveCount(1, { timeout: 10_000 });
  await expect(rows.first()).toHaveAttribute("data-name", C);
  expect(() => docker("inspect", A)).toThrow();
  expect(() => docker("inspect", B)).toThrow();
  expect(docker("inspect", "-f", "{{.State.Status}}", C)).toBe("running");
  expect(pageErrors).toEqual([]);
});

test("select all picks every container the search shows, and a running one is removed by force after the dialog says so", async ({
  page,
}) => {
  await page.goto("/containers");
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  await page.getByLabel("Search", { exact: true }).fill(`${PREFIX}-c`);
  const rows = page.locator("#containers-table tbody tr");
  await expect(rows).toHaveCount(1);
  await page.getByLabel("Select all").check();
  await expect(page.getByLabel(`Select ${C}`)).toBeChecked();
  const toolbar = page.getByRole("toolbar", { name: "Bulk actions" });
  await toolbar.getByRole("button", { name: "Remove selected containers" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`by force: ${C}`);
  await dialog.getByRole("button", { name: "Remove" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Removed 1 container" })).toBeVisible({ timeout: 15_000 });
  expect(() => docker("inspect", C)).toThrow();
});
