/**
 * The catalogue of the metadata world: the messenger's services (one per traffic class),
 * the other sites devices visit, the resolvers, the CDN fronts, the VPN exits and the
 * proxies, with their names and addresses. Addresses come from the documentation ranges
 * (RFC 5737: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24; RFC 2544's 198.18.0.0/15
 * for the VPN provider; RFC 6598's 100.64.0.0/10 for subscribers' addresses). All of it
 * is an assumption of the lab, stated here, not a measurement.
 *
 * - The messenger runs three services: `chat.messenger.example` (the messaging
 *   connection), `media.messenger.example` (attachment up- and downloads) and
 *   `call.messenger.example` (call relays, TURN over TLS on 443). Under
 *   `addressing: "dedicated"` each has its own address, which names it; under
 *   `"cdn-front"` they sit behind the CDN's shared front addresses, as do the other sites
 *   marked `cdn` (the front is chosen by a hash of the name, so the address does not name
 *   the service among the sites sharing the front).
 * - Other sites: 24 names with a relative popularity (Zipf-like, weight 1/rank) and
 *   whether they sit behind the CDN fronts anyway.
 * - Resolvers: each ISP's own (`100.127.<isp>.53`), a public one (`192.0.2.53`), the VPN
 *   provider's (`198.18.255.53`, reached through the tunnel).
 * - A device's address: `100.<64 + isp>.<d >> 8>.<d & 255>` (one public address per
 *   device: no NAT sharing between devices of a network; attacker favouring — a shared
 *   NAT address would only hide devices from each other).
 * - VPN exit k: `198.19.<k >> 8>.<k & 255>`; its WireGuard server listens on UDP 51820
 *   at the same address (the address devices connect to and the one the exit's upstream
 *   traffic comes from).
 * - Proxies: one per traffic class, `192.0.2.<201 + class>` on 443.
 *
 * @example
 * serviceAddress("chat.messenger.example", "dedicated"); // => "203.0.113.10"
 */
import { TRAFFIC_CLASSES, type TrafficClass } from "./policy.ts";

export interface ServiceEntry {
  readonly name: string;
  readonly class: TrafficClass;
  /** The service's own address (dedicated addressing). */
  readonly address: string;
  readonly port: number;
}

/** The messenger's services, one per messenger traffic class. */
export const MESSENGER_SERVICES: readonly ServiceEntry[] = [
  { name: "chat.messenger.example", class: "messaging", address: "203.0.113.10", port: 443 },
  { name: "media.messenger.example", class: "media", address: "203.0.113.20", port: 443 },
  { name: "call.messenger.example", class: "calls", address: "203.0.113.30", port: 443 },
];

/** Names of the messenger's services, for observers and tests. */
export const MESSENGER_NAMES: readonly string[] = MESSENGER_SERVICES.map((s) => s.name);

export function messengerService(cls: "messaging" | "media" | "calls"): ServiceEntry {
  return MESSENGER_SERVICES.find((s) => s.class === cls) as ServiceEntry;
}

export interface OtherSite {
  readonly name: string;
  /** Relative popularity (1/rank). */
  readonly weight: number;
  /** Behind the CDN's shared fronts whatever the messenger's addressing. */
  readonly cdn: boolean;
  readonly address: string;
}

const OTHER_NAMES = [
  "search.example", "video.example", "social.example", "news.example", "mail.example", "maps.example",
  "shop.example", "music.example", "weather.example", "bank.example", "cloud.example", "ads.example",
  "analytics.example", "updates.example", "games.example", "wiki.example", "sports.example", "travel.example",
  "photos.example", "forum.example", "jobs.example", "recipes.example", "books.example", "podcasts.example",
];

/** Other sites the devices visit (every app but the messenger). */
export const OTHER_SITES: readonly OtherSite[] = OTHER_NAMES.map((name, i) => ({
  name,
  weight: 1 / (i + 1),
  cdn: i % 3 !== 0,
  address: `192.0.2.${10 + i}`,
}));

/** The CDN's shared front addresses. */
export const CDN_FRONTS: readonly string[] = ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"];

/** A name's CDN front: a fixed hash of the name onto the fronts. */
export function cdnFront(name: string): string {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return CDN_FRONTS[h % CDN_FRONTS.length];
}

/** The address a flow to `name` goes to under the messenger's `addressing`. */
export function serviceAddress(name: string, addressing: "dedicated" | "cdn-front"): string {
  const m = MESSENGER_SERVICES.find((s) => s.name === name);
  if (m) return addressing === "cdn-front" ? cdnFront(name) : m.address;
  const o = OTHER_SITES.find((s) => s.name === name);
  if (o) return o.cdn ? cdnFront(name) : o.address;
  throw new RangeError(`serviceAddress: unknown name ${JSON.stringify(name)}`);
}

/** Whether `name` is one of the messenger's services. */
export function isMessengerName(name: string): boolean {
  return MESSENGER_NAMES.includes(name);
}

export const PUBLIC_RESOLVER = "192.0.2.53";
export const VPN_RESOLVER = "198.18.255.53";
export function ispResolver(isp: number): string {
  return `100.127.${isp & 255}.53`;
}

export function deviceAddress(device: number, isp: number): string {
  return `100.${64 + (isp % 63)}.${(device >> 8) & 255}.${device & 255}`;
}

export function exitAddress(exit: number): string {
  return `198.19.${(exit >> 8) & 255}.${exit & 255}`;
}

export const WIREGUARD_PORT = 51820;

export function proxyAddress(cls: TrafficClass): string {
  return `192.0.2.${201 + TRAFFIC_CLASSES.indexOf(cls)}`;
}
