/**
 * What a metadata observer knows before it watches anything: the messaging service's
 * public names and addresses, and a log of the metadata records its vantage delivers.
 * Shared by the network-metadata observers (service-identification.ts, dns-activity.ts,
 * flow-linking.ts).
 *
 * The attacker is granted the service's public catalogue: its DNS names (it can read
 * them in the app, its store listing or its own lookups) and its dedicated addresses
 * (it can resolve those names itself). This is the standard assumption of the
 * DNS / SNI / address fingerprinting literature (Trevisan et al., "Does domain name
 * encryption increase users' privacy?", ACM SIGCOMM CCR 50(3), 2020; Hoang et al.,
 * "Assessing the Privacy Benefits of Domain Name Encryption", AsiaCCS 2020: a dedicated
 * address names its service even when DNS and SNI are encrypted), and the addresses of
 * the product's per-class proxies (a proxy split hides which device a flow is from, not
 * that the flow is the messenger's). The defaults follow the lab's service catalogue
 * (sim/world/services.ts: chat / media / call names under `messenger.example`); an
 * experiment that renames the service passes its names and addresses as parameters.
 *
 * Matching rule: a name belongs to a class when it equals one of the class's names or is
 * a subdomain of one (`eu.chat.messenger.example` matches `chat.messenger.example`),
 * compared without case and without a trailing dot; an address when it equals one of the
 * class's addresses exactly. A record is classed by its name when the name is visible (a
 * visible name that matches no class is `other`: the attacker reads that it is some
 * other site), else by its destination address when that is one of the service's, else
 * `unknown` (hidden name, and an address that is a resolver, a CDN front, a VPN server or
 * a proxy: it could be anything).
 *
 * @example
 * const cat = new ServiceCatalogue({ messagingNames: ["chat.messenger.example"], mediaNames: [], callNames: [],
 *   messagingAddresses: ["203.0.113.10"], mediaAddresses: [], callAddresses: [] });
 * cat.classOf({ name: "CHAT.messenger.example.", dst: null }); // "messaging"
 * cat.classOf({ name: null, dst: "203.0.113.10" });            // "messaging"
 * cat.classOf({ name: null, dst: "198.51.100.7" });            // "unknown"
 */
import { z } from "zod";
import type { Micros } from "../sim/core/time.ts";
import type { MetaRecord, MetaTap } from "./meta-record.ts";

/** The messenger's traffic classes an observer tells apart by name or address. */
export const SERVICE_CLASSES = ["messaging", "media", "calls"] as const;
export type ServiceClass = (typeof SERVICE_CLASSES)[number];
/** A record's class: one of the service's, `other` (a visible name of another site), or `unknown`. */
export type RecordClass = ServiceClass | "other" | "unknown";

/** The lab's catalogue of the messenger's public names, per class. */
export const DEFAULT_SERVICE_NAMES: Readonly<Record<ServiceClass, readonly string[]>> = {
  messaging: ["chat.messenger.example"],
  media: ["media.messenger.example"],
  calls: ["call.messenger.example"],
};

/**
 * The lab's catalogue of the messenger's own addresses, per class: each service's
 * dedicated address (TEST-NET-3, RFC 5737), and the address of the product's proxy for
 * that class (sim/world/services.ts `proxyAddress`). Anyone who runs the app can learn
 * both, so the attacker is granted them (attacker favouring); the proxy for other apps'
 * traffic is left out: bystanders use it too.
 */
export const DEFAULT_SERVICE_ADDRESSES: Readonly<Record<ServiceClass, readonly string[]>> = {
  messaging: ["203.0.113.10", "192.0.2.201"],
  media: ["203.0.113.20", "192.0.2.202"],
  calls: ["203.0.113.30", "192.0.2.203"],
};

const nameList = (cls: ServiceClass) =>
  z
    .array(z.string().min(1).max(253))
    .max(256)
    .default([...DEFAULT_SERVICE_NAMES[cls]])
    .describe(`the service's public DNS names for its ${cls} traffic (a subdomain of one matches too)`);

const addressList = (cls: ServiceClass) =>
  z
    .array(z.string().min(1).max(64))
    .max(256)
    .default([...DEFAULT_SERVICE_ADDRESSES[cls]])
    .describe(`the addresses only the service's ${cls} traffic goes to (its dedicated address, its proxy for that class), as written in records; no shared CDN front`);

/** The catalogue parameters every metadata observer takes (spread into its schema). */
export const catalogueParams = {
  messagingNames: nameList("messaging"),
  mediaNames: nameList("media"),
  callNames: nameList("calls"),
  messagingAddresses: addressList("messaging"),
  mediaAddresses: addressList("media"),
  callAddresses: addressList("calls"),
};

export interface CatalogueParams {
  readonly messagingNames: readonly string[];
  readonly mediaNames: readonly string[];
  readonly callNames: readonly string[];
  readonly messagingAddresses: readonly string[];
  readonly mediaAddresses: readonly string[];
  readonly callAddresses: readonly string[];
}

const canonical = (name: string): string => name.trim().toLowerCase().replace(/\.+$/, "");

/** The service's names and addresses, and the rule that classes a record by them. */
export class ServiceCatalogue {
  private readonly names = new Map<string, ServiceClass>();
  private readonly addresses = new Map<string, ServiceClass>();

  constructor(p: CatalogueParams) {
    const lists: [ServiceClass, readonly string[], readonly string[]][] = [
      ["messaging", p.messagingNames, p.messagingAddresses],
      ["media", p.mediaNames, p.mediaAddresses],
      ["calls", p.callNames, p.callAddresses],
    ];
    for (const [cls, names, addrs] of lists) {
      for (const n of names) if (!this.names.has(canonical(n))) this.names.set(canonical(n), cls);
      for (const a of addrs) if (!this.addresses.has(a)) this.addresses.set(a, cls);
    }
  }

  /** The class a visible name belongs to, or null: the name itself, then each parent domain. */
  classOfName(name: string): ServiceClass | null {
    let n = canonical(name);
    for (;;) {
      const cls = this.names.get(n);
      if (cls !== undefined) return cls;
      const dot = n.indexOf(".");
      if (dot < 0) return null;
      n = n.slice(dot + 1);
    }
  }

  /** The class a destination address belongs to, or null. */
  classOfAddress(address: string): ServiceClass | null {
    return this.addresses.get(address) ?? null;
  }

  /** A record's class by what it shows: its name when visible, else its destination address. */
  classOf(r: Pick<MetaRecord, "name" | "dst">): RecordClass {
    if (r.name !== null) return this.classOfName(r.name) ?? "other";
    if (r.dst !== null) return this.classOfAddress(r.dst) ?? "unknown";
    return "unknown";
  }
}

/**
 * A `MetaTap` that keeps the records of the run (those that start inside [start, end)),
 * in arrival order. Not a hot path (one call per DNS query or flow). A record whose
 * times are not finite, or that ends before it starts, is a bug of the lab: it throws.
 */
export class MetaLog implements MetaTap {
  readonly records: MetaRecord[] = [];

  constructor(
    readonly start: Micros,
    readonly end: Micros,
  ) {}

  record(r: MetaRecord): void {
    if (!Number.isFinite(r.time) || !Number.isFinite(r.end) || r.end < r.time) {
      throw new RangeError(`metadata record: time ${r.time} µs, end ${r.end} µs; expected finite times with end >= time`);
    }
    if (!Number.isInteger(r.device) || r.device < -1) throw new RangeError(`metadata record: device = ${r.device}; expected -1 or a device id`);
    if (r.time < this.start || r.time >= this.end) return;
    this.records.push(r);
  }
}
