/**
 * The figures of a run, their titles and their captions: what each shows and how to read
 * it, one sentence each. Pure constants (no rendering code), so the text report can link
 * and caption the figures without loading the renderer; each figure also draws its
 * caption under its title, so a PNG read alone says the same.
 *
 * @example
 * FIGURES.map((f) => `[${FIGURE_TITLES[f]}](figures/${f}.svg): ${FIGURE_CAPTIONS[f]}`)
 */

/** Figure names, in the order a report shows them. */
export const FIGURES = ["roc", "pareto", "over-time", "timeline", "latency-cdf", "energy"] as const;
export type FigureName = (typeof FIGURES)[number];

export const ROC_CAPTION =
  "ROC curves of every observer (one panel each) against every defense (one colour each), false positive rate on a log scale: a curve further down and to the right means the defense hides more, the dashed diagonal is chance, bars are 95% bootstrap intervals of the TPR at the reported FPRs, and grey marks FPRs this run has too few negatives to resolve.";

export const PARETO_CAPTION =
  "Each defense's privacy against its cost, one panel per cost: a dot is a defense, placed at its cost (x) and at the AUC of the strongest observer against it (y), so lower and further left is better; 0.5 (dashed) is chance, whiskers are 95% bootstrap intervals, and ringed dots joined by the staircase are the Pareto front, the defenses no other beats on both axes.";

export const TIMELINE_CAPTION =
  "One user's packets over the busiest stretch of the run, one row per defense with the undefended traffic on top: each vertical line is a packet at its time, up for bytes the phone sent and down for bytes it received, coloured real, padding or cover, so a row that looks like the top one hides nothing and a row that looks the same whatever happens hides everything.";

export const LATENCY_CAPTION =
  "How long shaping delayed each delivered person-to-person message, one curve per defense: a curve reaching 1 further left adds less delay, the axis is linear near 0 and logarithmic beyond, and dots with bars mark the p50, p95 and p99 with their 95% bootstrap intervals.";

export const ENERGY_CAPTION =
  "The phone radio's energy per device-hour under each defense, one row each: the line spans the 5th to 95th percentile over devices, the box the middle half with a tick at the median, and the black dot with its bar is the mean with its 95% bootstrap interval, the figure the cost table reports; further left drains the battery less.";

export const OVER_TIME_CAPTION =
  "The strongest long-term attack (statistical disclosure, intersection) after watching only the first hours or days of the run, one line per defense, over observation horizons from 10 minutes to the whole run (evenly spaced): the left panel is the share of targets whose top-scored candidate is a contact, the right the true positive rate at a false positive rate of 1e-3, bands and bars are 95% bootstrap intervals, and where a line first crosses the dashed level is the observation time the attacker needs, so a defense that moves it further right buys that much time.";

/** The caption of each figure: what it shows and how to read it. */
export const FIGURE_CAPTIONS: Record<FigureName, string> = {
  roc: ROC_CAPTION,
  pareto: PARETO_CAPTION,
  "over-time": OVER_TIME_CAPTION,
  timeline: TIMELINE_CAPTION,
  "latency-cdf": LATENCY_CAPTION,
  energy: ENERGY_CAPTION,
};

/** Figure titles, as the figures draw them (the timeline's also names its user and window). */
export const FIGURE_TITLES: Record<FigureName, string> = {
  roc: "ROC curves per observer and defense",
  pareto: "Privacy against cost",
  "over-time": "The attacker who waits: linking against observation time",
  timeline: "Traffic of one user before and after shaping",
  "latency-cdf": "Added latency per message (CDF)",
  energy: "Radio energy per device-hour",
};
