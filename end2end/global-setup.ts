// Runs once before the tests: wait until Berth's /health answers 200 (60 s at most), so a slow server
// start shows up as one clear message instead of every test failing on "connection refused".
export default async function globalSetup(): Promise<void> {
  const base = (process.env.BERTH_URL ?? "http://127.0.0.1:3000").replace(/\/+$/, "");
  const url = `${base}/health`;
  const deadline = Date.now() + 60_000;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`;
    } catch (err) {
      // fetch() reports "fetch failed"; the reason (ECONNREFUSED, ...) is in its cause.
      const cause = (err as { cause?: unknown }).cause;
      last = cause ? `${err} (${cause})` : String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Berth did not answer ${url} with 200 within 60 s (last: ${last})`);
}
