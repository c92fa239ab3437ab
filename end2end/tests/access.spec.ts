// Access control in the console, against a second Berth that has users (scripts/test.sh starts it on
// BERTH_AUTH_URL with a data directory of its own holding the users below, made with `berth user add`).
//
// Selectors: #login-form with the labelled fields "Username" and "Password"; .user-menu .who; the
// containers table's row actions named "Stop <name>" / "Start <name>"; #create-volume; #prune-images;
// #create-token, #token-secret, #tokens-table; #create-user, #users-table; #audit-table; role="dialog".
import { test, expect, type Page } from "@playwright/test";
import { docker, IMAGE } from "./docker";

const AUTH_URL = process.env.BERTH_AUTH_URL ?? "http://127.0.0.1:3002";
const ADMIN = { name: process.env.BERTH_E2E_ADMIN ?? "e2e-admin", password: process.env.BERTH_E2E_ADMIN_PASSWORD ?? "" };
const VIEWER = { name: process.env.BERTH_E2E_VIEWER ?? "e2e-viewer", password: process.env.BERTH_E2E_VIEWER_PASSWORD ?? "" };
const SUFFIX = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const CONTAINER = `berth-e2e-acl-${SUFFIX}`;

test.describe.configure({ mode: "serial" });
test.use({ baseURL: AUTH_URL });

test.beforeAll(() => {
  expect(ADMIN.password, "BERTH_E2E_ADMIN_PASSWORD is set by scripts/test.sh").not.toBe("");
  docker("run", "-d", "--name", CONTAINER, "--network", "none", IMAGE);
});

test.afterAll(() => {
  try {
    docker("rm", "-f", CONTAINER);
  } catch {
    // already gone
  }
});

async function signIn(page: Page, user: { name: string; password: string }): Promise<void> {
  await page.goto("/login");
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  await page.getByLabel("Username").fill(user.name);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${AUTH_URL}/`);
  await expect(page.locator(".user-menu .who")).toContainText(user.name);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
}

async function openHydrated(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
}

test("a viewer sees no destructive buttons on a container's page, and no raw inspect document", async ({ page }) => {
  await signIn(page, VIEWER);
  await openHydrated(page, `/containers/${CONTAINER}`);
  await expect(page.getByRole("tab", { name: "Overview" })).toHaveAttribute("aria-selected", "true");
  await expect(page.locator('[data-fact="state"] dd')).toHaveText("running");
  for (const action of ["Start", "Stop", "Restart", "Remove"]) {
    await expect(page.getByRole("button", { name: `${action} ${CONTAINER}`, exact: true })).toHaveCount(0);
  }
  await page.getByRole("tab", { name: "Inspect" }).click();
  await expect(page.getByRole("tabpanel")).toContainText("for admins only");
  await expect(page.locator("#inspect-json")).toHaveCount(0);
  await page.getByRole("tab", { name: "Terminal" }).click();
  await expect(page.getByRole("tabpanel")).toContainText("may not open a terminal");
  // Reads stay open to a viewer: the log of the container.
  await page.getByRole("tab", { name: "Logs" }).click();
  await expect(page.locator("#log-view")).toBeVisible();
});

test("a console page without a session leads to the sign-in page, and a wrong password says so", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(`${AUTH_URL}/login`);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  await page.getByLabel("Username").fill(VIEWER.name);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("Invalid username or password");
  await expect(page).toHaveURL(`${AUTH_URL}/login`);
});

test("a viewer sees no actions, and the server refuses them anyway", async ({ page }) => {
  await signIn(page, VIEWER);
  await expect(page.locator(".user-menu .who")).toContainText("viewer");
  await openHydrated(page, "/containers");
  const row = page.locator(`#containers-table tr[data-name="${CONTAINER}"]`);
  await expect(row).toHaveCount(1);
  await expect(row.getByRole("button")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);

  // The server refuses a stop from this session even with the right CSRF token.
  const answer = await page.evaluate(async (name) => {
    const csrf = document.cookie.split("; ").find((c) => c.startsWith("berth_csrf="))?.split("=")[1] ?? "";
    const res = await fetch(`/api/containers/${name}/stop`, { method: "POST", headers: { "X-CSRF-Token": csrf } });
    return { status: res.status, body: await res.json() };
  }, CONTAINER);
  expect(answer.status).toBe(403);
  expect(answer.body.error).toContain("viewer");
  expect(docker("inspect", "-f", "{{.State.Running}}", CONTAINER)).toBe("true");

  await page.goto("/volumes");
  await expect(page.locator("#volumes-table")).toBeVisible();
  await expect(page.locator("#create-volume")).toHaveCount(0);
  await page.goto("/images");
  await expect(page.locator("#images-table")).toBeVisible();
  await expect(page.locator("#prune-images")).toHaveCount(0);
});

test("a viewer sees no Create container link, no bulk actions and no row checkboxes, and the create form is not theirs", async ({
  page,
}) => {
  await signIn(page, VIEWER);
  await openHydrated(page, "/containers");
  await expect(page.locator(`#containers-table tr[data-name="${CONTAINER}"]`)).toHaveCount(1);
  await expect(page.getByRole("link", { name: "Create container" })).toHaveCount(0);
  await expect(page.getByRole("toolbar", { name: "Bulk actions" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /selected containers/ })).toHaveCount(0);
  await expect(page.getByLabel(`Select ${CONTAINER}`)).toHaveCount(0);
  await openHydrated(page, "/containers/new");
  await expect(page.locator(".create-page")).toContainText("for admins");
  await expect(page.getByLabel("Image", { exact: true })).toHaveCount(0);
  await openHydrated(page, `/containers/${CONTAINER}`);
  for (const action of ["Rename", "Recreate"]) {
    await expect(page.getByRole("button", { name: `${action} ${CONTAINER}`, exact: true })).toHaveCount(0);
  }
});

test("an admin stops a container, issues a token shown once, revokes it, manages users, reads the audit trail and signs out", async ({
  page,
  request,
}) => {
  await signIn(page, ADMIN);
  await openHydrated(page, "/containers");
  const row = page.locator(`#containers-table tr[data-name="${CONTAINER}"]`);
  await row.getByRole("button", { name: `Stop ${CONTAINER}` }).click();
  await expect(row.locator("td.state")).toHaveText(/exited/, { timeout: 15_000 });

  // A token: its secret is shown once and works; revoked, it stops working at once.
  const token = `e2e-token-${SUFFIX}`;
  await page.goto("/tokens");
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  await page.locator("#token-name").fill(token);
  await page.locator("#token-role").selectOption("operator");
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.locator("#token-secret").textContent()) ?? "";
  expect(secret).toMatch(/^berth_/);
  const me = await request.get("/api/auth/me", { headers: { Authorization: `Bearer ${secret}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).user).toMatchObject({ name: token, role: "operator", kind: "token" });
  await page.reload();
  await expect(page.locator(`#tokens-table tr[data-name="${token}"]`)).toHaveCount(1);
  await expect(page.locator("#token-secret")).toHaveCount(0);
  await page.getByRole("button", { name: `Revoke ${token}` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(token);
  await dialog.getByRole("button", { name: "Revoke" }).click();
  await expect(page.locator(`#tokens-table tr[data-name="${token}"] td.state`)).toHaveText("revoked");
  const after = await request.get("/api/auth/me", { headers: { Authorization: `Bearer ${secret}` } });
  expect(after.status()).toBe(401);

  // A user: added, then removed after a confirmation that names them.
  const user = `e2e-user-${SUFFIX}`;
  await page.goto("/users");
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  await page.locator("#user-name").fill(user);
  await page.locator("#user-password").fill("a long enough password 1");
  await page.getByRole("button", { name: "Add user" }).click();
  const userRow = page.locator(`#users-table tr[data-name="${user}"]`);
  await expect(userRow).toHaveCount(1);
  await page.getByRole("button", { name: `Remove ${user}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
  await expect(userRow).toHaveCount(0);

  // The audit trail shows what was done, by whom.
  await page.goto("/audit");
  const audit = page.locator("#audit-table");
  await expect(audit).toContainText(`/api/tokens/${token}`);
  await expect(audit).toContainText("/rpc/containers/stop");
  await expect(audit).toContainText(ADMIN.name);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(`${AUTH_URL}/login`);
  await page.goto("/");
  await expect(page).toHaveURL(`${AUTH_URL}/login`);
});
