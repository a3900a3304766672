import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ExposureSummary } from "../../../sim/exposure/summary.ts";
import { exposureMarkdown } from "../../../sim/exposure/table.ts";

const baseline = (p: string) => JSON.parse(readFileSync(join(import.meta.dirname, "../../../results/baselines", `exposure-${p}.json`), "utf8")) as ExposureSummary;

describe("exposureMarkdown", () => {
  it("lets no name or purpose from metrics.json reach exposure.md as raw HTML or new Markdown blocks", () => {
    const s = baseline("vpn-shaping");
    const hostile: ExposureSummary = {
      ...s,
      policy: "x<img src=x onerror=alert(1)>",
      purpose: "hi\n# injected heading <script>alert(1)</script>",
      experiment: "exposure-`x` **y**",
      verdicts: ["a <iframe> verdict"],
      arms: s.arms.map((a) => ({ ...a, defense: "<svg onload=alert(1)>|x", cells: a.cells.map((c) => ({ ...c, observer: "<b>o</b>" })) })),
    };
    const md = exposureMarkdown(hostile);
    expect(md).not.toMatch(/<[a-z]/i);
    expect(md).not.toMatch(/^# injected/m);
    expect(md).toContain("&lt;script&gt;");
    expect(md).toContain("(experiment `exposure-'x' **y**`)"); // no backtick closes the code span
  });
});
