// Themes: the console follows the system's light or dark preference until the header's "Theme" control
// picks one; the choice is remembered (localStorage) and applied by a script in <head> before the first
// paint, so a reload shows the chosen theme even before (and without) the WASM.
import { test, expect, type Page } from "@playwright/test";

const DARK = "rgb(15, 23, 42)";
const LIGHT = "rgb(248, 250, 252)";

async function background(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

async function openHydrated(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
}

test("the console follows the system's colour scheme by default", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await openHydrated(page, "/containers");
  expect(await background(page)).toBe(LIGHT);
  await expect(page.getByLabel("Theme")).toHaveValue("system");
  await page.emulateMedia({ colorScheme: "dark" });
  expect(await background(page)).toBe(DARK);
});

test("a theme picked in the header is remembered and painted before the WASM loads", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await openHydrated(page, "/");
  await page.getByLabel("Theme").selectOption("light");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  expect(await background(page)).toBe(LIGHT);
  expect(await page.evaluate(() => localStorage.getItem("berth-theme"))).toBe("light");

  // Without the console's scripts the page is only the server's HTML, its CSS and the inline script in <head>.
  await page.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
  await page.goto("/volumes");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  expect(await background(page)).toBe(LIGHT);
  await page.unrouteAll();

  await openHydrated(page, "/volumes");
  await expect(page.getByLabel("Theme")).toHaveValue("light");
  await page.getByLabel("Theme").selectOption("dark");
  expect(await background(page)).toBe(DARK);
  await page.emulateMedia({ colorScheme: "light" });
  expect(await background(page), "an explicit choice wins over the system's").toBe(DARK);

  await page.getByLabel("Theme").selectOption("system");
  await expect(page.locator("html")).not.toHaveAttribute("data-theme", /.+/);
  expect(await background(page)).toBe(LIGHT);
  expect(await page.evaluate(() => localStorage.getItem("berth-theme"))).toBeNull();
});
