/**
 * Names in a results file may be hostile: a defense named with an escape sequence must
 * reach the terminal (and the Markdown chaff writes) as visible text, never as a control
 * character; and a baseline chaff compare reads is bounded like every other file.
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { compareCommand } from "../../../sim/cli/commands/compare.ts";
import { markdownTable, terminalText, textTable } from "../../../sim/report/text.ts";
import { loadMetrics } from "../../../sim/runs/compare.ts";
import { InputError } from "../../../sim/core/validation.ts";

const ROOT = join(import.meta.dirname, "../../..");
const tmp = mkdtempSync(join(tmpdir(), "chaff-terminal-text-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Every control character a terminal acts on: C0 (ESC, BEL, CR, backspace, newline), DEL and C1 (CSI).
const hostile = "padme\u001b[2J\u001b]0;owned\u0007\r\b\n\u007f\u009b31m";
const controls = /[\u0000-\u001f\u007f-\u009f]/;

describe("terminal-safe text", () => {
  it("shows every control character as visible text and leaves the rest as written", () => {
    expect(terminalText(hostile)).toBe("padme\\u{1b}[2J\\u{1b}]0;owned\\u{7}\\u{d}\\u{8}\\u{a}\\u{7f}\\u{9b}31m");
    expect(terminalText("Padmé → 0.5 [0.4, 0.6] ±")).toBe("Padmé → 0.5 [0.4, 0.6] ±");
  });

  it("every table chaff prints or writes carries no control character from a cell", () => {
    const rows = [["defense", "AUC"], [hostile, "0.5"]];
    for (const out of [textTable(rows), textTable(rows, { rule: false }), markdownTable(rows)]) {
      // the table's own line breaks are the only ones
      expect(out.split("\n").some((l) => controls.test(l))).toBe(false);
      expect(out).toContain("padme\\u{1b}[2J");
    }
  });

  it("chaff compare reads a baseline under the JSON input rules: size-capped, one line", () => {
    const big = join(tmp, "metrics.json");
    writeFileSync(big, "");
    truncateSync(big, 300 * 1024 * 1024);
    let problems: string[] = [];
    try {
      loadMetrics(big);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      problems = (e as InputError).problems;
    }
    expect(problems).toEqual([expect.stringMatching(/^metrics file .*metrics\.json: 300 MiB, larger than the .* accepted$/)]);
    const proto = join(tmp, "proto.json");
    writeFileSync(proto, '{"arms": [], "__proto__": {"x": 1}}');
    expect(() => loadMetrics(proto)).toThrow(/__proto__/);
  });

  it("chaff compare prints a hostile baseline's names as text: the table, the regression line", async () => {
    // The committed gate baseline with one defense renamed: that defense is missing from the run, so its name is printed.
    const gate = JSON.parse(readFileSync(join(ROOT, "results/baselines/gate.json"), "utf8")) as { arms: { defense: string; device: { shaper: string } }[] };
    gate.arms[1]!.defense = hostile;
    // and raw HTML, for the Markdown this output is too (CI step summaries): a renamed defense, a shaper named in a note
    gate.arms[2]!.defense = "<img src=x onerror=alert(1)>";
    gate.arms[3]!.device.shaper = "<script>alert(2)</script>";
    const baseline = join(tmp, "hostile-baseline.json");
    writeFileSync(baseline, JSON.stringify(gate));
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
    const exitCode = process.exitCode;
    try {
      await compareCommand(baseline, join(ROOT, "results/baselines/gate.json"), { changes: true });
    } finally {
      write.mockRestore();
      process.exitCode = exitCode;
    }
    const text = out.join("");
    expect(text).toContain("padme\\u{1b}[2J");
    // in the regression line the name is Markdown text as well, so its backslash is escaped too
    expect(text).toMatch(/regression\(s\)\*\*: .*padme\\\\u\{1b\}/);
    expect(text.split("\n").some((l) => controls.test(l))).toBe(false);
    expect(text).toContain("note: ");
    expect(text).not.toMatch(/<img|<script/);
    expect(text).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});
