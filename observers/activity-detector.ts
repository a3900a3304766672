/**
 * Activity detector — the `activity` task of DESIGN §6: is this user actively
 * communicating in this window, or is what the link carries only background and cover?
 * A volume/burstiness anomaly detector in the spirit of the cover-traffic literature's
 * passive observer (reference §3: cover traffic is meant to make a sender's real
 * activity indistinguishable from its idle pattern; constant-rate cover leaves no
 * anomaly to detect).
 *
 * Rule: bin each user's bytes (uplink + downlink) into sub-bins of `windowSeconds /
 * subBins`. Each user's baseline is the median over the run (the observer's model of
 * the user's idle pattern). For user u and window w the score is
 * - `peak` (default): log(1 + largest sub-bin in w) − log(1 + median sub-bin of u);
 * - `volume`: log(1 + bytes in w) − log(1 + median window of u);
 * - `burstiness`: the coefficient of variation (sd / mean) of w's sub-bins (0 when empty).
 *
 * Labels (`Labels.activeWindows`, from the lab): a window is positive when the user
 * sent or received a real message in it or took part in a call overlapping it;
 * negative otherwise. Each case carries its user and its window's start time.
 *
 * @example
 * const obs = definition.create(definition.schema.parse({ windowSeconds: 60 }), ctx);
 * const scores = obs.score(labels); // one case per user and 60 s window
 */
import { median } from "simple-statistics";
import { z } from "zod";
import { BinnedVolume } from "./binned-volume.ts";
import type { Labels } from "./labels.ts";
import { activityCases } from "./activity-cases.ts";
import type { Observer, ObserverContext, ObserverDefinition, TaskScores } from "./observer.ts";
import type { Micros } from "../sim/core/time.ts";
import { seconds } from "../sim/core/time.ts";

export const activitySchema = z
  .object({
    windowSeconds: z.number().positive().max(86_400).meta({ unit: "seconds" }).default(60).describe("window length, seconds"),
    subBins: z.number().int().min(1).max(3600).meta({ unit: "sub-bins per window" }).default(12).describe("resolution inside a window for the peak and burstiness features, sub-bins per window"),
    feature: z.enum(["peak", "volume", "burstiness"]).default("peak").describe("what makes a window stand out: peak (its largest sub-bin against the user's median sub-bin), volume (its bytes against the user's median window) or burstiness (coefficient of variation of its sub-bins)"),
  })
  .strict();

export type ActivityParams = z.infer<typeof activitySchema>;

class ActivityObserver implements Observer {
  readonly tap: BinnedVolume;
  readonly windows: number;
  readonly window: Micros;

  constructor(
    private readonly params: ActivityParams,
    private readonly ctx: ObserverContext,
  ) {
    const binWidth = Math.round(seconds(params.windowSeconds) / params.subBins);
    if (binWidth < 1) throw new RangeError(`activity-detector: windowSeconds / subBins = ${params.windowSeconds / params.subBins} s is below 1 µs`);
    this.window = binWidth * params.subBins;
    this.tap = new BinnedVolume({ users: ctx.users, start: ctx.start, end: ctx.end, binWidth });
    this.windows = Math.ceil(this.tap.bins / params.subBins);
  }

  /** Score of every (user, window), users × windows. */
  windowScores(): Float64Array {
    const { users, bins, up, down } = this.tap;
    const k = this.params.subBins;
    const W = this.windows;
    const out = new Float64Array(users * W);
    const sub = new Array<number>(bins);
    const win = new Array<number>(W);
    for (let u = 0; u < users; u++) {
      win.fill(0);
      for (let b = 0; b < bins; b++) {
        sub[b] = up[u * bins + b] + down[u * bins + b];
        win[Math.floor(b / k)] += sub[b];
      }
      const base = this.params.feature === "volume" ? Math.log1p(median(win)) : Math.log1p(median(sub));
      for (let w = 0; w < W; w++) {
        const b0 = w * k;
        const b1 = Math.min(bins, b0 + k);
        let s: number;
        if (this.params.feature === "volume") s = Math.log1p(win[w]) - base;
        else if (this.params.feature === "peak") {
          let mx = 0;
          for (let b = b0; b < b1; b++) if (sub[b] > mx) mx = sub[b];
          s = Math.log1p(mx) - base;
        } else {
          let sum = 0;
          let ss = 0;
          for (let b = b0; b < b1; b++) {
            sum += sub[b];
            ss += sub[b] * sub[b];
          }
          const n = b1 - b0;
          const mean = sum / n;
          const variance = Math.max(0, ss / n - mean * mean);
          s = mean > 0 ? Math.sqrt(variance) / mean : 0;
        }
        out[u * W + w] = s;
      }
    }
    return out;
  }

  score(labels: Labels): TaskScores {
    const W = this.windows;
    const scores = this.windowScores();
    const active = labels.activeWindows(this.ctx.start, this.window, W);
    return activityCases(scores, active, W, this.ctx.start, this.window);
  }
}

export const definition: ObserverDefinition<ActivityParams> = {
  name: "activity-detector",
  summary: "flags windows whose traffic peaks above the user's own baseline as active communication",
  citation: "Passive activity detection against cover traffic (reference §3; DESIGN §6 activity task); baseline and features are this lab's assumption",
  task: "activity",
  vantage: "isp",
  vantages: ["local", "isp", "vpn-provider", "vpn-exit", "server", "global"],
  sees: "per user, bytes sent and received in each sub-window, and the user's usual (median) level",
  cannotSee: "who the user talks to, payloads, which packets are padding or cover, message boundaries",
  schema: activitySchema,
  create: (params, ctx) => new ActivityObserver(params, ctx),
};
