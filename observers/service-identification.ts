/**
 * Service identification — the `service` task: does this device run the messenger at
 * all? Answered from network metadata only, the way the DNS / SNI / address
 * fingerprinting literature identifies the sites and apps behind encrypted traffic: a
 * plain DNS query or a plain TLS server name (SNI) names the service outright, and when
 * both are hidden (DoT/DoH, Encrypted Client Hello) a destination address the service
 * does not share still names it (Trevisan, Soro, Mellia, Drago, Morla, "Does domain name
 * encryption increase users' privacy?", ACM SIGCOMM CCR 50(3), 2020; Hoang, Akhavan
 * Niaki, Borisov, Gill, Polychronakis, "Assessing the Privacy Benefits of Domain Name
 * Encryption", AsiaCCS 2020; Siby et al., "Encrypted DNS ⇒ Privacy? A Traffic Analysis
 * Perspective", NDSS 2020, on what encrypted DNS still shows; ECH: Rescorla, Oku,
 * Sullivan, Wood, "TLS Encrypted Client Hello", draft-ietf-tls-esni, which leaves only
 * the shared public front's name visible).
 *
 * Rule: the attacker knows the service's public names and its own addresses (dedicated
 * service addresses, the product's per-class proxies: meta-service.ts; parameters,
 * defaulting to the lab's catalogue). For every device
 * the vantage tells apart (record.device ≥ 0) and saw at least one record of, the score
 * is log(1 + the number of its records, DNS queries and flows, that show a service name
 * or go to a service address). Nothing else counts: not traffic volume, not timing, not
 * the resolver it uses. With every name and service address hidden (encrypted DNS, ECH,
 * a shared CDN front, a tunnel) every device scores 0 and the AUC is exactly ½.
 *
 * Cases (the honest rule): one per device the vantage saw any record of. A device it saw
 * nothing of is not a case: the observer does not know it exists (a local observer of
 * one hotspot is not asked about devices on another). Records whose device the vantage
 * cannot tell (−1: a shared VPN exit or proxy address) belong to no case. Positives are
 * the devices `Labels.runsService` says run the messenger (the users), negatives the
 * bystanders. Each case carries its device id as its user (`usersPerCase` 1): the
 * bootstrap resamples devices, bystanders included, so the run's user weights must cover
 * every device id (`Labels.devices`).
 *
 * Vantage: any that carries metadata — the access network (`local`), the ISP, the VPN
 * provider (inner records of its users), a VPN exit's upstream (its records carry
 * device −1 and make no case), the service's own servers (`server`: its own records all
 * name it; that vantage learns nothing it did not know), `global`. Sees per device the
 * names, destination addresses and ports its vantage leaves visible. Cannot see names
 * under encrypted DNS or ECH, addresses inside a tunnel, which device sits behind a
 * shared exit or proxy address, or anything of a device it saw no record of.
 *
 * @example
 * const obs = definition.create(definition.schema.parse({}), ctx);
 * for (const r of records) obs.meta!.record(r); // the lab feeds the vantage's records
 * obs.score(labels); // one case per device seen: users positive, bystanders negative
 */
import { z } from "zod";
import type { Labels } from "./labels.ts";
import { catalogueParams, MetaLog, ServiceCatalogue } from "./meta-service.ts";
import type { Observer, ObserverContext, ObserverDefinition, Tap, TaskScores } from "./observer.ts";

const schema = z.object({ ...catalogueParams }).strict();

export type ServiceIdentificationParams = z.infer<typeof schema>;

/** Packets carry no names: this observer's packet tap ignores them. */
const NO_PACKETS: Tap = { packet: () => {} };

/** Checks the labels answer the service task and returns its question. */
export function serviceLabels(labels: Labels, observer: string): { runsService: (device: number) => boolean; devices: number } {
  if (labels.runsService === undefined) throw new Error(`${observer}: the labels do not answer the service task (Labels.runsService is missing)`);
  const runsService = labels.runsService.bind(labels);
  return { runsService, devices: labels.devices ?? labels.users };
}

class ServiceIdentification implements Observer {
  readonly tap = NO_PACKETS;
  readonly meta: MetaLog;
  private readonly catalogue: ServiceCatalogue;

  constructor(p: ServiceIdentificationParams, ctx: ObserverContext) {
    this.meta = new MetaLog(ctx.start, ctx.end);
    this.catalogue = new ServiceCatalogue(p);
  }

  /** Per device seen (ascending ids), its count of records showing the service. */
  evidence(): Map<number, number> {
    const out = new Map<number, number>();
    for (const r of this.meta.records) {
      if (r.device < 0) continue;
      const cls = this.catalogue.classOf(r);
      const hit = cls !== "other" && cls !== "unknown" ? 1 : 0;
      out.set(r.device, (out.get(r.device) ?? 0) + hit);
    }
    return new Map([...out.entries()].sort((a, b) => a[0] - b[0]));
  }

  score(labels: Labels): TaskScores {
    const { runsService, devices } = serviceLabels(labels, "service-identification");
    const pos: number[] = [];
    const neg: number[] = [];
    const pu: number[] = [];
    const nu: number[] = [];
    for (const [device, hits] of this.evidence()) {
      if (device >= devices) throw new RangeError(`service-identification: a record of device ${device}; the labels know ${devices} devices`);
      const s = Math.log1p(hits);
      if (runsService(device)) {
        pos.push(s);
        pu.push(device);
      } else {
        neg.push(s);
        nu.push(device);
      }
    }
    return {
      task: "service",
      positives: Float64Array.from(pos),
      negatives: Float64Array.from(neg),
      usersPerCase: 1,
      positiveUsers: Int32Array.from(pu),
      negativeUsers: Int32Array.from(nu),
    };
  }
}

export const definition: ObserverDefinition<ServiceIdentificationParams> = {
  name: "service-identification",
  summary: "tells which devices run the messenger from the DNS names, TLS server names (SNI) and the service's own addresses (dedicated, or its per-class proxies) their metadata shows",
  citation:
    "Trevisan et al., Does domain name encryption increase users' privacy?, ACM SIGCOMM CCR 2020; Hoang et al., Assessing the Privacy Benefits of Domain Name Encryption, AsiaCCS 2020; Siby et al., Encrypted DNS ⇒ Privacy?, NDSS 2020; TLS Encrypted Client Hello (draft-ietf-tls-esni)",
  task: "service",
  vantage: "local",
  vantages: ["local", "isp", "vpn-provider", "vpn-exit", "server", "global"],
  sees: "per device it can tell apart, the DNS names queried, the TLS server names (SNI) and the destination addresses its vantage leaves visible, matched against the service's public names and own addresses (dedicated, per-class proxies)",
  cannotSee:
    "names under encrypted DNS (DoT/DoH) or ECH, addresses inside a VPN tunnel, the service behind a shared CDN front, which device sits behind a shared VPN exit or proxy address, devices it saw no record of; it ignores traffic volume and timing",
  schema,
  create: (p, ctx) => new ServiceIdentification(p, ctx),
};
