/**
 * A policy file and a population become one experiment (sim/experiment/schema.ts) that
 * the normal runner runs: the policy block, the built-in topology, the tunnel's framing
 * in `transport.vpn` when the policy uses a VPN, the defenses and the observers.
 *
 * - Defenses: `none` (no shaper), plus `shaped` (the policy's shaper pair) when the
 *   policy has one: both arms run over the same people and conversations (common random
 *   numbers), so what the shaper buys is the paired difference the runner computes.
 * - Observers, at every vantage × scope that makes sense for the policy: `local` scoped
 *   to the café's hotspot and to one home network, `isp` scoped to one ISP (fiber-co:
 *   the homes and the office) and unscoped (every ISP at once, colluding: the
 *   attacker-favouring reading, which sees both ends of every pair), `vpn-provider` and `vpn-exit` (scoped to exit-0) when the
 *   policy uses a VPN, `server` and `global` (one instance each). At each, the traffic
 *   observers (volume correlation and Bahramali et al.'s event matching for linking, the
 *   activity detector) and the network-metadata observers (service identification, DNS
 *   activity, flow linking), each only where its definition says it can sit.
 *
 * The experiment is named `exposure-<policy>` and carries the policy's purpose; the
 * exposure summary (summary.ts) is a pure function of the run's metrics.json.
 *
 * @example
 * const raw = await policyExperiment(await parsePolicyFile(json), CI);
 * const exp = await experimentFrom(raw);   // sim/cli/load-experiment.ts
 */
import type { VantageName } from "../../observers/observer.ts";
import { getObserver } from "../experiment/registries.ts";
import type { ExperimentInput } from "../experiment/schema.ts";
import type { PolicyFile } from "./policy-file.ts";
import { CONVERSATIONS, EXIT, exposureTopology, HOME, HOTSPOT, ISP, type ExposurePopulation } from "./population.ts";

/** The traffic observers every exposure run places (link ×2, activity). */
export const TRAFFIC_OBSERVERS = ["volume-correlation", "event-matching", "activity-detector"] as const;
/** The network-metadata observers every exposure run places (service, activity from DNS, flow-link). */
export const METADATA_OBSERVERS = ["service-identification", "dns-activity", "flow-linking"] as const;

/** A vantage instance: a vantage and, where it has several, which one. */
export interface VantageScope {
  vantage: VantageName;
  scope?: string;
}

/** The vantage instances an exposure run observes under `policy`, in report order. */
export function exposureVantages(p: PolicyFile): VantageScope[] {
  const out: VantageScope[] = [
    { vantage: "local", scope: HOTSPOT },
    { vantage: "local", scope: HOME },
    { vantage: "isp", scope: ISP },
    { vantage: "isp" },
  ];
  if (p.policy.vpn.mode !== "off") out.push({ vantage: "vpn-provider" }, { vantage: "vpn-exit", scope: EXIT });
  out.push({ vantage: "server" }, { vantage: "global" });
  return out;
}

export interface PolicyExperimentOptions {
  /** Observer names to place (default: the traffic and the metadata observers above). */
  observers?: readonly string[];
}

/** The experiment (raw input, validated by the caller through parseExperiment) that runs `p` over `pop`. */
export async function policyExperiment(p: PolicyFile, pop: ExposurePopulation, opts: PolicyExperimentOptions = {}): Promise<ExperimentInput> {
  const names = opts.observers ?? [...TRAFFIC_OBSERVERS, ...METADATA_OBSERVERS];
  const defs = await Promise.all(names.map((n) => getObserver(n)));
  const observers: ExperimentInput["observers"] = [];
  for (const v of exposureVantages(p)) {
    for (const d of defs) {
      if (!d.vantages.includes(v.vantage)) continue;
      observers.push(v.scope === undefined ? { observer: d.name, vantage: v.vantage } : { observer: d.name, vantage: v.vantage, scope: v.scope });
    }
  }
  const defenses: ExperimentInput["defenses"] = [{ name: "none" }];
  if (p.shaper) defenses.push({ name: "shaped", device: p.shaper.device, server: p.shaper.server });
  const transport: ExperimentInput["transport"] = p.vpn ? { vpn: p.vpn } : {};
  return {
    name: `exposure-${p.name}`,
    purpose: p.purpose,
    notes: [
      `Exposure run of the policy "${p.name}" (chaff exposure): ${pop.users} users on the built-in topology (sim/exposure/population.ts), ${pop.durationSeconds} s simulated.`,
      "An observer use without a scope sees every instance of its vantage at once (colluding: the attacker-favouring reading).",
    ],
    seed: pop.seed,
    durationSeconds: pop.durationSeconds,
    population: { users: pop.users },
    conversations: CONVERSATIONS.map((c) => ({ ...c })),
    transport,
    topology: exposureTopology(p.vpn !== undefined),
    policy: p.policy,
    defenses,
    observers,
    metrics: { resamples: pop.resamples },
    traceUsers: [],
  };
}
