/**
 * Parses an experiment and reports every problem in one pass: the document's shape
 * (`schema.ts`), each named component (shaper, conversation model, observer) looked up
 * in its registry with a "did you mean" for a misspelt name, each component's own
 * parameter schema, shapers built once against the link they will run on (a cell
 * larger than the MTU is found here, not mid-run), and the cross-field rules (limits,
 * trace users, vantages, the topology and the observers' scopes, the policy against the
 * transport's VPN, the sweep and tune sections), then, for a valid experiment, its
 * feasibility (an up-front estimate of events, memory and time against `limits`).
 *
 * The component checks read the document loosely, so they run even when the shape
 * check failed: a misspelt shaper name and a missing `purpose` are reported together.
 * Every problem is one line naming the path, the value and what was expected; the
 * lines travel in one `InputError`.
 *
 * @example
 * await parseExperiment(JSON.parse(readFileSync("sim/experiment/builtin/default.json", "utf8")))
 */
import type { ObserverDefinition } from "../../observers/observer.ts";
import { ShaperParamError, type ShaperDefinition } from "../../shapers/shaper.ts";
import type { RandomSource } from "../../shapers/random.ts";
import { InputError, issueLines, showValue as show, unknownName } from "../core/validation.ts";
import type { ConversationModelDefinition } from "../world/conversation.ts";
import { WIREGUARD_OVERHEAD } from "../world/transport.ts";
import { exitIndex } from "../world/topology.ts";
import { loadConversationModels, loadObservers, loadShapers } from "./registries.ts";
import { feasibilityProblems } from "./feasibility.ts";
import { experimentSchema, type Experiment } from "./schema.ts";
import { sweepProblems } from "./sweep-section.ts";
import { tuneProblems } from "./tune-section.ts";

type Loose = Record<string, unknown>;

const isObject = (v: unknown): v is Loose => v !== null && typeof v === "object" && !Array.isArray(v);
const listAt = (doc: unknown, key: string): unknown[] => (isObject(doc) && Array.isArray(doc[key]) ? (doc[key] as unknown[]) : []);

/** A random source for building a shaper once during validation; its draws are never used. */
const PROBE_RNG: RandomSource = { next: () => 0.5, uniform: (lo, hi) => (lo + hi) / 2, int: (lo) => lo, exponential: (mean) => mean };

interface Registries {
  shapers: Map<string, ShaperDefinition>;
  models: Map<string, ConversationModelDefinition>;
  observers: Map<string, ObserverDefinition>;
}

/** The MTU shapers will see: the tunnel's inside a VPN, the path's otherwise (defaults when the transport is malformed). */
function shaperMtu(doc: unknown): number {
  const t = isObject(doc) && isObject(doc.transport) ? doc.transport : {};
  const vpn = isObject(t.vpn) ? t.vpn : null;
  const mtu = typeof t.mtu === "number" ? t.mtu : 1500;
  if (vpn) return typeof vpn.tunnelMtu === "number" ? vpn.tunnelMtu : mtu - WIREGUARD_OVERHEAD;
  return mtu;
}

/**
 * Checks every named component of `doc` and its parameters. With `apply`, writes the
 * parsed parameters (defaults filled in) back into `doc` and resolves observer vantages.
 */
function componentProblems(doc: unknown, reg: Registries, apply: boolean): string[] {
  const problems: string[] = [];
  listAt(doc, "conversations").forEach((c, i) => {
    if (!isObject(c)) return;
    const def = reg.models.get(c.model as string);
    if (!def) {
      problems.push(unknownName("conversation model", `conversations[${i}].model`, c.model, [...reg.models.keys()]));
      return;
    }
    const r = def.schema.safeParse(c.params ?? {});
    if (!r.success) problems.push(...issueLines(r.error.issues, c.params, ["conversations", i, "params"]));
    else if (apply) c.params = r.data as Loose;
  });

  const mtu = shaperMtu(doc);
  listAt(doc, "defenses").forEach((d, i) => {
    if (!isObject(d)) return;
    for (const side of ["device", "server"] as const) {
      const s = d[side];
      if (!isObject(s)) continue;
      const def = reg.shapers.get(s.shaper as string);
      if (!def) {
        problems.push(unknownName("shaper", `defenses[${i}].${side}.shaper`, s.shaper, [...reg.shapers.keys()]));
        continue;
      }
      const r = def.schema.safeParse(s.params ?? {});
      if (!r.success) {
        problems.push(...issueLines(r.error.issues, s.params, ["defenses", i, side, "params"]).map((l) => `${l} (shaper "${def.name}")`));
        continue;
      }
      try {
        def.create(r.data, { rng: PROBE_RNG, side, mtu });
      } catch (e) {
        if (!(e instanceof ShaperParamError)) throw e;
        problems.push(...e.problems.map((p) => `defenses[${i}].${side}: ${p}`));
        continue;
      }
      if (apply) s.params = r.data as Loose;
    }
  });

  const vpn = isObject(doc) && isObject(doc.transport) && doc.transport.vpn != null;
  listAt(doc, "observers").forEach((o, i) => {
    if (!isObject(o)) return;
    const def = reg.observers.get(o.observer as string);
    if (!def) {
      problems.push(unknownName("observer", `observers[${i}].observer`, o.observer, [...reg.observers.keys()]));
      return;
    }
    const vantage = (o.vantage ?? def.vantage) as (typeof def.vantages)[number];
    if (!def.vantages.includes(vantage)) problems.push(`observers[${i}].vantage = ${show(vantage)}: observer "${def.name}" works at ${def.vantages.join(", ")}`);
    if (vantage === "vpn-exit" && !vpn) problems.push(`observers[${i}].vantage = "vpn-exit": expected transport.vpn to be set (no VPN, no VPN exit)`);
    if (vantage === "vpn-provider" && !vpn) problems.push(`observers[${i}].vantage = "vpn-provider": expected transport.vpn to be set (no VPN, no VPN provider)`);
    const r = def.schema.safeParse(o.params ?? {});
    if (!r.success) problems.push(...issueLines(r.error.issues, o.params, ["observers", i, "params"]));
    else if (apply) {
      o.vantage = vantage;
      o.params = r.data as Loose;
    }
  });
  return problems;
}

/** Rules across fields of a well-shaped experiment. */
function crossFieldProblems(exp: Experiment): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  exp.defenses.forEach((d, i) => {
    if (names.has(d.name)) problems.push(`defenses[${i}].name = ${show(d.name)}: expected a name not used by another defense`);
    names.add(d.name);
  });
  const users = (exp.population as { users?: number }).users ?? 0;
  if (users > exp.limits.maxUsers) problems.push(`population.users = ${users}: expected at most limits.maxUsers (${exp.limits.maxUsers})`);
  if (exp.durationSeconds > exp.limits.maxDurationSeconds) {
    problems.push(`durationSeconds = ${exp.durationSeconds}: expected at most limits.maxDurationSeconds (${exp.limits.maxDurationSeconds})`);
  }
  exp.traceUsers.forEach((u, i) => {
    if (u >= users) problems.push(`traceUsers[${i}] = ${u}: expected a user index below population.users (${users})`);
  });
  problems.push(...topologyProblems(exp, users), ...policyProblems(exp));
  problems.push(...sweepProblems(exp), ...tuneProblems(exp));
  return problems;
}

/** The topology's names, its VPN exits against the transport, and each observer's `scope` against the topology. */
function topologyProblems(exp: Experiment, users: number): string[] {
  const problems: string[] = [];
  const topo = exp.topology;
  const vpn = exp.transport.vpn !== undefined;
  if (topo) {
    const isps = new Set<string>();
    topo.isps.forEach((name, i) => {
      if (isps.has(name)) problems.push(`topology.isps[${i}] = ${show(name)}: expected a name not used by another ISP`);
      isps.add(name);
    });
    const networks = new Set<string>();
    topo.networks.forEach((n, i) => {
      if (networks.has(n.name)) problems.push(`topology.networks[${i}].name = ${show(n.name)}: expected a name not used by another network`);
      networks.add(n.name);
      if (!isps.has(n.isp)) problems.push(unknownName("ISP", `topology.networks[${i}].isp`, n.isp, topo.isps));
    });
    if (topo.vpn && !vpn) problems.push(`topology.vpn = ${show(topo.vpn)}: expected transport.vpn to be set (VPN exits need a VPN)`);
    if (exp.recorded) problems.push(`topology = ${show(topo)}: expected no topology with a recorded population (every capture is one access link seen from every vantage)`);
  }
  const exits = vpn ? (topo?.vpn?.exits ?? users) : 0;
  exp.observers.forEach((o, i) => {
    // an unknown observer has no resolved vantage; its name is reported already
    if (o.scope === undefined || o.vantage === undefined) return;
    const where = `observers[${i}].scope`;
    const vantage = o.vantage;
    if (vantage !== "local" && vantage !== "isp" && vantage !== "vpn-exit") {
      problems.push(`${where} = ${show(o.scope)}: the ${show(vantage)} vantage has one instance and takes no scope (scopes exist at local, isp and vpn-exit)`);
    } else if (!topo) {
      problems.push(`${where} = ${show(o.scope)}: expected a topology to name scopes in (set topology, or drop the scope to see every ${vantage} instance at once)`);
    } else if (vantage === "local") {
      if (!topo.networks.some((n) => n.name === o.scope)) problems.push(unknownName("access network", where, o.scope, topo.networks.map((n) => n.name)));
    } else if (vantage === "isp") {
      if (!topo.isps.includes(o.scope)) problems.push(unknownName("ISP", where, o.scope, topo.isps));
    } else if (vpn) {
      try {
        exitIndex(exits, o.scope, where);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        problems.push(...e.problems);
      }
    }
  });
  return problems;
}

/** The policy's VPN against the transport's. */
function policyProblems(exp: Experiment): string[] {
  const policy = exp.policy;
  if (!policy) return [];
  const problems: string[] = [];
  const vpn = exp.transport.vpn !== undefined;
  if (policy.vpn.mode !== "off" && !vpn) problems.push(`policy.vpn.mode = ${show(policy.vpn.mode)}: expected transport.vpn to be set (the tunnel's framing and padding), or mode "off"`);
  if (policy.vpn.mode === "off" && vpn) problems.push(`policy.vpn.mode = "off": expected "on" or "always-on" because transport.vpn is set (or remove transport.vpn)`);
  if (policy.dns.resolver === "vpn" && (!vpn || policy.vpn.mode === "off")) {
    problems.push(`policy.dns.resolver = "vpn": expected a VPN (transport.vpn set and policy.vpn.mode "on" or "always-on"), or resolver "isp" / "public"`);
  }
  return problems;
}

/**
 * Parses and fully validates an experiment, including every component's parameters.
 * Returns the experiment with all defaults filled in. Throws one InputError listing
 * every problem found.
 */
export async function parseExperiment(raw: unknown): Promise<Experiment> {
  const [shapers, models, observers] = await Promise.all([loadShapers(), loadConversationModels(), loadObservers()]);
  const reg: Registries = { shapers, models, observers };
  const parsed = experimentSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InputError([...issueLines(parsed.error.issues, raw), ...componentProblems(raw, reg, false)]);
  }
  const exp = parsed.data;
  const problems = [...componentProblems(exp, reg, true), ...crossFieldProblems(exp)];
  // what cannot finish within the limits (an up-front estimate), only for an otherwise valid experiment
  if (problems.length === 0) problems.push(...feasibilityProblems(exp));
  if (problems.length > 0) throw new InputError(problems);
  return exp;
}
