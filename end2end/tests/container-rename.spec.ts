// The container page's Rename (dialog with a labelled "Name" field, checked as typed) and Recreate with
// another image (dialog with a labelled "Image" field, saying what it does). Unique names; all removed after.
import { test, expect } from "@playwright/test";
import { docker, IMAGE } from "./docker";

const SUFFIX = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const NAME = `berth-e2e-rename-${SUFFIX}`;
const RENAMED = `berth-e2e-renamed-${SUFFIX}`;
const TAG = `berth-e2e/recreate:${SUFFIX}`;

test.beforeAll(() => {
  docker("run", "-d", "--name", NAME, "--network", "none", "-e", "KEEP=me", IMAGE, "sleep", "300");
  docker("tag", IMAGE, TAG);
});

test.afterAll(() => {
  for (const args of [["rm", "-f", NAME], ["rm", "-f", RENAMED], ["rmi", TAG]]) {
    try {
      docker(...args);
    } catch {
      // already gone
    }
  }
});

test("a container is renamed from its page, then recreated from another image keeping its name and settings", async ({
  page,
}) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(`/containers/${NAME}`);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });

  await page.getByRole("button", { name: `Rename ${NAME}` }).click();
  let dialog = page.getByRole("dialog");
  const name = dialog.getByLabel("Name", { exact: true });
  await expect(name).toHaveValue(NAME);
  await name.fill("-not a name");
  await expect(dialog.locator(".field-error")).toContainText("Invalid container name");
  await expect(dialog.getByRole("button", { name: "Rename" })).toBeDisabled();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await page.getByRole("button", { name: `Rename ${NAME}` }).click();
  dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name", { exact: true }).fill(RENAMED);
  await dialog.getByRole("button", { name: "Rename" }).click();
  await expect(page).toHaveURL(new RegExp(`/containers/${RENAMED}$`), { timeout: 10_000 });
  await expect(page.locator(".container-name")).toHaveText(RENAMED);
  expect(() => docker("inspect", NAME)).toThrow();
  const id = docker("inspect", "-f", "{{.Id}}", RENAMED);

  await page.getByRole("button", { name: `Recreate ${RENAMED}` }).click();
  dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("same configuration");
  await expect(dialog).toContainText("keeps its name");
  await dialog.getByLabel("Image", { exact: true }).fill(TAG);
  await dialog.getByRole("button", { name: "Recreate" }).click();
  await expect(page.getByRole("status")).toContainText(`Container '${RENAMED}' recreated from image '${TAG}'`, {
    timeout: 30_000,
  });
  await expect(page.locator('[data-fact="image"] dd')).toHaveText(TAG, { timeout: 10_000 });
  await expect(page.locator('[data-fact="state"] dd')).toHaveText("running");
  expect(docker("inspect", "-f", "{{.Config.Image}} {{.State.Status}}", RENAMED)).toBe(`${TAG} running`);
  expect(docker("inspect", "-f", "{{.Id}}", RENAMED)).not.toBe(id);
  expect(docker("inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", RENAMED)).toContain("KEEP=me");
  expect(pageErrors).toEqual([]);
});
