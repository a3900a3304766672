import * as Plot from "@observablehq/plot";
import { describe, expect, it } from "vitest";
import { arrange, defenseColors, escapeXml, figure, PALETTE, plotSvg, roundNumbers, tidy } from "../../../../sim/report/figures/svg.ts";
import { parseSvg } from "./svg-dom.ts";

describe("figure SVG helpers", () => {
  it("renders a Plot to a standalone <svg> of the requested size", () => {
    const p = plotSvg({ width: 300, height: 120, marks: [Plot.dot([{ a: 1, b: 2 }], { x: "a", y: "b" })] });
    expect(p.svg.startsWith("<svg")).toBe(true);
    expect([p.width, p.height]).toEqual([300, 120]);
    expect(p.svg).toContain('font-family="DejaVu Sans, sans-serif"');
  });

  it("refuses a Plot that would need HTML (a legend or a title)", () => {
    expect(() => plotSvg({ color: { legend: true }, marks: [Plot.dot([{ a: 1 }], { x: "a", fill: "a" })] })).toThrow(/not <svg>/);
    expect(() => plotSvg({ title: "t", marks: [Plot.dot([{ a: 1 }], { x: "a" })] })).toThrow(/not <svg>/);
    expect(() => plotSvg({ caption: "c", marks: [] })).toThrow(/not <svg>/);
  });

  it("renumbers ids per figure and keeps references pointing at them", () => {
    const s = tidy('<svg><clipPath id="plot-clip-41"/><g clip-path="url(#plot-clip-41)"/><use href="#plot-clip-41"/></svg>', "roc");
    expect(s).toBe('<svg><clipPath id="roc-1"/><g clip-path="url(#roc-1)"/><use href="#roc-1"/></svg>');
  });

  it("rounds coordinates but leaves labels alone", () => {
    expect(roundNumbers("M1.23456,-0.004L2.5,3", 2)).toBe("M1.23,0L2.5,3");
    expect(tidy('<svg><path d="M0.123456,1"/><text aria-label="v1.2.3456">1.23456</text></svg>', "x")).toBe('<svg><path d="M0.12,1"/><text aria-label="v1.2.3456">1.23456</text></svg>');
  });

  it("lays out a complete figure with a title, a key and panels", () => {
    const panel = plotSvg({ width: 300, height: 100, marks: [Plot.dot([{ a: 1, b: 2 }], { x: "a", y: "b" })] });
    const svg = figure({ id: "t", title: "A & B <test>", key: [{ label: "none", color: PALETTE[0] }], panels: [arrange([panel, panel], "row", 10)] });
    const doc = parseSvg(svg);
    const root = doc.documentElement;
    expect(root.getAttribute("xmlns")).toBe("http://www.w3.org/2000/svg");
    expect(Number(root.getAttribute("width"))).toBeGreaterThanOrEqual(610);
    expect(Array.from(doc.querySelectorAll("text"), (t) => t.textContent)).toContain("A & B <test>");
    expect(doc.querySelectorAll('svg[class^="plot-"]')).toHaveLength(2);
    expect(escapeXml('"<&>')).toBe("&quot;&lt;&amp;&gt;");
  });

  it("gives each defense a stable colour in arm order", () => {
    const c = defenseColors(["none", "padme"]);
    expect(c).toEqual({ domain: ["none", "padme"], range: [PALETTE[0], PALETTE[1]] });
  });
});
