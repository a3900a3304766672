import { describe, expect, it } from "vitest";
import { FIGURES, renderFigures } from "../../../sim/report/figures/index.ts";
import { figureData } from "../../../sim/report/figures/data.ts";
import { escapeHtml, inlineMarkdown, reportHtml } from "../../../sim/report/html.ts";
import { findings } from "../../../sim/report/text.ts";
import { syntheticRun } from "./figures/synthetic.ts";

describe("reportHtml", () => {
  const output = syntheticRun();
  const figures = renderFigures(output.metrics, figureData(output));
  const html = reportHtml({ metrics: output.metrics, figures, manifest: { id: "synthetic-s7-abc", code: { revision: "0123456789abcdef", dirty: true } } });

  it("inlines every figure as SVG with unique ids across figures", () => {
    for (const svg of Object.values(figures)) expect(html).toContain(svg!.trim());
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(html.match(/<figure id="fig-/g)).toHaveLength(FIGURES.length);
  });

  it("loads nothing: no scripts, stylesheets, images or fonts from anywhere", () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|\bsrc=/i);
    // the only URLs are XML namespaces; every href is an in-page anchor
    const urls = [...html.matchAll(/https?:\/\/[^\s"')]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(["http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"]));
    for (const m of html.matchAll(/\bhref="([^"]*)"/g)) expect(m[1].startsWith("#")).toBe(true);
  });

  it("carries the table, the computed findings and the provenance", () => {
    expect(html).toContain("<th>strongest observer</th>");
    for (const a of output.metrics.arms) expect(html).toContain(`<td>${a.defense}</td>`);
    for (const f of findings(output.metrics)) expect(html).toContain(inlineMarkdown(f));
    expect(html).toContain("run synthetic-s7-abc");
    expect(html).toContain("code 0123456789ab (dirty tree)");
  });

  it("escapes what it did not write itself", () => {
    const m = { ...output.metrics, experiment: "<script>x</script>", purpose: "a & b" };
    const page = reportHtml({ metrics: m, figures: {} });
    expect(page).toContain("<title>&lt;script&gt;x&lt;/script&gt; — chaff report</title>");
    expect(page).not.toContain("<script>");
    expect(page.match(/class="missing"/g)).toHaveLength(FIGURES.length);
    expect(escapeHtml(`'"`)).toBe("&#39;&quot;");
    expect(inlineMarkdown("`none` <b>")).toBe("<code>none</code> &lt;b&gt;");
  });

  it("gives the same bytes for the same run", () => {
    expect(reportHtml({ metrics: output.metrics, figures, manifest: { id: "synthetic-s7-abc" } })).toBe(reportHtml({ metrics: output.metrics, figures, manifest: { id: "synthetic-s7-abc" } }));
  });
});
