/**
 * The notebooks in a real browser: a small fresh run, `buildNotebooks` over it, the
 * built site served on 127.0.0.1, each page opened in headless Chromium (Debian's
 * /usr/bin/chromium through playwright-core). Every Plot chart must have drawn data
 * marks (decoration is marked aria-hidden and does not count), no page error, no cell
 * error, no failed request or HTTP error, and no request to any host but the local
 * server: a CDN import fails the test (such requests are aborted and reported). A
 * full-page screenshot of each page goes to test/output/screenshots/.
 *
 * The run's files are hostile (issue 16, case 1): every free-text field the notebooks
 * show (the experiment's name and purpose, defense and observer names, the radio model,
 * the sweep summary's name, run, defense and shaper names) carries script payloads (an
 * `<img onerror>`, a `<script>`, a `javascript:` Markdown link). Each page must show
 * them as text and run none of them.
 *
 * Skipped, with a message, only when /usr/bin/chromium is absent outside CI; in CI
 * (`CI` set) a missing browser is a failure.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildNotebooks } from "../../notebooks/build.ts";
import { serveStatic } from "../../notebooks/serve.ts";
import { tinyRun } from "../fixtures/tiny-run.ts";
import { sweepSummary } from "../../sim/report/figures/privacy-cost.ts";

/** What a hostile run directory puts in its free-text fields: markup, a script, a javascript: link. */
const PAYLOAD = ` <img src=x onerror="__xss('img')"> <script>__xss('script')</script> [link](javascript:__xss('md')) <svg onload="__xss('svg')">`;

/** Appends PAYLOAD to the free-text fields of a JSON document, consistently across files. */
function poison(v: unknown, key = ""): unknown {
  if (Array.isArray(v)) return v.map((x) => poison(x, key));
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, poison(x, k)]));
  if (typeof v !== "string") return v;
  if (["experiment", "purpose", "defense", "radio", "name", "run", "sees", "cannotSee"].includes(key)) return v + PAYLOAD;
  // Observer names also sit inside "observer@vantage" strings: replace them wherever they occur.
  return v.replace(/volume-correlation/g, `volume-correlation${PAYLOAD}`);
}

function poisonRun(runDir: string, results: string): void {
  for (const f of readdirSync(runDir).filter((n) => n.endsWith(".json") && n !== "manifest.json")) {
    const p = join(runDir, f);
    writeFileSync(p, JSON.stringify(poison(JSON.parse(readFileSync(p, "utf8")))));
  }
  const metrics = JSON.parse(readFileSync(join(runDir, "metrics.json"), "utf8"));
  const summary = sweepSummary(`sweep${PAYLOAD}`, [{ run: `run${PAYLOAD}`, metrics }]);
  summary.rows = summary.rows.map((r) => ({ ...r, device: `${r.device}${PAYLOAD}`, server: `${r.server}${PAYLOAD}` }));
  mkdirSync(join(results, "sweeps", "evil"), { recursive: true });
  writeFileSync(join(results, "sweeps", "evil", "summary.json"), JSON.stringify(summary));
}

const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = Boolean(process.env.CI);
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), "..", "output", "screenshots");

/** Each notebook and the least number of charts it must show for the tiny run. */
const PAGES = [
  { name: "overview.html", charts: 5, shows: [`tiny-figures${PAYLOAD}`, `onerror="__xss('img')"`] },
  { name: "sweep.html", charts: 1, shows: [`sweep${PAYLOAD}`] },
  { name: "inspector.html", charts: 2, shows: [] as string[] },
];

interface ChartCheck {
  label: string;
  marks: number;
}

if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(`notebooks browser test skipped: ${CHROMIUM} is absent (install it with \`apt-get install -y chromium\`; in CI this test runs)`);
}

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)("notebooks in headless Chromium", () => {
  let browser: Browser;
  let base = "";
  let close: () => Promise<void> = async () => {};
  let tmp = "";

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (apt-get install -y chromium)`);
    tmp = mkdtempSync(join(tmpdir(), "chaff-notebooks-"));
    const { runDir } = await tinyRun(tmp);
    poisonRun(runDir, tmp);
    const { dist } = buildNotebooks({ results: tmp, quiet: true });
    const server = await serveStatic(dist, { port: 0 });
    base = server.url;
    close = server.close;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  for (const { name, charts, shows } of PAGES) {
    it(`${name}: every chart drawn with data marks, no error, nothing fetched from outside, no injected script run`, async () => {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const dialogs: string[] = [];
      page.on("dialog", async (d) => {
        dialogs.push(d.message());
        await d.dismiss();
      });
      await page.addInitScript(() => {
        const w = window as unknown as { __xssHits: string[]; __xss: (k: string) => void };
        w.__xssHits = [];
        w.__xss = (k: string) => w.__xssHits.push(k);
      });
      const pageErrors: string[] = [];
      const consoleErrors: string[] = [];
      const failed: string[] = [];
      const foreign: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error") consoleErrors.push(m.text());
      });
      page.on("requestfailed", (r) => {
        if (!foreign.includes(r.url())) failed.push(`${r.url()}: ${r.failure()?.errorText}`);
      });
      page.on("response", (r) => {
        if (r.status() >= 400) failed.push(`${r.url()}: HTTP ${r.status()}`);
      });
      await page.route("**/*", async (route) => {
        const url = route.request().url();
        if (url.startsWith(base) || url.startsWith("data:") || url.startsWith("blob:")) await route.continue();
        else {
          foreign.push(url);
          await route.abort("blockedbyclient");
        }
      });

      await page.goto(`${base}${name}`, { waitUntil: "load" });
      const found = await page
        .waitForFunction((n) => document.querySelectorAll('svg[class^="plot-"]').length >= n, charts, { timeout: 20_000 })
        .then(() => true)
        .catch(() => false);
      await page.waitForLoadState("networkidle");
      const checks: ChartCheck[] = await page.evaluate(() =>
        Array.from(document.querySelectorAll('svg[class^="plot-"]'))
          .filter((svg) => !/-ramp|-swatch/.test(svg.getAttribute("class") ?? ""))
          .map((svg, i) => {
            const groups = Array.from(svg.querySelectorAll(":scope > g[aria-label]")).filter(
              (g) => g.getAttribute("aria-hidden") !== "true" && !/axis|grid|frame|tip/.test(g.getAttribute("aria-label") ?? ""),
            );
            const marks = groups.reduce((n, g) => n + g.querySelectorAll("path, circle, line, rect, polygon, text").length, 0);
            const title = svg.closest("figure")?.querySelector("h2")?.textContent ?? "";
            return { label: `chart ${i + 1}${title ? ` "${title}"` : ""} (${groups.map((g) => g.getAttribute("aria-label")).join(", ")})`, marks };
          }),
      );
      const cellErrors = await page.locator(".observablehq--error").allTextContents();
      const injected = await page.evaluate(() => ({
        hits: (window as unknown as { __xssHits: string[] }).__xssHits,
        elements: document.querySelectorAll('img[src="x"], a[href^="javascript:" i], svg[onload], [onerror]').length,
        text: document.body.innerText,
      }));
      await page.screenshot({ path: join(SCREENSHOTS, name.replace(/\.html$/, ".png")), fullPage: true });
      await page.close();

      expect(injected.hits, "injected scripts that ran").toEqual([]);
      expect(dialogs, "dialogs opened").toEqual([]);
      expect(injected.elements, "elements made from injected markup").toBe(0);
      for (const t of shows) expect(injected.text, `${name} shows the payload as text`).toContain(t);
      expect(foreign, "requests to hosts other than the local server (a CDN?)").toEqual([]);
      expect(pageErrors, "page errors").toEqual([]);
      expect(cellErrors, "notebook cell errors").toEqual([]);
      expect(failed, "failed requests").toEqual([]);
      expect(consoleErrors, "console errors").toEqual([]);
      expect(found, `${name}: fewer than ${charts} charts rendered (found ${checks.length})`).toBe(true);
      expect(checks.length).toBeGreaterThanOrEqual(charts);
      for (const c of checks) expect(c.marks, `${name}: ${c.label} has no data marks`).toBeGreaterThan(0);
    });
  }
});
