/**
 * Test helper: build a shaper from a definition with validated parameters and run it
 * over a trace in trace notation, in virtual time (`sim/engine/shape-trace.ts`).
 */
import type { Shaper, ShaperDefinition, ShaperSide } from "../../shapers/shaper.ts";
import { validateShaperParams } from "../../sim/experiment/registries.ts";
import { stream, type Seed } from "../../sim/core/rng.ts";
import { shapeTrace, type ShapeTraceOptions, type ShapeTraceResult } from "../../sim/engine/shape-trace.ts";
import { parseTrace, printTrace } from "../../sim/core/trace-notation.ts";
import type { Trace } from "../../sim/core/trace.ts";

export interface RunOptions extends ShapeTraceOptions {
  side?: ShaperSide;
  seed?: Seed;
}

export function build<P extends Record<string, unknown>>(def: ShaperDefinition<P>, params: unknown = {}, opts: RunOptions = {}): Shaper {
  const p = validateShaperParams(def, params);
  return def.create(p, { rng: stream(opts.seed ?? 1, `test/${def.name}`), side: opts.side ?? "device", mtu: opts.mtu ?? 1500 });
}

export function run<P extends Record<string, unknown>>(
  def: ShaperDefinition<P>,
  params: unknown,
  input: string | Trace,
  opts: RunOptions = {},
): ShapeTraceResult & { text: string; shaper: Shaper } {
  const shaper = build(def, params, opts);
  const result = shapeTrace(shaper, typeof input === "string" ? parseTrace(input) : input, { name: def.name, ...opts });
  return { ...result, text: printTrace(result.trace), shaper };
}

/** Rows of a trace as plain objects, for filtering in assertions. */
export function rows(t: Trace): { time: number; size: number; payload: number; dir: number; kind: number; flow: number }[] {
  const out = [];
  for (let i = 0; i < t.length; i++) {
    out.push({ time: t.time[i], size: t.size[i], payload: t.payload[i], dir: t.dir[i], kind: t.kind[i], flow: t.flow[i] });
  }
  return out;
}

/**
 * The Kolmogorov–Smirnov statistic D = sup |F_n(x) − F(x)| of `samples` against the
 * continuous CDF `cdf`. Compare with the asymptotic critical value c(α)/√n
 * (c = 1.36 at α = 0.05, 1.63 at α = 0.01).
 */
export function ksStatistic(samples: ArrayLike<number>, cdf: (x: number) => number): number {
  const s = Float64Array.from(samples).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}
