/**
 * What each vantage sees of network metadata under a policy (sim/world/visibility.ts),
 * field by field, on a constructed record set: two messaging users on two networks under
 * two ISPs sharing one VPN exit, and one bystander beside user 0. Each device looks up
 * and connects to its services; the six example policies (no protection; encrypted DNS;
 * encrypted DNS + ECH; VPN always-on; VPN + shaping, whose metadata is the VPN's; VPN +
 * proxy separating messaging, media and other traffic) are checked at every vantage.
 */
import { describe, expect, it } from "vitest";
import type { MetaRecord } from "../../../observers/meta-record.ts";
import { DEFAULT_SERVICE_ADDRESSES, DEFAULT_SERVICE_NAMES } from "../../../observers/meta-service.ts";
import type { VantageName } from "../../../observers/observer.ts";
import { InputError } from "../../../sim/core/validation.ts";
import type { TrueRecord } from "../../../sim/world/metadata.ts";
import { policySchema, type Policy, type PolicyInput, type TrafficClass } from "../../../sim/world/policy.ts";
import { CDN_FRONTS, deviceAddress, exitAddress, MESSENGER_SERVICES, proxyAddress, PUBLIC_RESOLVER, ispResolver, serviceAddress } from "../../../sim/world/services.ts";
import type { Placement } from "../../../sim/world/topology.ts";
import { transportSchema, type TransportSpec } from "../../../sim/world/transport.ts";
import { project, projectView, tunnelBytes, visibleFields } from "../../../sim/world/visibility.ts";

const placement: Placement = {
  users: 2,
  bystanders: 1,
  isps: ["fiber", "cable"],
  networks: [
    { name: "home", kind: "home-wifi", isp: "fiber", weight: 1, bystanders: 1 },
    { name: "cafe", kind: "hotspot", isp: "cable", weight: 1, bystanders: 0 },
  ],
  network: Int32Array.from([0, 1]),
  isp: Int32Array.from([0, 1]),
  exit: Int32Array.from([0, 0]),
  exits: 1,
  bystanderNetwork: Int32Array.from([0]),
};

const transport: TransportSpec = transportSchema.parse({ vpn: {} });

/** Each device's connections: a lookup then a flow, one second apart per connection. */
function records(): TrueRecord[] {
  const plan: [number, TrafficClass, string][] = [];
  for (const d of [0, 1]) {
    for (const s of MESSENGER_SERVICES) plan.push([d, s.class, s.name]);
    plan.push([d, "other", "news.example"]);
  }
  plan.push([2, "other", "news.example"]);
  const out: TrueRecord[] = [];
  plan.forEach(([device, cls, name], k) => {
    const t = (k + 1) * 1_000_000;
    out.push({ kind: "dns", class: cls, device, time: t, end: t + 30_000, flow: out.length, name, bytesUp: 60, bytesDown: 92 });
    out.push({ kind: "flow", class: cls, device, time: t + 30_000, end: t + 500_000, flow: out.length, name, bytesUp: 3000, bytesDown: 9000 });
  });
  return out;
}

const RECORDS = records();
const POLICIES: Record<string, PolicyInput> = {
  none: {},
  "encrypted-dns": { dns: { mode: "doh", resolver: "public" } },
  "encrypted-dns-ech": { dns: { mode: "doh", resolver: "public" }, sni: "ech" },
  vpn: { dns: { mode: "doh", resolver: "public" }, sni: "ech", vpn: { mode: "always-on" } },
  // shaping lives in the defenses: the metadata is the VPN policy's
  "vpn-shaping": { dns: { mode: "doh", resolver: "public" }, sni: "ech", vpn: { mode: "always-on" } },
  "vpn-proxy": { dns: { mode: "doh", resolver: "public" }, sni: "ech", vpn: { mode: "always-on" }, proxy: { separate: ["messaging", "media", "other"] } },
};
const policy = (name: string): Policy => policySchema.parse(POLICIES[name]);
const seen = (vantage: VantageName, name: string, scope?: string, t: TransportSpec = transport) => project(RECORDS, vantage, scope, policy(name), placement, t);

/** Users 0 and the bystander (2) are on the fiber ISP (0), user 1 on cable (1). */
const ispOf = (d: number) => (d === 1 ? 1 : 0);
const messengerAddr = new Set(MESSENGER_SERVICES.map((s) => s.address));
const handles = (rs: MetaRecord[]) => new Set(rs.map((r) => r.flow)).size;

describe("no protection", () => {
  it("local: every lookup's name on port 53 to the ISP resolver, every flow's SNI, service address and own handle, each device named", () => {
    const rs = seen("local", "none");
    expect(rs).toHaveLength(RECORDS.length);
    for (const r of rs) {
      expect(r.device).toBeGreaterThanOrEqual(0);
      expect(r.name).not.toBeNull();
      expect(r.src).toBe(deviceAddress(r.device, ispOf(r.device)));
      if (r.kind === "dns") {
        expect(r.port).toBe(53);
        expect(r.dst).toBe(ispResolver(ispOf(r.device)));
      } else {
        expect(r.port).toBe(443);
        expect(r.dst).toBe(serviceAddress(r.name as string, "dedicated"));
      }
    }
    expect(handles(rs)).toBe(RECORDS.length);
    const chat = rs.filter((r) => r.name === "chat.messenger.example" && r.kind === "flow");
    expect(chat.map((r) => r.dst)).toEqual(["203.0.113.10", "203.0.113.10"]);
  });

  it("a local observer's scope holds only its network's devices (user 0 and the bystander at home; user 1 in the cafe)", () => {
    expect([...new Set(seen("local", "none", "home").map((r) => r.device))]).toEqual([0, 2]);
    expect([...new Set(seen("local", "none", "cafe").map((r) => r.device))]).toEqual([1]);
    expect([...new Set(seen("isp", "none", "cable").map((r) => r.device))]).toEqual([1]);
  });

  it("nothing reaches the VPN provider or an exit; the server sees the messenger's flows only, from the devices' own addresses", () => {
    expect(seen("vpn-provider", "none")).toEqual([]);
    expect(seen("vpn-exit", "none")).toEqual([]);
    const server = seen("server", "none");
    expect(server).toHaveLength(6);
    for (const r of server) {
      expect(r.kind).toBe("flow");
      expect(messengerAddr.has(r.dst as string)).toBe(true);
      expect(r.name).not.toBeNull();
      expect(r.device).toBeGreaterThanOrEqual(0);
      expect(r.src).toBe(deviceAddress(r.device, ispOf(r.device)));
    }
  });

  it("global is the access links plus the server", () => {
    expect(seen("global", "none")).toHaveLength(RECORDS.length + 6);
  });
});

describe("encrypted DNS (DoH to a public resolver)", () => {
  it("local and isp: lookups are seen (time, sizes, the resolver on 443) without their names; flows keep their SNI", () => {
    for (const v of ["local", "isp"] as const) {
      const rs = seen(v, "encrypted-dns");
      const dns = rs.filter((r) => r.kind === "dns");
      expect(dns).toHaveLength(9);
      for (const r of dns) {
        expect(r.name).toBeNull();
        expect(r.port).toBe(443);
        expect(r.dst).toBe(PUBLIC_RESOLVER);
        expect(r.bytesUp).toBeGreaterThanOrEqual(128); // RFC 8467 block padding
      }
      for (const r of rs.filter((x) => x.kind === "flow")) expect(r.name).not.toBeNull();
      // one DoH connection per device
      expect(new Set(dns.map((r) => r.flow)).size).toBe(3);
    }
  });

  it("DoT is told by its port; a resolver run by the ISP reads the names whatever the mode, the access network does not", () => {
    const dot = project(RECORDS, "local", undefined, policySchema.parse({ dns: { mode: "dot", resolver: "isp" } }), placement, transport);
    expect(dot.filter((r) => r.kind === "dns").every((r) => r.port === 853 && r.name === null)).toBe(true);
    const isp = project(RECORDS, "isp", undefined, policySchema.parse({ dns: { mode: "dot", resolver: "isp" } }), placement, transport);
    expect(isp.filter((r) => r.kind === "dns").every((r) => r.port === 853 && r.name !== null)).toBe(true);
  });
});

describe("encrypted DNS + ECH", () => {
  it("local and isp: no name at all on the path; the service's own address still names it under dedicated addressing, not under CDN fronts", () => {
    const rs = seen("local", "encrypted-dns-ech");
    expect(rs.every((r) => r.name === null)).toBe(true);
    expect(rs.some((r) => messengerAddr.has(r.dst as string))).toBe(true);
    const fronted = project(RECORDS, "local", undefined, policySchema.parse({ ...POLICIES["encrypted-dns-ech"], addressing: "cdn-front" }), placement, transport);
    expect(fronted.some((r) => messengerAddr.has(r.dst as string))).toBe(false);
    // the messenger's six flows go to the shared fronts (news.example keeps its own address)
    expect(fronted.filter((r) => r.kind === "flow" && CDN_FRONTS.includes(r.dst as string))).toHaveLength(6);
  });

  it("the server still reads its own service names (it terminates TLS)", () => {
    expect(seen("server", "encrypted-dns-ech").every((r) => r.name !== null)).toBe(true);
  });
});

describe("VPN always-on (with encrypted DNS and ECH)", () => {
  it("local and isp: one tunnel flow per device to the exit on 51820, nothing named, WireGuard-framed sizes", () => {
    for (const v of ["local", "isp"] as const) {
      const rs = seen(v, "vpn");
      expect(rs).toHaveLength(RECORDS.length);
      for (const r of rs) {
        expect(r.kind).toBe("flow");
        expect(r.name).toBeNull();
        expect(r.port).toBe(51820);
        expect(r.dst).toBe(exitAddress(0));
        expect(r.device).toBeGreaterThanOrEqual(0);
        expect(r.bytesUp).toBeGreaterThan(60);
      }
      expect(handles(rs)).toBe(3);
      const view = projectView(RECORDS, v, undefined, policy("vpn"), placement, transport);
      for (const r of view.records) expect(view.owners[r.flow]).toBe(r.device);
    }
  });

  it("vpn-provider: every inner record of its users with their outer addresses; names hidden by DoH to a public resolver and by ECH", () => {
    const rs = seen("vpn-provider", "vpn");
    expect(rs).toHaveLength(RECORDS.length);
    for (const r of rs) {
      expect(r.device).toBeGreaterThanOrEqual(0);
      expect(r.src).toBe(deviceAddress(r.device, ispOf(r.device)));
      expect(r.name).toBeNull();
      expect(r.dst).not.toBeNull();
    }
    // resolver "vpn": the provider answers, so it reads every name
    const own = project(RECORDS, "vpn-provider", undefined, policySchema.parse({ dns: { mode: "doh", resolver: "vpn" }, sni: "ech", vpn: { mode: "always-on" } }), placement, transport);
    expect(own.filter((r) => r.kind === "dns").every((r) => r.name !== null)).toBe(true);
  });

  it("vpn-exit: the exit's mixed flows from its own address, whose they are unknown; server: the messenger's flows from the exit", () => {
    const rs = seen("vpn-exit", "vpn", "exit-0");
    expect(rs).toHaveLength(RECORDS.length);
    for (const r of rs) {
      expect(r.device).toBe(-1);
      expect(r.src).toBe(exitAddress(0));
      expect(r.name).toBeNull();
    }
    const server = seen("server", "vpn");
    expect(server).toHaveLength(6);
    for (const r of server) {
      expect(r.device).toBe(-1);
      expect(r.src).toBe(exitAddress(0));
      expect(r.name).not.toBeNull();
    }
  });

  it("VPN + shaping gives exactly the VPN's metadata at every vantage", () => {
    for (const v of ["local", "isp", "vpn-provider", "vpn-exit", "server", "global"] as const) {
      expect(seen(v, "vpn-shaping")).toEqual(seen(v, "vpn"));
    }
  });

  it("pad-to-MTU makes every tunnel packet the tunnel MTU plus WireGuard's 60 bytes", () => {
    const padded = transportSchema.parse({ vpn: { padToMtu: true } });
    for (const r of seen("local", "vpn", undefined, padded)) {
      expect(r.bytesUp % (1420 + 60)).toBe(0);
      expect(r.bytesDown % (1420 + 60)).toBe(0);
    }
    expect(tunnelBytes(100, { padToMtu: false, tunnelMtu: 1420 })).toBe(112 + 60);
    expect(tunnelBytes(1421, { padToMtu: false, tunnelMtu: 1420 })).toBe(1424 + 60 + 16 + 60);
  });
});

describe("VPN + proxy separating messaging, media and other traffic", () => {
  it("local: still only the tunnel, and fewer lookups in it (the proxies resolve the proxied classes' names)", () => {
    const rs = seen("local", "vpn-proxy");
    expect(rs.every((r) => r.port === 51820 && r.name === null)).toBe(true);
    expect(rs).toHaveLength(RECORDS.length - 7);
  });

  it("vpn-provider and vpn-exit: the proxied classes go to their own proxy connections, unnamed and with no lookup of their own; calls go direct", () => {
    for (const v of ["vpn-provider", "vpn-exit"] as const) {
      const rs = seen(v, "vpn-proxy");
      const dns = rs.filter((r) => r.kind === "dns");
      expect(dns).toHaveLength(2); // the two users' call-relay lookups; the proxies resolve the rest
      const flows = rs.filter((r) => r.kind === "flow");
      const toProxy = flows.filter((r) => [proxyAddress("messaging"), proxyAddress("media"), proxyAddress("other")].includes(r.dst as string));
      expect(toProxy).toHaveLength(7);
      for (const r of toProxy) expect(r.name).toBeNull();
      expect(flows.filter((r) => r.dst === serviceAddress("call.messenger.example", "dedicated"))).toHaveLength(2);
      // one proxy connection per device and class
      expect(new Set(toProxy.map((r) => r.flow)).size).toBe(7);
    }
  });

  it("server: messages and media arrive from two different proxy addresses, calls from the exit; no device named", () => {
    const rs = seen("server", "vpn-proxy");
    expect(rs).toHaveLength(6);
    for (const r of rs) expect(r.device).toBe(-1);
    expect(rs.filter((r) => r.name === "chat.messenger.example").every((r) => r.src === proxyAddress("messaging"))).toBe(true);
    expect(rs.filter((r) => r.name === "media.messenger.example").every((r) => r.src === proxyAddress("media"))).toBe(true);
    expect(rs.filter((r) => r.name === "call.messenger.example").every((r) => r.src === exitAddress(0))).toBe(true);
    expect(proxyAddress("messaging")).not.toBe(proxyAddress("media"));
  });
});

describe("split tunnel and the field table", () => {
  it("vpn on: the messenger's flows in the tunnel, system DNS and other apps outside it, named", () => {
    const rs = project(RECORDS, "local", undefined, policySchema.parse({ vpn: { mode: "on" } }), placement, transport);
    const tunnel = rs.filter((r) => r.port === 51820);
    expect(tunnel).toHaveLength(6);
    const outside = rs.filter((r) => r.port !== 51820);
    expect(outside.filter((r) => r.kind === "dns")).toHaveLength(9);
    expect(outside.every((r) => r.name !== null)).toBe(true);
  });

  it("visibleFields states the same rules as data", () => {
    const none = visibleFields("local", policy("none"));
    expect(none.dns.messaging).toEqual([expect.objectContaining({ kind: "dns", name: true, port: 53, device: true })]);
    expect(visibleFields("local", policy("encrypted-dns-ech")).flow.messaging[0].name).toBe(false);
    expect(visibleFields("server", policy("vpn")).dns.messaging).toEqual([]);
    expect(visibleFields("server", policy("vpn")).flow.other).toEqual([]);
    expect(visibleFields("vpn-exit", policy("vpn")).flow.messaging[0]).toMatchObject({ src: "exit", device: false, name: false });
    expect(visibleFields("vpn-provider", policy("vpn-proxy")).dns.media).toEqual([]);
    expect(visibleFields("global", policy("none")).flow.messaging).toHaveLength(2);
  });

  it("the observers' default catalogue is the world's (observers cannot import sim/world, so the two lists must agree)", () => {
    for (const svc of MESSENGER_SERVICES) {
      expect(DEFAULT_SERVICE_NAMES[svc.class as keyof typeof DEFAULT_SERVICE_NAMES]).toEqual([svc.name]);
      // its dedicated address and its class's proxy (the observers are granted both)
      expect(DEFAULT_SERVICE_ADDRESSES[svc.class as keyof typeof DEFAULT_SERVICE_ADDRESSES]).toEqual([svc.address, proxyAddress(svc.class)]);
    }
  });

  it("bad policy and scope are input errors naming the field", () => {
    expect(() => project(RECORDS, "local", undefined, policy("vpn"), placement, transportSchema.parse({}))).toThrow(InputError);
    expect(() => project(RECORDS, "local", undefined, policySchema.parse({ dns: { resolver: "vpn" } }), placement, transport)).toThrow(/policy.dns.resolver/);
    expect(() => project(RECORDS, "local", "library", policy("none"), placement, transport)).toThrow(InputError);
    expect(() => project(RECORDS, "server", "home", policy("none"), placement, transport)).toThrow(/takes no scope/);
  });
});
