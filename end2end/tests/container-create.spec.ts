// The create form /containers/new: fields labelled Image, Name, Command; rows "Ports 1", "Environment 1",
// "Volumes 1" (each list a group with an Add button); "Start after create"; the live `docker run` line in
// #docker-run-line; per-field messages in .field-error. Then the container's page: logs, terminal, stop,
// remove. Every object here has a unique name and is removed afterwards.
import { test, expect, type Page } from "@playwright/test";
import { docker, IMAGE } from "./docker";

const SUFFIX = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const NAME = `berth-e2e-form-${SUFFIX}`;
const VOLUME = `berth-e2e-form-vol-${SUFFIX}`;
const REFUSED = `berth-e2e-form-bad-${SUFFIX}`;
const HOST_PORT = String(40000 + Math.floor(Math.random() * 9000));

test.describe.configure({ mode: "serial" });

test.afterAll(() => {
  for (const args of [["rm", "-f", NAME], ["rm", "-f", REFUSED], ["volume", "rm", "-f", VOLUME]]) {
    try {
      docker(...args);
    } catch {
      // already gone
    }
  }
});

async function openForm(page: Page): Promise<string[]> {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto("/containers");
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  await page.getByRole("link", { name: "Create container" }).click();
  await expect(page).toHaveURL(/\/containers\/new$/);
  await expect(page.getByLabel("Image", { exact: true })).toBeVisible();
  return pageErrors;
}

test("a container made with the form runs with its port, variable and volume, shows its logs, runs a command, stops and is removed after a confirmation", async ({
  page,
}) => {
  const pageErrors = await openForm(page);
  await page.getByLabel("Image", { exact: true }).fill(IMAGE);
  await page.getByLabel("Name", { exact: true }).fill(NAME);
  await page.getByLabel("Command", { exact: true }).fill(`sh -c 'echo "greeting: $GREETING"; exec sleep 300'`);
  await page.getByLabel("Ports 1").fill(`${HOST_PORT}:80`);
  await page.getByLabel("Environment 1").fill("GREETING=hello form");
  // A second variable row, added then removed again: only the first one counts.
  await page.getByRole("group", { name: "Environment" }).getByRole("button", { name: "Add" }).click();
  await page.getByLabel("Environment 2").fill("UNUSED=1");
  await page.getByRole("button", { name: "Remove variable 2" }).click();
  await expect(page.getByLabel("Environment 2")).toHaveCount(0);
  await page.getByLabel("Volumes 1").fill(`${VOLUME}:/data`);
  await expect(page.getByLabel("Start after create")).toBeChecked();

  const line = page.locator("#docker-run-line");
  await expect(line).toContainText(`docker run -d --name ${NAME} -p ${HOST_PORT}:80 -e 'GREETING=hello form' -v ${VOLUME}:/data`);
  await expect(line).not.toContainText("UNUSED");
  await expect(line).toContainText(`${IMAGE} sh -c 'echo "greeting: $GREETING"; exec sleep 300'`);
  await expect(page.locator(".field-error")).toHaveCount(0);

  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/containers/${NAME}$`), { timeout: 15_000 });
  await expect(page.locator('[data-fact="state"] dd')).toHaveText("running", { timeout: 10_000 });
  await expect(page.locator('[data-fact="ports"] dd')).toContainText(`${HOST_PORT}->80/tcp`);
  await expect(page.locator(".env-list")).toContainText("GREETING=hello form");
  await expect(page.locator(".mounts-table")).toContainText("/data");

  await page.getByRole("tab", { name: "Logs" }).click();
  await expect(page.locator("#log-view .log-line").filter({ hasText: "greeting: hello form" })).toHaveCount(1, {
    timeout: 10_000,
  });

  await page.getByRole("tab", { name: "Terminal" }).click();
  const terminal = page.locator("#terminal");
  await expect(terminal).toHaveAttribute("data-terminal-state", "open", { timeout: 15_000 });
  await terminal.click();
  await page.keyboard.type(`echo "made-$((6*7))" > /data/answer; cat /data/answer`);
  await page.keyboard.press("Enter");
  await expect(terminal.locator(".xterm-rows")).toContainText("made-42", { timeout: 10_000 });

  await page.getByRole("tab", { name: "Overview" }).click();
  await page.getByRole("button", { name: `Stop ${NAME}` }).click();
  await expect(page.locator('[data-fact="state"] dd')).toHaveText("exited", { timeout: 20_000 });
  await page.getByRole("button", { name: `Remove ${NAME}` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`'${NAME}'`);
  await dialog.getByRole("button", { name: "Remove" }).click();
  await expect(page).toHaveURL(/\/containers$/, { timeout: 10_000 });
  expect(() => docker("inspect", NAME)).toThrow();
  expect(pageErrors).toEqual([]);
});

test("a bad port gets its own message before anything is sent, the server's refusal shows too, and the form keeps its values", async ({
  page,
}) => {
  const pageErrors = await openForm(page);
  await page.getByLabel("Image", { exact: true }).fill(IMAGE);
  await page.getByLabel("Name", { exact: true }).fill(REFUSED);
  const port = page.getByLabel("Ports 1");
  await port.fill("99999:80");
  const message = page.locator(".field-error").filter({ hasText: "Invalid host port '99999'" });
  await expect(message).toBeVisible();
  await expect(port).toHaveAttribute("aria-invalid", "true");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page).toHaveURL(/\/containers\/new$/);
  await expect(message).toBeVisible();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(REFUSED);
  await expect(port).toHaveValue("99999:80");
  expect(() => docker("inspect", REFUSED)).toThrow();

  // Valid to the form, refused by the server (no such image): its sentence shows, nothing is left behind.
  await port.fill("8080:80");
  await expect(page.locator(".field-error")).toHaveCount(0);
  await page.getByLabel("Image", { exact: true }).fill(`berth-e2e/missing:${SUFFIX}`);
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByRole("alert")).toContainText(`Image 'berth-e2e/missing:${SUFFIX}' not found`, { timeout: 10_000 });
  await expect(page).toHaveURL(/\/containers\/new$/);
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(REFUSED);
  expect(() => docker("inspect", REFUSED)).toThrow();
  expect(pageErrors).toEqual([]);
});
