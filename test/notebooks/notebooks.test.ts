/**
 * The notebooks in a real browser: a small fresh run (a copy of the tiny figures run the
 * slow project's global setup makes with `chaff run`, test/setup/e2e-runs.ts, shared
 * with test/sim/cli/run.test.ts; its report.html is the one checked below),
 * `buildNotebooks` over it, the built site served on 127.0.0.1, each page opened in
 * headless Chromium (Debian's /usr/bin/chromium through playwright-core). Every Plot
 * chart must have drawn data marks (decoration is marked aria-hidden and does not
 * count), no page error, no cell error, no failed request or HTTP error, and no request
 * to any host but the local server: a CDN import fails the test (such requests are
 * aborted and reported). A full-page screenshot of each page goes to
 * test/output/screenshots/.
 *
 * The run's files are hostile (issue 16, case 1): every free-text field the notebooks
 * show (the experiment's name and purpose, defense and observer names, the radio model,
 * the sweep summary's name, run, defense and shaper names) carries script payloads (an
 * `<img onerror>`, a `<script>`, a `javascript:` Markdown link). Each page must show
 * them as text and run none of them.
 *
 * Figures must be legible: in every chart no two visible SVG text boxes overlap (tick
 * labels, axis labels, facet labels, point labels), measured on the rendered page at
 * 1,280 px; the same holds for the run's report.html (screenshot report.png), which
 * must also fit that window without horizontal scrolling. The pages offer a run picker (overview, inspector) and a sweep picker (sweep
 * explorer): the results hold two runs and two sweep summaries, one of them sweeping a
 * parameter, so picking the other entry must show the other run's experiment, and the
 * sweep explorer must draw a metric against the swept parameter.
 *
 * Skipped, with a message, only when /usr/bin/chromium is absent outside CI; in CI
 * (`CI` set) a missing browser is a failure.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildNotebooks } from "../../notebooks/build.ts";
import { serveStatic } from "../../notebooks/serve.ts";
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
  // a second run (another experiment name) for the run picker
  const second = join(dirname(runDir), "second-run");
  cpSync(runDir, second, { recursive: true });
  const m2 = JSON.parse(readFileSync(join(second, "metrics.json"), "utf8"));
  writeFileSync(join(second, "metrics.json"), JSON.stringify({ ...m2, experiment: "the-second-experiment" }));
  // older than the tiny run, so the tiny run is the picker's first choice (the newest)
  utimesSync(join(second, "manifest.json"), 1_000_000, 1_000_000);
  // a sweep over one parameter (three settings of the same rows), the newest summary: the sweep picker's first choice
  const swept = sweepSummary("swept-rate", [{ run: "p", metrics }]);
  swept.rows = [0.5, 2, 8].flatMap((v, k) => swept.rows.map((row) => ({ ...row, run: `point${k}`, params: { "defenses[1].device.params.coverRate": v }, auc: (row.auc ?? 0.5) - k * 0.01 })));
  mkdirSync(join(results, "sweeps", "swept"), { recursive: true });
  writeFileSync(join(results, "sweeps", "swept", "summary.json"), JSON.stringify(swept));
  utimesSync(join(results, "sweeps", "evil", "summary.json"), 1_000_000, 1_000_000);
}

const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = Boolean(process.env.CI);
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), "..", "output", "screenshots");

/**
 * Each notebook, the least number of charts it must show for the tiny run, what it must
 * show as text, and the picker to try: choosing option `pick` must show `after`.
 */
const PAGES = [
  { name: "overview.html", charts: 5, shows: [`tiny-figures${PAYLOAD}`, `onerror="__xss('img')"`], picker: "run", after: "the-second-experiment" },
  { name: "sweep.html", charts: 2, shows: ["swept-rate", "swept parameter(s): defenses[1].device.params.coverRate"], picker: "sweep", after: `sweep${PAYLOAD}` },
  { name: "inspector.html", charts: 2, shows: [] as string[], picker: "run", after: "second-run" },
];

/** The charts of a notebook page: Plot's SVGs (legend ramps are filtered out). */
const PLOTS = { tolerance: 1, selector: 'svg[class^="plot-"]' };

interface TextOverlap {
  chart: string;
  a: string;
  b: string;
}

/** In the page: pairs of visible SVG text boxes that overlap (by more than `tolerance` px both ways), per chart (`selector`). */
function textOverlaps({ tolerance, selector }: { tolerance: number; selector: string }): TextOverlap[] {
  const out: TextOverlap[] = [];
  Array.from(document.querySelectorAll(selector))
    .filter((svg) => !/-ramp|-swatch/.test(svg.getAttribute("class") ?? ""))
    .forEach((svg, i) => {
      const boxes = Array.from(svg.querySelectorAll("text"))
        .filter((t) => !t.closest('[aria-label="tip"]') && getComputedStyle(t).visibility !== "hidden" && getComputedStyle(t).display !== "none")
        .map((t) => ({ text: t.textContent ?? "", r: t.getBoundingClientRect() }))
        .filter((b) => b.r.width > 0 && b.r.height > 0 && b.text.trim() !== "");
      for (let a = 0; a < boxes.length; a++) {
        for (let b = a + 1; b < boxes.length; b++) {
          const p = boxes[a].r;
          const q = boxes[b].r;
          const dx = Math.min(p.right, q.right) - Math.max(p.left, q.left);
          const dy = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
          if (dx > tolerance && dy > tolerance) out.push({ chart: `chart ${i + 1}`, a: boxes[a].text.slice(0, 60), b: boxes[b].text.slice(0, 60) });
        }
      }
    });
  return out;
}

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
  let reportHtml = "";

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (apt-get install -y chromium)`);
    tmp = mkdtempSync(join(tmpdir(), "chaff-notebooks-"));
    // the shared run is read-only: poisoning and the second run go into a copy
    const shared = inject("e2eRuns");
    if (!shared) throw new Error("the shared runs were not made: run this file through vitest's slow project (test/setup/e2e-runs.ts)");
    const { w1 } = shared;
    if (w1.status !== 0 || !w1.dir) throw new Error(`the shared run failed: chaff ${w1.args.join(" ")}\n${w1.stderr}`);
    const runDir = join(tmp, "runs", basename(w1.dir));
    cpSync(w1.dir, runDir, { recursive: true });
    reportHtml = readFileSync(join(runDir, "report.html"), "utf8");
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

  it("report.html: no overlapping text in any figure, fits 1,280 px without horizontal scrolling (screenshot)", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.route("**/*", (route) => route.abort("blockedbyclient"));
    await page.setContent(reportHtml, { waitUntil: "load" });
    const figures = await page.locator("figure svg").count();
    const overlaps = await page.evaluate(textOverlaps, { tolerance: 1, selector: "figure svg" });
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    await page.screenshot({ path: join(SCREENSHOTS, "report.png"), fullPage: true });
    await page.close();
    expect(figures).toBeGreaterThanOrEqual(4);
    expect(overlaps, "overlapping text in report.html's figures").toEqual([]);
    expect(scroll, "report.html is wider than the 1,280 px window").toBeLessThanOrEqual(1280);
  });

  it("the text-overlap check finds two overlapping labels and passes labels side by side", async () => {
    const page = await browser.newPage({ viewport: { width: 400, height: 200 } });
    const svg = (second: number) =>
      `<svg class="plot-test" width="300" height="100" style="font: 10px sans-serif"><text x="10" y="50">first label</text><text x="${second}" y="50">second label</text></svg>`;
    await page.setContent(svg(30));
    const overlapping = await page.evaluate(textOverlaps, PLOTS);
    await page.setContent(svg(150));
    const apart = await page.evaluate(textOverlaps, PLOTS);
    await page.close();
    expect(overlapping).toEqual([{ chart: "chart 1", a: "first label", b: "second label" }]);
    expect(apart).toEqual([]);
  });

  for (const { name, charts, shows, picker, after } of PAGES) {
    it(`${name}: every chart drawn with data marks, no overlapping text, a working ${picker} picker, no error, nothing fetched from outside, no injected script run`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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
      const overlaps = await page.evaluate(textOverlaps, PLOTS);
      await page.screenshot({ path: join(SCREENSHOTS, name.replace(/\.html$/, ".png")), fullPage: true });

      // the picker: its options are the catalogue's; picking the other entry shows it
      const select = page.locator("label", { hasText: picker }).locator("select").first();
      const options = await select.locator("option").allTextContents();
      await select.selectOption({ index: 1 });
      const switched = await page
        .waitForFunction((t) => document.body.innerText.includes(t), after, { timeout: 20_000 })
        .then(() => true)
        .catch(() => false);
      await page.waitForLoadState("networkidle");
      const overlapsAfter = await page.evaluate(textOverlaps, PLOTS);
      await page.screenshot({ path: join(SCREENSHOTS, name.replace(/\.html$/, `.picked-${picker}.png`)), fullPage: true });
      await page.close();

      expect(options.length, `${name}: ${picker} picker options`).toBeGreaterThanOrEqual(2);
      expect(switched, `${name}: picking the second ${picker} shows ${after}`).toBe(true);
      expect(overlaps, `${name}: overlapping text in the rendered charts`).toEqual([]);
      expect(overlapsAfter, `${name}: overlapping text after picking another ${picker}`).toEqual([]);

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
