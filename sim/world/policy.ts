/**
 * The network policy, as config: how name resolution, the TLS server name, destination
 * addresses, a VPN and a proxy hop are set up on every device of the experiment. Each
 * layer is what the product says reduces what observers see; none is a guarantee. What a
 * vantage still sees under a policy is sim/world/visibility.ts; the records it applies
 * to come from sim/world/metadata.ts.
 *
 * - `dns.mode`: `plain` (UDP/53: names and answers readable on the path), `dot` (DNS over
 *   TLS, port 853: names hidden, timing and sizes visible, the resolver's address
 *   visible), `doh` (DNS over HTTPS, port 443: as DoT but indistinguishable by port from
 *   other HTTPS to the same resolver). `dns.resolver`: whose resolver answers — the
 *   `isp`'s (the ISP reads every name whatever the mode), a `public` one (a third party
 *   reads them), or the `vpn` provider's (through the tunnel; needs a VPN).
 * - `sni`: `plain` (the ClientHello names the server) or `ech` (Encrypted Client Hello:
 *   only the public front's name is visible).
 * - `addressing`: `dedicated` (the messaging service has its own addresses, which name
 *   it) or `cdn-front` (it sits behind addresses a CDN shares with many sites).
 * - `vpn.mode`: `off`; `on` (the messenger's traffic goes through the tunnel; system DNS
 *   and other apps do not: a split tunnel); `always-on` (everything, DNS included, goes
 *   through the tunnel). The tunnel's framing and padding are `transport.vpn`
 *   (WireGuard-like, optional pad-to-MTU); `vpn.mode` other than `off` requires it.
 * - `proxy`: a proxy hop that carries the listed traffic classes on separate paths
 *   (separate proxy addresses and connections), so the services cannot tie one device's
 *   messages, media and other app traffic together by address.
 *
 * The shaper per side stays in `defenses` (one defense per arm).
 *
 * @example
 * policySchema.parse({ dns: { mode: "doh", resolver: "public" }, sni: "ech", vpn: { mode: "always-on" } });
 */
import { z } from "zod";

export const DNS_MODES = ["plain", "dot", "doh"] as const;
export const RESOLVERS = ["isp", "public", "vpn"] as const;
export const VPN_MODES = ["off", "on", "always-on"] as const;
/** The messenger's traffic classes, and everything else the device does. */
export const TRAFFIC_CLASSES = ["messaging", "media", "calls", "other"] as const;
export type TrafficClass = (typeof TRAFFIC_CLASSES)[number];

export const policySchema = z
  .object({
    dns: z
      .object({
        mode: z.enum(DNS_MODES).default("plain").describe("plain (UDP/53), dot (DNS over TLS, 853) or doh (DNS over HTTPS, 443)"),
        resolver: z.enum(RESOLVERS).default("isp").describe("whose resolver answers: the isp's, a public one, or the vpn provider's (needs a VPN)"),
      })
      .strict()
      .prefault({}),
    sni: z.enum(["plain", "ech"]).default("plain").describe("TLS server name: plain in the ClientHello, or hidden by Encrypted Client Hello"),
    addressing: z.enum(["dedicated", "cdn-front"]).default("dedicated").describe("the service's own addresses, or shared CDN front addresses"),
    vpn: z
      .object({
        mode: z.enum(VPN_MODES).default("off").describe("off; on (the messenger's traffic only: a split tunnel); always-on (everything, DNS included)"),
      })
      .strict()
      .prefault({}),
    proxy: z
      .object({
        separate: z
          .array(z.enum(TRAFFIC_CLASSES))
          .max(TRAFFIC_CLASSES.length)
          .default([])
          .describe("traffic classes carried on their own proxy path (empty: no proxy hop)"),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;
