// Opening a console page in the specs.
import { expect, type Page } from "@playwright/test";

/// Opens `path` and waits until the WASM has taken the page over; returns the list the page's uncaught
/// errors are collected into (a spec ends by expecting it empty).
export async function openHydrated(page: Page, path: string): Promise<string[]> {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(path);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  return pageErrors;
}
