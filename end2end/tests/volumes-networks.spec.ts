// Volumes and networks in the console: create from the form (labels, options, IPAM), who uses an object,
// connect and disconnect with an alias and a fixed address, remove with a dialog, prune with a preview.
//
// Every object is made by this spec with a unique name and removed by it. The prune specs never confirm a
// prune on the shared engine: they check that the preview lists exactly what the daemon calls unused
// (`docker volume ls -f dangling=true`, `docker network ls -f dangling=true`) and cancel.
//
// Selectors: form#create-volume / form#create-network (labelled fields, rows added with "Add label" /
// "Add option"); #volumes-table / #networks-table tr[data-name]; "Details of <name>" expands a row;
// role="dialog" with its confirming button; .preview-list (the prune preview).
import { test, expect, type Page } from "@playwright/test";
import { docker, IMAGE } from "./docker";

const SUFFIX = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const VOLUME = `berth-e2e-vn-vol-${SUFFIX}`;
const USED_VOLUME = `berth-e2e-vn-used-${SUFFIX}`;
const NETWORK = `berth-e2e-vn-net-${SUFFIX}`;
const CONTAINER = `berth-e2e-vn-box-${SUFFIX}`;
// A subnet of its own, outside the test engines' pools (10.212-10.217/16) and Docker's default ones.
const THIRD = 100 + Math.floor(Math.random() * 150);
const SUBNET = `10.250.${THIRD}.0/24`;
const GATEWAY = `10.250.${THIRD}.1`;
const FIXED_IP = `10.250.${THIRD}.42`;

test.describe.configure({ mode: "serial" });

test.afterAll(() => {
  for (const args of [
    ["rm", "-f", CONTAINER],
    ["volume", "rm", "-f", VOLUME],
    ["volume", "rm", "-f", USED_VOLUME],
    ["network", "rm", NETWORK],
  ]) {
    try {
      docker(...args);
    } catch {
      // already gone
    }
  }
});

async function open(page: Page, path: string): Promise<string[]> {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(path);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  return pageErrors;
}

/**
 * Opens the prune preview and returns what it lists once that equals what the daemon calls unused, read just
 * before and just after (the engine is shared: other specs' objects come and go meanwhile, so a preview
 * taken while they changed is taken again).
 */
async function previewMatching(page: Page, unused: () => string[]): Promise<string[]> {
  const dialog = page.getByRole("dialog");
  let listed: string[] = [];
  await expect(async () => {
    if ((await dialog.count()) > 0) await dialog.getByRole("button", { name: /Cancel|Close/ }).click();
    const before = unused();
    await page.getByRole("button", { name: "Prune unused" }).click();
    await expect(dialog).toBeVisible();
    listed = (await dialog.locator(".preview-list li").allTextContents()).map((line) => line.replace(/ \(.*\)$/, "")).sort();
    expect(unused(), "the daemon's unused list changed meanwhile").toEqual(before);
    expect(listed).toEqual(before);
  }).toPass({ timeout: 30_000 });
  return listed;
}

test("a volume created with a label and an option appears, shows its user, and is removed through a dialog", async ({ page }) => {
  const pageErrors = await open(page, "/volumes");
  const form = page.locator("form#create-volume");
  await form.getByLabel("Name").fill(VOLUME);
  await expect(form.getByLabel("Driver")).toHaveValue("local");
  await form.getByRole("button", { name: "Add label" }).click();
  await form.getByLabel("Label 1 key").fill("berth-e2e");
  await form.getByLabel("Label 1 value").fill(SUFFIX);
  await form.getByRole("button", { name: "Add option" }).click();
  await form.getByLabel("Option 1 key").fill("type");
  await form.getByLabel("Option 1 value").fill("tmpfs");
  await form.getByRole("button", { name: "Add option" }).click();
  await form.getByLabel("Option 2 key").fill("device");
  await form.getByLabel("Option 2 value").fill("tmpfs");
  await form.getByRole("button", { name: "Create", exact: true }).click();

  const row = page.locator(`#volumes-table tr[data-name="${VOLUME}"]`);
  await expect(row).toHaveCount(1, { timeout: 20_000 });
  await expect(page.locator(".toast")).toContainText(VOLUME);
  expect(docker("volume", "inspect", VOLUME, "--format", "{{index .Labels \"berth-e2e\"}} {{.Options.type}}")).toBe(`${SUFFIX} tmpfs`);

  // Who uses it: a container made with the CLI shows in the expanded row.
  docker("volume", "create", USED_VOLUME);
  docker("create", "--name", CONTAINER, "-v", `${USED_VOLUME}:/data`, IMAGE, "sleep", "300");
  const used = page.locator(`#volumes-table tr[data-name="${USED_VOLUME}"]`);
  await expect(used).toHaveCount(1, { timeout: 10_000 });
  await page.getByRole("button", { name: `Details of ${USED_VOLUME}` }).click();
  const users = page.locator(`[id="volume-users-${USED_VOLUME}"]`);
  await expect(users).toContainText(CONTAINER);
  await expect(users).toContainText("/data");
  await page.getByRole("button", { name: `Details of ${VOLUME}` }).click();
  await expect(page.locator(`[id="volume-users-${VOLUME}"]`)).toContainText("No container uses this volume.");

  // Remove asks first, naming the volume; Esc closes the dialog without removing.
  await page.getByRole("button", { name: `Remove ${VOLUME}` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(VOLUME);
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(row).toHaveCount(1);
  await page.getByRole("button", { name: `Remove ${VOLUME}` }).click();
  await dialog.getByRole("button", { name: "Remove" }).click();
  await expect(row).toHaveCount(0, { timeout: 20_000 });
  expect(() => docker("volume", "inspect", VOLUME)).toThrow();

  expect(pageErrors, "uncaught errors in the page").toEqual([]);
});

test("the volume prune preview lists exactly the volumes the daemon calls unused, and Cancel removes nothing", async ({ page }) => {
  // USED_VOLUME is mounted by CONTAINER (stopped): in use. A fresh one is unused.
  docker("volume", "create", VOLUME);
  const pageErrors = await open(page, "/volumes");
  const dialog = page.getByRole("dialog");
  const unusedVolumes = () => docker("volume", "ls", "-q", "-f", "dangling=true").split("\n").filter(Boolean).sort();
  const listed = await previewMatching(page, unusedVolumes);
  expect(listed).toContain(VOLUME);
  expect(listed).not.toContain(USED_VOLUME);
  await expect(dialog).toContainText("freeing");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  docker("volume", "inspect", VOLUME);
  docker("volume", "rm", VOLUME);
  expect(pageErrors, "uncaught errors in the page").toEqual([]);
});

test("a network created with a subnet gets a container connected with an alias and a fixed address, then disconnected and removed", async ({ page }) => {
  const pageErrors = await open(page, "/networks");
  const form = page.locator("form#create-network");
  await form.getByLabel("Name").fill(NETWORK);
  await form.getByLabel("Subnet").fill(SUBNET);
  await form.getByLabel("Gateway").fill(GATEWAY);
  await form.getByLabel("Attachable").check();
  await form.getByRole("button", { name: "Add label" }).click();
  await form.getByLabel("Label 1 key").fill("berth-e2e");
  await form.getByLabel("Label 1 value").fill(SUFFIX);
  await form.getByRole("button", { name: "Create", exact: true }).click();

  const row = page.locator(`#networks-table tr[data-name="${NETWORK}"]`);
  await expect(row).toHaveCount(1, { timeout: 20_000 });
  await expect(row.locator("td.subnet")).toHaveText(SUBNET);
  expect(docker("network", "inspect", NETWORK, "--format", "{{.Attachable}} {{index .Labels \"berth-e2e\"}}")).toBe(`true ${SUFFIX}`);

  // Connect a running container made with the CLI, with an alias and a fixed IPv4 address.
  try {
    docker("rm", "-f", CONTAINER);
  } catch {
    // not there
  }
  docker("run", "-d", "--name", CONTAINER, IMAGE, "sleep", "300");
  await page.getByRole("button", { name: `Connect a container to ${NETWORK}` }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Container").selectOption(CONTAINER);
  await dialog.getByLabel("Aliases").fill("e2e-alias");
  await dialog.getByLabel("IPv4 address").fill(FIXED_IP);
  await dialog.getByRole("button", { name: "Connect" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.locator(".toast")).toContainText(CONTAINER, { timeout: 20_000 });
  expect(docker("inspect", CONTAINER, "--format", `{{(index .NetworkSettings.Networks "${NETWORK}").IPAddress}}`)).toBe(FIXED_IP);

  await page.getByRole("button", { name: `Details of ${NETWORK}` }).click();
  const connected = page.locator(`[id="network-details-${NETWORK}"] tr[data-container="${CONTAINER}"]`);
  await expect(connected.locator("td.ipv4")).toHaveText(`${FIXED_IP}/24`);
  await expect(connected.locator("td.aliases")).toContainText("e2e-alias");

  await page.getByRole("button", { name: `Disconnect ${CONTAINER} from ${NETWORK}` }).click();
  await expect(connected).toHaveCount(0, { timeout: 20_000 });
  expect(docker("inspect", CONTAINER, "--format", "{{json .NetworkSettings.Networks}}")).not.toContain(NETWORK);

  await page.getByRole("button", { name: `Remove ${NETWORK}` }).click();
  await expect(page.getByRole("dialog")).toContainText(NETWORK);
  await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
  await expect(row).toHaveCount(0, { timeout: 20_000 });
  expect(() => docker("network", "inspect", NETWORK)).toThrow();

  expect(pageErrors, "uncaught errors in the page").toEqual([]);
});

test("the network prune preview lists exactly the networks the daemon calls unused, and Cancel removes nothing", async ({ page }) => {
  docker("network", "create", NETWORK);
  const pageErrors = await open(page, "/networks");
  await expect(page.locator(`#networks-table tr[data-name="${NETWORK}"]`)).toHaveCount(1);
  const dialog = page.getByRole("dialog");
  const unusedNetworks = () =>
    docker("network", "ls", "-f", "dangling=true", "--format", "{{.Name}}")
      .split("\n")
      .filter((name) => name && !["bridge", "host", "none"].includes(name))
      .sort();
  const listed = await previewMatching(page, unusedNetworks);
  expect(listed).toContain(NETWORK);
  expect(listed).not.toContain("bridge");
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  docker("network", "inspect", NETWORK);
  docker("network", "rm", NETWORK);
  expect(pageErrors, "uncaught errors in the page").toEqual([]);
});
