// The containers list in pages: "Rows per page" (25, 50, 100 by default, 250, All), "Previous page" / "Next
// page", the range shown ("26–30 of 30") in the pager (`nav` "Pagination"); "Select all" selects the rows of the page
// shown; a new search starts again at the first page. Only this spec's containers are touched.
import { test, expect } from "@playwright/test";
import { docker, IMAGE } from "./docker";

const SUFFIX = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const PREFIX = `berth-e2e-pages-${SUFFIX}`;
// 30 names that sort as they are numbered.
const NAMES = Array.from({ length: 30 }, (_, i) => `${PREFIX}-${String(i + 1).padStart(2, "0")}`);

test.beforeAll(() => {
  for (const name of NAMES) {
    docker("create", "--name", name, "--network", "none", IMAGE);
  }
});

test.afterAll(() => {
  try {
    docker("rm", "-f", ...NAMES);
  } catch {
    // some already gone
  }
});

test("thirty containers at 25 a page show in two pages, and select all takes the page shown", async ({ page }) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto("/containers");
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  const search = page.getByLabel("Search", { exact: true });
  await search.fill(PREFIX);
  const rows = page.locator("#containers-table tbody tr");
  const pager = page.getByRole("navigation", { name: "Pagination" });
  // 100 a page by default: all 30 on one page.
  await expect(rows).toHaveCount(30);
  await expect(pager).toContainText("1–30 of 30");
  await expect(pager.getByRole("button", { name: "Next page" })).toBeDisabled();

  await pager.getByLabel("Rows per page").selectOption("25");
  await expect(rows).toHaveCount(25);
  await expect(pager).toContainText("1–25 of 30");
  await expect(pager).toContainText("Page 1 of 2");
  await expect(pager.getByRole("button", { name: "Previous page" })).toBeDisabled();

  // Sorted by name: page 2 holds the last five.
  const nameHeader = page.locator("#containers-table th").filter({ hasText: "Name" });
  await nameHeader.getByRole("button").click();
  await expect(nameHeader).toHaveAttribute("aria-sort", "ascending");
  await pager.getByRole("button", { name: "Next page" }).click();
  await expect(pager).toContainText("26–30 of 30");
  await expect(rows).toHaveCount(5);
  await expect(rows.first()).toHaveAttribute("data-name", NAMES[25]);
  await expect(pager.getByRole("button", { name: "Next page" })).toBeDisabled();

  // Select all: the five rows of this page, not the thirty.
  await page.getByLabel("Select all").check();
  const toolbar = page.getByRole("toolbar", { name: "Bulk actions" });
  await expect(toolbar).toContainText("5 containers selected");
  for (const name of NAMES.slice(25)) {
    await expect(page.getByLabel(`Select ${name}`)).toBeChecked();
  }

  // Back to page 1: its rows are not selected, the selection stays.
  await pager.getByRole("button", { name: "Previous page" }).click();
  await expect(rows.first()).toHaveAttribute("data-name", NAMES[0]);
  await expect(page.getByLabel(`Select ${NAMES[0]}`)).not.toBeChecked();
  await expect(toolbar).toContainText("5 containers selected");

  // A new search starts at page 1 again.
  await pager.getByRole("button", { name: "Next page" }).click();
  await expect(pager).toContainText("Page 2 of 2");
  await search.fill(`${PREFIX}-0`);
  await expect(rows).toHaveCount(9);
  await expect(pager).toContainText("1–9 of 9");

  // All: everything on one page.
  await search.fill(PREFIX);
  await pager.getByLabel("Rows per page").selectOption("All");
  await expect(rows).toHaveCount(30);
  expect(pageErrors).toEqual([]);
});
