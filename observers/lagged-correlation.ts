/**
 * Lagged cross-correlation with outlier detection — Saleh, Ilyas, Khurshid, Liu, Radha,
 * "IM session identification by outlier detection in cross-correlation functions"
 * (CCOD), CISS 2015: TP 88%, FP 3% on Yahoo! IM traces (reference §2.1, [P abstract]).
 *
 * Rule (link task): bin bytes per `binSeconds` window; for pair {A, B}, compute the
 * cross-correlation function c(ℓ) = Σ_t up_A[t]·down_B[t + ℓ] of the standardized
 * series for ℓ ∈ [−maxLagBins, maxLagBins]; the directed score is the peak itself
 * (`peak: "max"`, the windowed-count correlation maximised over lag, reference §2.1
 * O3), or how far the peak stands out of the function, (max c − mean c) / sd c
 * (`peak: "zscore"`, CCOD's outlier test). The pair's score combines both directions as
 * in volume-correlation.ts, whose code this observer shares; only the defaults differ.
 *
 * Defaults are assumptions, not published values: 1 s bins (O3 lists W ∈ {0.1, 1, 10} s)
 * and lags up to ±10 s, which covers server relay and push delays. The default peak is
 * "max": on sparse messaging traffic the z-score of a 21-point function is bounded by
 * √20 and a single chance coincidence reaches it too (on the synthetic test traffic,
 * AUC 1.00 for "max" against 0.67 for "zscore" at ±10 lags, 0.94 at ±60); use
 * "zscore" with a wide lag range to reproduce CCOD.
 *
 * @example
 * const obs = definition.create(definition.schema.parse({}), ctx); // 1 s bins, |lag| ≤ 10 s, peak
 * const ccod = definition.create(definition.schema.parse({ peak: "zscore", maxLagBins: 60 }), ctx);
 * const scores = obs.score(truth);
 */
import { z } from "zod";
import type { ObserverDefinition } from "./observer.ts";
import { VOLUME_VANTAGES, VolumeCorrelationObserver, volumeCorrelationSchema, type VolumeCorrelationParams } from "./volume-correlation.ts";

export const laggedCorrelationSchema = volumeCorrelationSchema.extend({
  binSeconds: z.number().positive().max(3600).meta({ unit: "seconds" }).default(1).describe("window (bin) width, seconds"),
  maxLagBins: z.number().int().min(1).max(1000).meta({ unit: "bins" }).default(10).describe("largest lag on either side, in bins"),
  peak: z.enum(["max", "zscore"]).default("max").describe("score the cross-correlation peak, or its z-score over lags (CCOD)"),
});

export const definition: ObserverDefinition<VolumeCorrelationParams> = {
  name: "lagged-correlation",
  summary: "cross-correlation of binned volumes maximised over a range of lags (or the peak's z-score, as in CCOD)",
  citation: "Saleh et al., IM session identification by outlier detection in cross-correlation functions (CCOD), CISS 2015",
  task: "link",
  vantage: "isp",
  vantages: VOLUME_VANTAGES,
  sees: "per user and direction, bytes per time window, compared at every shift up to the maximum lag",
  cannotSee: "payloads, packet addressing beyond the user's own link, which packets are padding or cover, timing finer than one window",
  schema: laggedCorrelationSchema,
  create: (params, ctx) => new VolumeCorrelationObserver(params, ctx),
};
