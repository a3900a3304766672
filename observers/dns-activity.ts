/**
 * DNS activity — the `activity` task from name resolution alone: is this user really
 * communicating in this window? An app resolves its service's names when it connects,
 * reconnects or fetches media, so the lookups a device makes, and when, leak what its
 * apps are doing. With plain DNS the names say which app asked; with encrypted DNS
 * (DoT, DoH) the names are hidden but each lookup still shows as a small exchange with
 * the resolver at a visible time, and the timing of those exchanges is what Bushart &
 * Rossow, "Padding Ain't Enough: Assessing the Privacy Guarantees of Encrypted DNS"
 * (FOCI 2020) and Siby et al., "Encrypted DNS ⇒ Privacy? A Traffic Analysis
 * Perspective" (NDSS 2020) exploit to tell what a user does behind encrypted DNS.
 *
 * Rule: the attacker knows the service's public names (meta-service.ts). A lookup is
 * a `dns` record, or a flow to port 853 (DNS over TLS, RFC 7858: one per lookup when the
 * vantage delimits them so). Per user u and window w of `windowSeconds`, a lookup counts
 * 1 when its name is one of the service's, 0 when its name is visible and another site's
 * (the attacker reads that it is some other app), and 1 when its name is hidden (it
 * could be the messenger: the attacker cannot rule it out). With x[u, w] the window's
 * count, the score is log(1 + x[u, w]) − log(1 + the median of x over u's windows), the
 * user's usual level of lookups (as observers/activity-detector.ts does with bytes).
 * With names visible only the service's lookups count; with names hidden every lookup
 * counts and other apps' lookups are noise.
 *
 * Cases: one per user (ids below `users`: bystanders have no activity labels) and window,
 * each carrying its user and its window's start, as observers/activity-detector.ts does;
 * positives where `Labels.activeWindows` says the user sent or received a real message
 * or was in a call. Records whose device the vantage cannot tell (−1) count for nobody.
 *
 * Vantage: where the device's lookups pass with the device told apart — the access
 * network, the ISP, the VPN provider (lookups inside the tunnel, with always-on), and
 * `global`. A VPN exit's upstream sees lookups with device −1 (no case gains anything);
 * the messaging server sees no lookups. Sees each lookup's time, and its name when DNS is
 * plain (or at the resolver's own vantage). Cannot see names under DoT/DoH, lookups that
 * go inside a VPN tunnel it is outside of, lookups answered from the device's cache (none
 * on the wire), or the messages themselves.
 *
 * @example
 * const obs = definition.create(definition.schema.parse({ windowSeconds: 60 }), ctx);
 * for (const r of records) obs.meta!.record(r);
 * obs.score(labels); // one case per user and 60 s window
 */
import { median } from "simple-statistics";
import { z } from "zod";
import type { Labels } from "./labels.ts";
import { activityCases } from "./activity-cases.ts";
import type { MetaRecord } from "./meta-record.ts";
import { catalogueParams, MetaLog, ServiceCatalogue } from "./meta-service.ts";
import type { Observer, ObserverContext, ObserverDefinition, Tap, TaskScores } from "./observer.ts";
import { seconds, type Micros } from "../sim/core/time.ts";

const schema = z
  .object({
    windowSeconds: z.number().positive().max(86_400).meta({ unit: "seconds" }).default(60).describe("window length: one case per user and window, seconds"),
    ...catalogueParams,
  })
  .strict();

export type DnsActivityParams = z.infer<typeof schema>;

/** Packets carry no lookups: this observer's packet tap ignores them. */
const NO_PACKETS: Tap = { packet: () => {} };

/** Port of DNS over TLS (RFC 7858): a flow to it is a lookup whatever the vantage calls it. */
const DOT_PORT = 853;

class DnsActivity implements Observer {
  readonly tap = NO_PACKETS;
  readonly meta: MetaLog;
  readonly window: Micros;
  readonly windows: number;
  private readonly catalogue: ServiceCatalogue;

  constructor(
    p: DnsActivityParams,
    private readonly ctx: ObserverContext,
  ) {
    this.window = seconds(p.windowSeconds);
    if (this.window < 1) throw new RangeError(`dns-activity: windowSeconds = ${p.windowSeconds} is below 1 µs`);
    this.windows = Math.max(1, Math.ceil((ctx.end - ctx.start) / this.window));
    this.meta = new MetaLog(ctx.start, ctx.end);
    this.catalogue = new ServiceCatalogue(p);
  }

  /** How much a record says "the messenger resolved a name now": 1 service or hidden lookup, 0 otherwise. */
  private weight(r: MetaRecord): number {
    const lookup = r.kind === "dns" || r.port === DOT_PORT;
    if (!lookup) return 0;
    const cls = this.catalogue.classOf({ name: r.name, dst: null }); // a lookup's address is the resolver's: only its name tells
    return cls === "other" ? 0 : 1;
  }

  /** Lookup counts x[u · windows + w]. */
  counts(): Float64Array {
    const { users, start } = this.ctx;
    const W = this.windows;
    const x = new Float64Array(users * W);
    for (const r of this.meta.records) {
      if (r.device < 0 || r.device >= users) continue;
      const w = Math.floor((r.time - start) / this.window);
      if (w < 0 || w >= W) continue;
      x[r.device * W + w] += this.weight(r);
    }
    return x;
  }

  /** The score of every (user, window), user after user. */
  windowScores(): Float64Array {
    const W = this.windows;
    const x = this.counts();
    const out = new Float64Array(x.length);
    for (let u = 0; u < this.ctx.users; u++) {
      const row = x.subarray(u * W, (u + 1) * W);
      const base = Math.log1p(median(Array.from(row)));
      for (let w = 0; w < W; w++) out[u * W + w] = Math.log1p(row[w]) - base;
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

export const definition: ObserverDefinition<DnsActivityParams> = {
  name: "dns-activity",
  summary: "flags windows in which a user's device resolves the messenger's names (or, with names hidden, makes more lookups than usual) as active communication",
  citation: "Bushart & Rossow, Padding Ain't Enough: Assessing the Privacy Guarantees of Encrypted DNS, FOCI 2020; Siby et al., Encrypted DNS ⇒ Privacy? A Traffic Analysis Perspective, NDSS 2020",
  task: "activity",
  vantage: "local",
  vantages: ["local", "isp", "vpn-provider", "vpn-exit", "global"],
  sees: "per user, the time of each DNS lookup its vantage can attribute to the device, and the name looked up when DNS is plain",
  cannotSee:
    "names under DoT/DoH, lookups inside a VPN tunnel it is outside of, lookups answered from the device's cache, which device sits behind a shared VPN exit, packet volumes, the messages themselves",
  schema,
  create: (p, ctx) => new DnsActivity(p, ctx),
};
