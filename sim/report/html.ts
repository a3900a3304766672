/**
 * The report of a run as one self-contained HTML page: the privacy/cost table, the
 * computed findings and every figure inlined as SVG, with the style in the page. It
 * loads nothing (no scripts, fonts, stylesheets or images from anywhere), so it opens
 * from the file system, from a CI artifact or from an e-mail attachment, and it holds no
 * date or path, so the same run gives the same bytes.
 *
 * Tables and findings come from `report.ts`, the same text as `report.md`; the figures
 * from `sim/report/figures/` (`renderFigures`).
 *
 * `reportFiles` gives a run everything this adds to it at once — the figure data, the
 * figures and `report.html` (and, for an exposure run, `exposure.json`, `exposure.md` and
 * the vantage × observer heat map, shown in the page as its own section, all from its
 * metrics: sim/exposure/outputs.ts) — for `chaff run` to hand to `writeRun`. Given the provenance
 * the manifest will record, its `report.html` is byte for byte the one `chaff report`
 * later redraws from the run directory.
 *
 * @example
 * const { metrics, data } = readFigureData(runDir);
 * writeFileSync(join(runDir, "report.html"), reportHtml({ metrics, figures: renderFigures(metrics, data) }));
 */
import { dataFiles, FIGURE_CAPTIONS, FIGURES, figureFiles, type FigureName } from "./figures/index.ts";
import { advancedAnalysis, COUNTS_NOTE, daysBought, findings, hasOverTime, observerTable, overTimeIntro, overTimeTable, summaryTable, threatModel, TRAINING_NOTE } from "./text.ts";
import type { RunMetrics } from "../runs/metrics.ts";
import type { RunOutput } from "../experiment/run.ts";
import type { ExposureSummary } from "../exposure/summary.ts";
import { costRows, exposureRows } from "../exposure/table.ts";
import { exposureOutputs, exposureView, isExposureRun } from "../exposure/outputs.ts";
import { EXPOSURE_HEATMAP_CAPTION } from "./figures/exposure-heatmap.ts";

export interface ReportHtmlInput {
  metrics: RunMetrics;
  /** SVG text per figure; a missing figure is listed as missing. */
  figures: Partial<Record<FigureName, string>>;
  /** Provenance from the manifest, shown in the header when given. */
  manifest?: { id?: string; code?: { revision: string | null; dirty: boolean | null }; experimentHash?: string; node?: string };
  /** Extra notes, e.g. which data files the run lacked. */
  notes?: string[];
  /** An exposure run's summary and heat map (sim/exposure/), shown as its own section; default: computed from the metrics of an exposure run. */
  exposure?: { summary: ExposureSummary; svg: string };
}

/** The exposure section: verdicts, cost, the heat map and each arm's vantage × observer table. */
function exposureSection(e: { summary: ExposureSummary; svg: string }): string[] {
  const s = e.summary;
  return [
    '<h2 id="exposure">What each vantage learns</h2>',
    `<p>Policy <strong>${escapeHtml(s.policy)}</strong>: ${escapeHtml(s.purpose)}</p>`,
    "<ul>",
    ...s.verdicts.map((v) => `<li>${escapeHtml(v)}</li>`),
    "</ul>",
    table(costRows(s)),
    `<figure id="fig-exposure-heatmap">\n${e.svg.trim()}\n<figcaption>${escapeHtml(EXPOSURE_HEATMAP_CAPTION)}</figcaption>\n</figure>`,
    ...s.arms.flatMap((a) => [`<p>${escapeHtml(a.defense)} (${escapeHtml(a.device)} / ${escapeHtml(a.server)}):</p>`, table(exposureRows(a))]),
    `<p>Anonymity set: ${escapeHtml(s.anonymitySetDefinition)}</p>`,
  ];
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Inline Markdown of the findings: `code` and **bold**, everything else escaped. */
export function inlineMarkdown(s: string): string {
  return escapeHtml(s)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
}

function table(rows: string[][]): string {
  const [head, ...body] = rows;
  return [
    "<table>",
    `<thead><tr>${head.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead>`,
    "<tbody>",
    ...body.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`),
    "</tbody>",
    "</table>",
  ].join("\n");
}

const STYLE = `
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #222; margin: 0 auto; max-width: 1200px; padding: 16px; }
h1 { font-size: 26px; margin-bottom: 4px; }
h2 { font-size: 19px; margin-top: 36px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.meta { color: #555; font-size: 13px; }
table { border-collapse: collapse; font-size: 12px; margin: 12px 0; width: 100%; table-layout: auto; }
th, td { border: 1px solid #ddd; padding: 3px 5px; text-align: left; overflow-wrap: anywhere; }
th { background: #f6f6f6; }
code { background: #f3f3f3; padding: 0 3px; border-radius: 3px; font-size: 90%; }
figure { margin: 20px 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 13px; }
nav a { margin-right: 12px; }
.missing { color: #a33; }
`;

export function reportHtml(input: ReportHtmlInput): string {
  const m = input.metrics;
  const exposure = input.exposure ?? (isExposureRun(m) ? exposureView(m) : undefined);
  const mf = input.manifest;
  const provenance: string[] = [`${m.users} users`, `${m.durationSeconds} s simulated`, `seed ${m.seed}`];
  if (mf?.id) provenance.push(`run ${mf.id}`);
  if (mf?.code) provenance.push(`code ${mf.code.revision ? mf.code.revision.slice(0, 12) : "unknown"}${mf.code.dirty ? " (dirty tree)" : ""}`);
  if (mf?.experimentHash) provenance.push(`experiment sha256 ${mf.experimentHash.slice(0, 12)}`);
  if (mf?.node) provenance.push(`Node ${mf.node}`);

  const observers = new Map<string, string>();
  for (const arm of m.arms) {
    for (const o of arm.observers) {
      const k = `${o.observer}@${o.vantage}`;
      if (!observers.has(k)) {
        observers.set(k, `<li><strong>${escapeHtml(o.observer)}</strong> at <strong>${escapeHtml(o.vantage)}</strong> (${escapeHtml(o.task)}): sees ${escapeHtml(o.sees)}; cannot see ${escapeHtml(o.cannotSee)}.</li>`);
      }
    }
  }

  const figures = FIGURES.map((name) => {
    const svg = input.figures[name];
    if (svg === undefined) return `<p class="missing">Figure <code>${name}</code>: no data in this run.</p>`;
    return `<figure id="fig-${name}">\n${svg.trim()}\n<figcaption>${escapeHtml(FIGURE_CAPTIONS[name])}</figcaption>\n</figure>`;
  });

  const lines = [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(m.experiment)} — chaff report</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    `<h1>${escapeHtml(m.experiment)}</h1>`,
    `<p>${escapeHtml(m.purpose)}</p>`,
    `<p class="meta">${provenance.map(escapeHtml).join(" · ")}. Intervals are seeded bootstrap 95% intervals.</p>`,
    `<nav>${[...(exposure ? ["exposure"] : []), "summary", "findings", ...(hasOverTime(m) ? ["over-time"] : []), "every-observer", "figures", "method", "observers", "traffic"].map((s) => `<a href="#${s}">${s}</a>`).join("")}</nav>`,
    ...(exposure ? exposureSection(exposure) : []),
    '<h2 id="summary">Privacy and cost per defense</h2>',
    table(summaryTable(m)),
    '<h2 id="findings">Findings</h2>',
    "<ul>",
    ...findings(m).map((f) => `<li>${inlineMarkdown(f)}</li>`),
    "</ul>",
    ...(hasOverTime(m)
      ? [
          '<h2 id="over-time">Against observation time</h2>',
          `<p>${escapeHtml(overTimeIntro(m))}</p>`,
          table(overTimeTable(m)),
          "<p>Days bought (first horizon from which the attack stays at or above the level):</p>",
          "<ul>",
          ...daysBought(m).map((d) => `<li>${escapeHtml(d)}</li>`),
          "</ul>",
        ]
      : []),
    '<h2 id="every-observer">Every observer</h2>',
    "<p>Figures are oriented: an observer whose training AUC was below 0.5 is read flipped, as an adversary who knows the defense would read it. A figure is not resolvable with fewer than 10 positives from 10 users, or fewer than about 10/FPR negatives from 10 users. Intervals resample users, so both ends of a pair move together.</p>",
    table(observerTable(m)),
    '<h2 id="figures">Figures</h2>',
    ...(input.notes ?? []).map((n) => `<p class="missing">${escapeHtml(n)}</p>`),
    ...figures,
    '<h2 id="method">Threat model and method</h2>',
    `<p>${escapeHtml(threatModel(m))}</p>`,
    `<p>${escapeHtml(TRAINING_NOTE)}</p>`,
    `<p>${escapeHtml(COUNTS_NOTE)}</p>`,
    '<h2 id="observers">Observers</h2>',
    "<ul>",
    ...observers.values(),
    "</ul>",
    '<h2 id="traffic">Traffic</h2>',
    table([
      ["defense", "messages", "delivered", "conversations", "packets"],
      ...m.arms.map((a) => [a.defense, String(a.traffic.messages), String(a.traffic.delivered), String(a.traffic.conversations), String(a.traffic.packets)]),
    ]),
    `<p>${inlineMarkdown(advancedAnalysis(m))}</p>`,
    "</body>",
    "</html>",
    "",
  ];
  return lines.join("\n");
}

/**
 * The files a run gets for people: figure data (`roc.json`, …), `figures/*.svg|png` and
 * `report.html`. Pass the provenance `writeRun` will put in the manifest (id, experiment
 * hash, code revision, Node version) so `chaff report` reproduces `report.html` exactly.
 */
export function reportFiles(output: RunOutput, manifest?: ReportHtmlInput["manifest"]): Record<string, string | Uint8Array> {
  const figures = figureFiles(output);
  const svgs: Partial<Record<FigureName, string>> = {};
  for (const name of FIGURES) {
    const svg = figures[`figures/${name}.svg`];
    if (typeof svg === "string") svgs[name] = svg;
  }
  // an exposure run (sim/exposure/) also gets its summary, its tables and the heat map
  const exposure = isExposureRun(output.metrics) ? exposureOutputs(output.metrics) : null;
  return {
    ...dataFiles(output),
    ...figures,
    ...(exposure ? exposure.files : {}),
    "report.html": reportHtml({ metrics: output.metrics, figures: svgs, manifest, exposure: exposure ?? undefined }),
  };
}
