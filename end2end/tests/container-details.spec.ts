// The container page /containers/<name>: tabs Overview, Logs, Stats, Processes, Terminal and Inspect, and
// the page following the container's events. The container is made with the docker CLI (unique name) and
// removed through the page's Remove button and its dialog.
//
// Selectors: role="tablist" / "tab" / "tabpanel" with the tabs' names; [data-fact="<state|image|...>"] dd in
// the overview; #log-view .log-line (only the lines in view are in the page), the search box labelled
// "Search"; #cpu-chart / #memory-chart svg polyline; #processes-table; #inspect-json; #terminal (.terminal-box) with
// data-terminal-state="open" once its WebSocket is up.
import { execFileSync } from "node:child_process";
import { test, expect, type Page } from "@playwright/test";
import { docker, IMAGE } from "./docker";

const SUFFIX = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const NAME = `berth-e2e-details-${SUFFIX}`;
const NEEDLE = `old-needle-${SUFFIX}`;

test.describe.configure({ mode: "serial" });

test.beforeAll(() => {
  // One old line to search for, 500 lines after it, then a tick a second.
  const script = `echo ${NEEDLE}; seq 1 500; while true; do echo tick; sleep 1; done`;
  docker("run", "-d", "--name", NAME, "--network", "none", "--label", `berth.e2e=${SUFFIX}`, IMAGE, "sh", "-c", script);
});

test.afterAll(() => {
  try {
    docker("rm", "-f", NAME);
  } catch {
    // removed by the test
  }
});

async function openDetails(page: Page): Promise<string[]> {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(`/containers/${NAME}`);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  return pageErrors;
}

test("the page's first HTML carries the container's overview and the six tabs", async ({ request }) => {
  const res = await request.get(`/containers/${NAME}`);
  expect(res.status()).toBe(200);
  const html = await res.text();
  expect(html).toContain('role="tablist"');
  for (const tab of ["Overview", "Logs", "Stats", "Processes", "Terminal", "Inspect"]) {
    expect(html, tab).toMatch(new RegExp(`role="tab"[^>]*>${tab}(<!>)?</button>`));
  }
  expect(html).toContain(IMAGE);
  expect(html).toContain(`berth.e2e=${SUFFIX}`);
});

test("the list links each name to its page, whose overview tells image, state and command", async ({ page }) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto("/containers");
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  await page.locator(`#containers-table tr[data-name="${NAME}"]`).getByRole("link", { name: NAME }).click();
  await expect(page).toHaveURL(new RegExp(`/containers/${NAME}$`));
  await expect(page.getByRole("tab", { name: "Overview" })).toHaveAttribute("aria-selected", "true");
  // Arrow keys select the next tab and move the focus onto it (WAI-ARIA tabs)
  await page.getByRole("tab", { name: "Overview" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("tab", { name: "Logs" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("tab", { name: "Logs" })).toBeFocused();
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByRole("tab", { name: "Overview" })).toBeFocused();
  await expect(page.locator('[data-fact="image"] dd')).toHaveText(IMAGE);
  await expect(page.locator('[data-fact="state"] dd')).toHaveText("running");
  await expect(page.locator('[data-fact="command"] dd')).toContainText(NEEDLE);
  await expect(page.getByRole("button", { name: `Stop ${NAME}` })).toBeEnabled();
  expect(pageErrors).toEqual([]);
});

test("the logs tab follows the output, and its search finds a line written long before the last ones", async ({ page }) => {
  const pageErrors = await openDetails(page);
  await page.getByRole("tab", { name: "Logs" }).click();
  await expect(page.getByRole("tabpanel")).toBeVisible();
  const lines = page.locator("#log-view .log-line");
  await expect(lines.filter({ hasText: "tick" }).first()).toBeVisible({ timeout: 10_000 });
  // A window over the log: far fewer lines in the page than in the log.
  expect(await lines.count()).toBeLessThan(200);
  await expect(page.locator(".logs-summary")).toHaveText(/^\d+ lines$/);

  await page.getByLabel("Search", { exact: true }).fill(NEEDLE);
  await page.getByRole("button", { name: "Find" }).click();
  await expect(page.locator(".logs-summary")).toHaveText("1 matching line", { timeout: 10_000 });
  await expect(lines).toHaveCount(1);
  await expect(lines.first()).toHaveText(NEEDLE);

  await page.getByLabel("Timestamps").check();
  await expect(lines.first().locator(".log-time")).toHaveText(/^\d{4}-\d\d-\d\dT/, { timeout: 10_000 });
  const download = page.getByRole("link", { name: "Download" });
  await expect(download).toHaveAttribute("href", `/api/containers/${NAME}/logs?format=text&tail=all&timestamps=true`);
  expect(pageErrors).toEqual([]);
});

test("the stats tab draws CPU and memory charts from the live samples", async ({ page }) => {
  const pageErrors = await openDetails(page);
  await page.getByRole("tab", { name: "Stats" }).click();
  const cpu = page.locator("#cpu-chart svg polyline");
  await expect(cpu).toHaveAttribute("points", /\d+(\.\d+)?,\d+(\.\d+)? \d/, { timeout: 15_000 });
  await expect(page.locator("#memory-chart svg polyline")).toHaveAttribute("points", /\d/);
  await expect(page.locator("#memory-chart .chart-figure")).toContainText(" of ");
  expect(pageErrors).toEqual([]);
});

test("the processes tab lists the container's processes, the inspect tab its raw JSON", async ({ page }) => {
  const pageErrors = await openDetails(page);
  await page.getByRole("tab", { name: "Processes" }).click();
  await expect(page.locator("#processes-table")).toContainText("sleep", { timeout: 10_000 });

  await page.getByRole("tab", { name: "Inspect" }).click();
  const json = page.locator("#inspect-json");
  await expect(json).toContainText('"Id"', { timeout: 10_000 });
  const document = JSON.parse((await json.textContent()) ?? "{}");
  expect(document.Name).toBe(`/${NAME}`);
  expect(document.Config.Labels["berth.e2e"]).toBe(SUFFIX);
  expect(pageErrors).toEqual([]);
});

test("the terminal tab runs a command in the container and shows its output", async ({ page }) => {
  const pageErrors = await openDetails(page);
  await page.getByRole("tab", { name: "Terminal" }).click();
  const terminal = page.locator("#terminal");
  await expect(terminal).toHaveAttribute("data-terminal-state", "open", { timeout: 15_000 });
  await terminal.click();
  await page.keyboard.type(`echo "hello-$((40+2))-${SUFFIX}"`);
  await page.keyboard.press("Enter");
  // The shell computed 42: the output, not the echo of the typed line.
  await expect(terminal.locator(".xterm-rows")).toContainText(`hello-42-${SUFFIX}`, { timeout: 10_000 });
  expect(pageErrors).toEqual([]);
});

test("a stop made with the docker CLI shows on the open page, and Remove asks first, then removes", async ({ page }) => {
  const pageErrors = await openDetails(page);
  await page.evaluate(() => {
    (window as unknown as { __marker?: number }).__marker = 1;
  });
  await expect(page.locator('[data-fact="state"] dd')).toHaveText("running");
  docker("stop", "-t", "0", NAME);
  await expect(page.locator('[data-fact="state"] dd')).toHaveText("exited", { timeout: 5_000 });
  // Only what applies is shown: "Start <name>" finds one button (no "Restart <name>" beside it).
  await expect(page.getByRole("button", { name: `Start ${NAME}` })).toBeEnabled();
  await expect(page.getByRole("button", { name: `Stop ${NAME}` })).toHaveCount(0);
  const marker = await page.evaluate(() => (window as unknown as { __marker?: number }).__marker);
  expect(marker, "the page was reloaded").toBe(1);

  await page.getByRole("button", { name: `Remove ${NAME}` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`'${NAME}'`);
  // the focus moves into the dialog, onto the choice that destroys nothing
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  expect(docker("inspect", "-f", "{{.State.Status}}", NAME)).toBe("exited");

  await page.getByRole("button", { name: `Remove ${NAME}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
  await expect(page).toHaveURL(/\/containers$/, { timeout: 10_000 });
  await expect(page.locator(`#containers-table tr[data-name="${NAME}"]`)).toHaveCount(0, { timeout: 10_000 });
  expect(() => execFileSync("docker", ["inspect", NAME], { stdio: "pipe", env: process.env })).toThrow(/No such object/);
  expect(pageErrors).toEqual([]);
});

test("a container removed with the docker CLI leaves its open page saying so, without its old facts", async ({ page }) => {
  const gone = `${NAME}-gone`;
  docker("run", "-d", "--name", gone, "--network", "none", "--label", `berth.e2e=${SUFFIX}`, IMAGE, "sleep", "600");
  try {
    const pageErrors: string[] = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));
    await page.goto(`/containers/${gone}`);
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
    await expect(page.locator('[data-fact="state"] dd')).toHaveText("running");
    // the tab is named after the container
    await expect(page).toHaveTitle(`${gone} · Containers · Berth`);
    docker("rm", "-f", gone);
    await expect(page.locator('[role="alert"]')).toContainText("not found", { timeout: 5_000 });
    await expect(page.locator('[data-fact="state"]')).toHaveCount(0);
    await expect(page.getByRole("button", { name: `Stop ${gone}` })).toHaveCount(0);
    expect(pageErrors).toEqual([]);
  } finally {
    try {
      docker("rm", "-f", gone);
    } catch {
      // removed by the test
    }
  }
});
