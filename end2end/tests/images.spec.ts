// The images console: pull with per-layer progress from the local registry, build from an uploaded context
// with live output, tag and push (with per-layer progress) to the local registry, and a prune that first
// shows what it removes.
//
// Selectors: #pull-image (labels "Image", "Tag"), #pull-progress [role="progressbar"], #pull-result;
// #push-progress [role="progressbar"] (labelled "Layer <id>") while and after a push;
// "Build an image" then #build-image (labels "Context", "Tag"), #build-output, #build-result;
// row buttons "Tag <ref>", "Push <ref>", "Remove <ref>"; the tag dialog (labels "Repository", "Tag");
// #prune-images opens a dialog with #prune-preview, its "Prune" button; the toast, then #prune-result (the ids).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { test, expect, type Page } from "@playwright/test";
import { docker, dockerWithInput, IMAGE, REGISTRY } from "./docker";

const SUFFIX = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/// Removes image references, ignoring those already gone.
function removeImages(...references: string[]): void {
  for (const reference of references) {
    try {
      docker("rmi", "-f", reference);
    } catch {
      // already gone
    }
  }
}

async function open(page: Page, path: string): Promise<string[]> {
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  await page.goto(path);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  return errors;
}

test("pulling an image from the local registry shows each layer's progress, then the image in the list", async ({ page }) => {
  const repository = `${REGISTRY}/berth-e2e/pull-${SUFFIX}`;
  const reference = `${repository}:v1`;
  try {
    // An image with a layer of its own, pushed to the registry and removed here: the pull downloads it.
    dockerWithInput(`FROM ${IMAGE}\nRUN echo pull-${SUFFIX} > /id\n`, "build", "-q", "-t", reference, "-");
    docker("push", "-q", reference);
    docker("rmi", reference);

    const errors = await open(page, "/images");
    const form = page.locator("#pull-image");
    await form.getByLabel("Image", { exact: true }).fill(repository);
    await form.getByLabel("Tag", { exact: true }).fill("v1");
    await form.getByRole("button", { name: "Pull" }).click();

    const bars = page.locator('#pull-progress [role="progressbar"]');
    await expect(bars.first()).toBeAttached({ timeout: 30_000 });
    await expect(page.locator("#pull-result")).toContainText(`Image '${reference}' pulled successfully`, { timeout: 60_000 });
    // Every layer ends complete (downloaded, or already here).
    const count = await bars.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) {
      await expect(bars.nth(i)).toHaveAttribute("aria-valuenow", "100");
    }
    await expect(page.locator("#images-table td.tags", { hasText: reference })).toHaveCount(1, { timeout: 10_000 });
    expect(errors).toEqual([]);
  } finally {
    removeImages(reference);
  }
});

test("a pull of an image the registry does not have says so", async ({ page }) => {
  const errors = await open(page, "/images");
  const form = page.locator("#pull-image");
  await form.getByLabel("Image", { exact: true }).fill(`${REGISTRY}/berth-e2e/never-pushed-${SUFFIX}`);
  await form.getByRole("button", { name: "Pull" }).click();
  await expect(page.locator('[role="alert"]')).toContainText(/not found|does not exist|unknown/i, { timeout: 30_000 });
  await expect(form.getByRole("button", { name: "Pull" })).toBeEnabled();
  expect(errors).toEqual([]);
});

test("building from an uploaded context shows the builder's steps as they run, then the image", async ({ page }) => {
  const tag = `berth-e2e/build-${SUFFIX}:1`;
  const dir = mkdtempSync(join(tmpdir(), "berth-e2e-build-"));
  try {
    writeFileSync(join(dir, "Dockerfile"), `FROM ${IMAGE}\nRUN echo built-${SUFFIX}\n`);
    const archive = join(dir, "context.tar");
    execFileSync("tar", ["-cf", archive, "-C", dir, "Dockerfile"]);

    const errors = await open(page, "/images");
    await page.getByRole("button", { name: "Build an image" }).click();
    const form = page.locator("#build-image");
    await form.getByLabel("Context").setInputFiles(archive);
    await form.getByLabel("Tag", { exact: true }).fill(tag);
    await form.getByRole("button", { name: "Build" }).click();

    const output = page.locator("#build-output");
    await expect(output).toContainText("Step 1/2", { timeout: 30_000 });
    await expect(output).toContainText(`built-${SUFFIX}`, { timeout: 60_000 });
    await expect(page.locator("#build-result")).toContainText("built", { timeout: 60_000 });
    await expect(page.locator("#images-table td.tags", { hasText: tag })).toHaveCount(1, { timeout: 10_000 });
    expect(errors).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    removeImages(tag);
  }
});

test("an image tagged in a dialog on its page is pushed to the local registry", async ({ page, request }) => {
  const repository = `${REGISTRY}/berth-e2e/tagged-${SUFFIX}`;
  const reference = `${repository}:v2`;
  try {
    const errors = await open(page, `/images/${IMAGE}`);
    await expect(page.locator("h1")).toHaveText(IMAGE);
    await expect(page.locator('#image-config [data-fact="command"] dd')).not.toBeEmpty();
    await expect(page.locator("#image-history tbody tr").first()).toBeVisible();

    await page.getByRole("button", { name: `Tag ${IMAGE}`, exact: true }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    await dialog.getByLabel("Repository").fill(repository);
    await dialog.getByLabel("Tag", { exact: true }).fill("v2");
    await dialog.getByRole("button", { name: "Tag", exact: true }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByRole("status")).toContainText(`tagged as '${reference}'`, { timeout: 20_000 });
    const newTag = page.locator("#image-tags a", { hasText: reference });
    await expect(newTag).toHaveCount(1, { timeout: 10_000 });

    await newTag.click();
    await expect(page.locator("h1")).toHaveText(reference);
    const push = page.getByRole("button", { name: `Push ${reference}`, exact: true });
    await push.click();
    await expect(page.getByRole("status")).toContainText(`Image '${reference}' pushed successfully`, { timeout: 60_000 });
    await expect(push).toBeEnabled();
    await expect(page.locator('#push-progress [role="progressbar"]').first()).toHaveAttribute("aria-valuenow", "100");

    const tags = await request.get(`http://${REGISTRY}/v2/berth-e2e/tagged-${SUFFIX}/tags/list`);
    expect(tags.status()).toBe(200);
    expect((await tags.json()).tags).toContain("v2");
    expect(errors).toEqual([]);
  } finally {
    removeImages(reference);
  }
});

test("pushing from the images list shows each layer's progress bar, then says it was pushed", async ({ page, request }) => {
  const repository = `${REGISTRY}/berth-e2e-push-${SUFFIX}`;
  const reference = `${repository}:v1`;
  try {
    docker("tag", IMAGE, reference);
    const layers = JSON.parse(docker("image", "inspect", "--format", "{{json .RootFS.Layers}}", reference)) as string[];
    const errors = await open(page, "/images");
    await page.locator("#images-search").fill(reference);
    const push = page.getByRole("button", { name: `Push ${reference}`, exact: true });
    await push.click();

    const bars = page.locator('#push-progress [role="progressbar"]');
    await expect(bars.first()).toBeAttached({ timeout: 30_000 });
    await expect(page.getByRole("status")).toContainText(`Image '${reference}' pushed successfully`, { timeout: 60_000 });
    await expect(push).toBeEnabled();
    // One bar per layer of the image, labelled with its id, each complete.
    await expect(bars).toHaveCount(layers.length);
    for (let i = 0; i < layers.length; i++) {
      const label = (await bars.nth(i).getAttribute("aria-label")) ?? "";
      const id = label.replace(/^Layer /, "");
      expect(id).toMatch(/^[0-9a-f]{12}$/);
      expect(layers.some((layer) => layer.replace("sha256:", "").startsWith(id))).toBe(true);
      await expect(bars.nth(i)).toHaveAttribute("aria-valuenow", "100");
    }

    const tags = await request.get(`http://${REGISTRY}/v2/berth-e2e-push-${SUFFIX}/tags/list`);
    expect(tags.status()).toBe(200);
    expect((await tags.json()).tags).toContain("v1");
    expect(errors).toEqual([]);
  } finally {
    removeImages(reference);
  }
});

test("prune first lists the dangling images and the space they free, then removes them and says so", async ({ page, request }) => {
  const tag = `berth-e2e/prune-${SUFFIX}:1`;
  try {
    // Two builds under one tag: the first one is left dangling.
    dockerWithInput(`FROM ${IMAGE}\nRUN echo first-${SUFFIX} > /id\n`, "build", "-q", "-t", tag, "-");
    const dangling = docker("image", "inspect", "--format", "{{.Id}}", tag).replace("sha256:", "").slice(0, 12);
    dockerWithInput(`FROM ${IMAGE}\nRUN echo second-${SUFFIX} > /id\n`, "build", "-q", "-t", tag, "-");

    const errors = await open(page, "/images");
    // Esc closes the dialog; nothing is removed.
    await page.locator("#prune-images").click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
    await page.locator("#prune-images").click();
    const preview = dialog.locator("#prune-preview");
    await expect(preview).toContainText(dangling, { timeout: 20_000 });
    await expect(preview).toContainText(/frees up to [\d.]+ ?(B|kB|MB|GB)/);
    // The preview removed nothing.
    expect((await request.get(`/api/images/${dangling}`)).status()).toBe(200);

    await dialog.getByRole("button", { name: "Prune", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: /Removed \d+ images/ })).toBeVisible({ timeout: 30_000 });
    await expect(page.locator("#prune-result")).toContainText(dangling);
    expect((await request.get(`/api/images/${dangling}`)).status()).toBe(404);
    // The tagged image stays.
    expect((await request.get(`/api/images/${tag}`)).status()).toBe(200);
    expect(errors).toEqual([]);
  } finally {
    removeImages(tag);
  }
});

test("an image's open page lists a container made from it with the docker CLI, and drops it once removed", async ({ page }) => {
  const name = `berth-e2e-user-of-image-${SUFFIX}`;
  try {
    const errors = await open(page, `/images/${IMAGE}`);
    const users = page.locator("#image-containers");
    await expect(users).not.toContainText(name);
    docker("create", "--name", name, "--network", "none", IMAGE, "sleep", "60");
    await expect(users).toContainText(name, { timeout: 5_000 });
    docker("rm", "-f", name);
    await expect(users).not.toContainText(name, { timeout: 5_000 });
    expect(errors).toEqual([]);
  } finally {
    try {
      docker("rm", "-f", name);
    } catch {
      // removed by the test
    }
  }
});
