// Accessibility: axe-core checks every console page, in the dark and in the light theme, and finds no
// serious or critical violation. The admin pages and the sign-in page are checked on the Berth with users
// (BERTH_AUTH_URL), the others on the one without authentication (BERTH_URL).
import AxeBuilder from "@axe-core/playwright";
import { test, expect, type Page } from "@playwright/test";
import { docker, IMAGE } from "./docker";

const AUTH_URL = process.env.BERTH_AUTH_URL ?? "http://127.0.0.1:3002";
const ADMIN = { name: process.env.BERTH_E2E_ADMIN ?? "e2e-admin", password: process.env.BERTH_E2E_ADMIN_PASSWORD ?? "" };
const SUFFIX = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const CONTAINER = `berth-e2e-axe-${SUFFIX}`;
const THEMES = ["dark", "light"] as const;
const PAGES = ["/", "/containers", "/containers/new", `/containers/${CONTAINER}`, "/images", "/volumes", "/networks", "/events", "/system"];
const ADMIN_PAGES = ["/users", "/tokens", "/audit"];

test.describe.configure({ mode: "serial" });

// A volume of the spec's own, so /volumes has a row to expand even on an engine the other specs pruned.
const VOLUME = `berth-e2e-axe-vol-${SUFFIX}`;

test.beforeAll(() => {
  docker("run", "-d", "--name", CONTAINER, "--network", "none", IMAGE, "sleep", "300");
  docker("volume", "create", VOLUME);
});

test.afterAll(() => {
  try {
    docker("rm", "-f", CONTAINER);
  } catch {
    // already gone
  }
  try {
    docker("volume", "rm", VOLUME);
  } catch {
    // already gone
  }
});

/** Runs axe on the page as it is and fails with a readable list of the serious and critical findings. */
async function expectNoSeriousViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = serious.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.slice(0, 5).map((n) => `    ${n.target.join(" ")}: ${n.failureSummary}`).join("\n"),
  );
  expect(report, `${what}: axe-core's serious and critical violations`).toEqual([]);
}

async function openHydrated(page: Page, url: string, theme: string): Promise<void> {
  await page.emulateMedia({ colorScheme: theme as "dark" | "light" });
  await page.goto(url);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  // The theme the page shows is the system's (no choice stored in this fresh context).
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background, `${url} in the ${theme} theme`).toBe(theme === "dark" ? "rgb(15, 23, 42)" : "rgb(248, 250, 252)");
}

for (const theme of THEMES) {
  test(`every console page has no serious or critical axe violation in the ${theme} theme`, async ({ page }) => {
    for (const path of PAGES) {
      await openHydrated(page, path, theme);
      if (path === "/volumes" || path === "/networks") {
        // The expanded rows and the dialogs are part of the page too.
        await page.locator("button.expand").first().click();
        await expect(page.locator(".details-row").first()).toBeVisible();
      }
      await expectNoSeriousViolations(page, `${path} (${theme})`);
    }
    await openHydrated(page, "/volumes", theme);
    await page.getByRole("button", { name: "Prune unused" }).click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await expectNoSeriousViolations(page, `the volume prune dialog (${theme})`);
  });

  test(`the sign-in page and the admin pages have no serious or critical axe violation in the ${theme} theme`, async ({ page }) => {
    expect(ADMIN.password, "BERTH_E2E_ADMIN_PASSWORD is set by scripts/test.sh").not.toBe("");
    await openHydrated(page, `${AUTH_URL}/login`, theme);
    await expectNoSeriousViolations(page, `/login (${theme})`);
    await page.getByLabel("Username").fill(ADMIN.name);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`${AUTH_URL}/`);
    for (const path of ADMIN_PAGES) {
      await openHydrated(page, `${AUTH_URL}${path}`, theme);
      await expectNoSeriousViolations(page, `${path} (${theme})`);
    }
  });
}
