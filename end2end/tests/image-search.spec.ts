// Searching a registry from the images page ("Search a registry", label "Term", #search-results, a "Pull <name>"
// button per repository that fills the pull form). No registry on the internet is reachable here, so the spec
// serves the registry's search endpoint (`/v1/search`, what `docker search` asks) on a loopback port and
// searches `127.0.0.1:<port>/<term>`: the real daemon asks it, Berth shows what the daemon answers.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { test, expect, type Page } from "@playwright/test";

/// A registry index answering searches with one repository; `asked` collects the queries it got.
function startIndex(asked: string[]): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const url = request.url ?? "";
    if (url.startsWith("/v1/search")) {
      asked.push(url);
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(
        JSON.stringify({
          num_results: 1,
          query: new URL(url, "http://index").searchParams.get("q"),
          results: [{ name: "team/app", description: "The team's app", star_count: 7, is_official: true, is_automated: false }],
        }),
      );
    } else if (url.startsWith("/v1/_ping")) {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end("true");
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/// Opens /images, switches to "Search a registry" and searches `term`; answers the search form.
async function search(page: Page, term: string) {
  await page.goto("/images");
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  await page.getByRole("button", { name: "Search a registry" }).click();
  const form = page.locator("#search-images");
  await form.getByLabel("Term").fill(term);
  await form.getByRole("button", { name: "Search" }).click();
  return form;
}

test("a registry search lists what the registry has, and Pull fills the pull form with the name", async ({ page }) => {
  const asked: string[] = [];
  const index = await startIndex(asked);
  const port = (index.address() as AddressInfo).port;
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  try {
    await search(page, `127.0.0.1:${port}/app`);
    const row = page.locator('#search-results tr[data-name="team/app"]');
    await expect(row).toContainText("The team's app", { timeout: 20_000 });
    await expect(row).toContainText("7");
    await expect(row).toContainText("yes");
    expect(asked.some((query) => query.includes("q=app")), `the index was asked: ${asked}`).toBe(true);

    await row.getByRole("button", { name: "Pull team/app" }).click();
    await expect(page.locator("#pull-image").getByLabel("Image")).toHaveValue("team/app");
    expect(errors).toEqual([]);
  } finally {
    index.close();
  }
});

test("a search of a registry that cannot be reached says so, and the form stays usable", async ({ page }) => {
  // A loopback port that was free a moment ago: nothing answers there.
  const probe = await startIndex([]);
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const form = await search(page, `127.0.0.1:${port}/app`);
  await expect(page.getByRole("alert")).toContainText(`127.0.0.1:${port}/app`, { timeout: 30_000 });
  await expect(form.getByRole("button", { name: "Search" })).toBeEnabled();
  await expect(page.locator("#search-results")).toHaveCount(0);
});
