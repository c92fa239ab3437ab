// Building from a directory on the server: "Build an image", Source "Directory on the server", label "Path",
// then #build-output and #build-result as for an upload. The Berth under test runs on this machine without
// --build-root, so a directory this spec makes under the system's temporary directory is on "the server".
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, expect } from "@playwright/test";
import { docker, IMAGE } from "./docker";

const SUFFIX = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

test("an image built from a directory on the server shows the builder's steps, then lists the image", async ({ page }) => {
  const tag = `berth-e2e/build-path-${SUFFIX}:1`;
  const dir = mkdtempSync(join(tmpdir(), "berth-e2e-build-path-"));
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  try {
    writeFileSync(join(dir, "Dockerfile"), `FROM ${IMAGE}\nRUN echo from-path-${SUFFIX}\n`);
    await page.goto("/images");
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
    await page.getByRole("button", { name: "Build an image" }).click();
    const form = page.locator("#build-image");
    await form.getByLabel("Source").selectOption("Directory on the server");
    await expect(form.getByLabel("Context")).toHaveCount(0);
    await form.getByLabel("Path").fill(dir);
    await form.getByLabel("Tag", { exact: true }).fill(tag);
    await form.getByRole("button", { name: "Build" }).click();

    const output = page.locator("#build-output");
    await expect(output).toContainText("Step 1/2", { timeout: 30_000 });
    await expect(output).toContainText(`from-path-${SUFFIX}`, { timeout: 60_000 });
    await expect(page.locator("#build-result")).toContainText("built", { timeout: 60_000 });
    await expect(page.locator("#images-table td.tags", { hasText: tag })).toHaveCount(1, { timeout: 10_000 });

    // A path that does not exist is refused with the server's reason, and the form keeps its values.
    await form.getByLabel("Path").fill(join(dir, "missing"));
    await form.getByRole("button", { name: "Build" }).click();
    await expect(page.getByRole("alert")).toContainText("missing");
    await expect(form.getByLabel("Path")).toHaveValue(join(dir, "missing"));
    expect(errors).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    try {
      docker("rmi", "-f", tag);
    } catch {
      // never built
    }
  }
});
