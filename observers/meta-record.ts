/**
 * Network metadata as a vantage sees it: one record per DNS query and per flow (a TLS or
 * QUIC connection, or a whole tunnel when a VPN hides what is inside), with every field
 * the network policy hides at that vantage set to null. Packet timing and sizes reach
 * observers through `Tap`; this is the layer above: names, addresses, ports and flow
 * boundaries (the product's "encrypted name resolution, transport protection, optional
 * VPN, proxy infrastructure").
 *
 * The lab generates the true records from what each device did (sim/world/metadata.ts)
 * and projects them per vantage × policy (sim/world/visibility.ts). A record MUST NOT
 * carry anything the vantage could not read off the wire: a field is null exactly when
 * the policy hides it there.
 *
 * @example
 * // plain DNS on a home Wi-Fi: the local observer reads the name the device asked for
 * { kind: "dns", device: 3, time: 1_000_000, end: 1_030_000, flow: 17, name: "chat.messenger.example",
 *   src: "10.1.0.4", dst: "192.0.2.53", port: 53, bytesUp: 74, bytesDown: 122 }
 */
import type { Micros } from "../sim/core/time.ts";

export const META_KINDS = ["dns", "flow"] as const;
export type MetaKind = (typeof META_KINDS)[number];

export interface MetaRecord {
  /** `dns`: one name lookup (query and answer); `flow`: one connection as this vantage delimits it. */
  readonly kind: MetaKind;
  /**
   * The device as this vantage tells devices apart: messaging users are 0 … users − 1,
   * devices that do not run the messenger (bystanders) follow. −1 when the vantage cannot
   * tell whose record it is (a flow arriving from a shared VPN exit or proxy address).
   */
  readonly device: number;
  /** When the query was sent / the flow's first packet passed this vantage, µs. */
  readonly time: Micros;
  /** When the answer arrived / the flow's last packet passed, µs (≥ time). */
  readonly end: Micros;
  /**
   * Opaque handle of the flow as this vantage delimits it: records with the same handle
   * are one connection here (every flow inside one tunnel shares the tunnel's handle).
   * Handles say nothing else: not the service, not the device.
   */
  readonly flow: number;
  /** The DNS name asked for (`dns`) or the TLS server name, SNI (`flow`); null when hidden (encrypted DNS, ECH, a tunnel). */
  readonly name: string | null;
  /** Source address as seen here (the device's, a VPN exit's, a proxy's); null when hidden. */
  readonly src: string | null;
  /** Destination address as seen here (a resolver, a service address, a shared CDN front, a VPN server, a proxy); null when hidden. */
  readonly dst: string | null;
  /** Destination port (53 plain DNS, 853 DoT, 443 HTTPS/DoH, 51820 WireGuard, …); null when hidden. */
  readonly port: number | null;
  /** Bytes up and down as seen here (tunnel and padding overhead included). */
  readonly bytesUp: number;
  readonly bytesDown: number;
}

/** Receives a vantage's metadata records in time order. Not a hot path: called once per record. */
export interface MetaTap {
  record(r: MetaRecord): void;
}
