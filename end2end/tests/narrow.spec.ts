// The dashboard, the containers list, a container's page and the events page fit a 375 px wide screen:
// nothing makes the page scroll sideways (wide tables scroll inside themselves).
import { test, expect } from "@playwright/test";
import { docker, IMAGE } from "./docker";

const NAME = `berth-e2e-narrow-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

test.beforeAll(() => {
  docker("run", "-d", "--name", NAME, "--network", "none", "-e", `A_RATHER_LONG_VARIABLE=${"x".repeat(120)}`, IMAGE, "sleep", "300");
});

test.afterAll(() => {
  try {
    docker("rm", "-f", NAME);
  } catch {
    // already gone
  }
});

test("the console's pages fit a 375 px wide screen", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  for (const path of ["/", "/containers", `/containers/${NAME}`, "/events"]) {
    await page.goto(path);
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${path} scrolls sideways`).toBeLessThanOrEqual(375);
  }
});
