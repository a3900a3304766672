/**
 * The network path between a device and the messaging server.
 *
 * Every user has an access link (device ↔ first hop: the messaging server, or the VPN
 * server on a VPN path) with its own uplink and downlink bandwidth, one-way latency and
 * jitter. On a VPN path a core link carries the tunnel's inner traffic between the VPN
 * server and the messaging server. The server relays stored messages after a relay
 * delay and call frames after a shorter forwarding delay.
 *
 * An ISP observer sits `ispOffsetMs` from the device along the access link: it sees an
 * uplink packet that long after it left the device, a downlink packet that long before
 * it arrives.
 *
 * Defaults are assumptions for a mobile user on a well-provisioned path (stated, not
 * measured): 10 Mbit/s up, 50 Mbit/s down, 25 ms one way, exponential jitter of mean
 * 2 ms; relay 20 ms for stored messages, 1 ms per call frame.
 */
import { z } from "zod";
import type { LinkSpec } from "../engine/link.ts";
import { ms, type Micros } from "../core/time.ts";

const linkFields = {
  latencyMs: z.number().min(0).max(10_000).describe("one-way propagation latency, ms (0..10000)"),
  jitterMs: z.number().min(0).max(10_000).describe("mean exponential jitter per packet, ms (0..10000)"),
};

export const networkSchema = z
  .object({
    access: z
      .object({
        uplinkMbps: z.number().positive().max(100_000).default(10).describe("device uplink, Mbit/s"),
        downlinkMbps: z.number().positive().max(100_000).default(50).describe("device downlink, Mbit/s"),
        latencyMs: linkFields.latencyMs.default(25),
        jitterMs: linkFields.jitterMs.default(2),
        ispOffsetMs: z.number().min(0).max(10_000).default(5).describe("where the ISP observer sits, ms from the device"),
      })
      .strict()
      .prefault({}),
    core: z
      .object({
        mbps: z.number().positive().max(1_000_000).default(1000).describe("VPN server ↔ messaging server, Mbit/s"),
        latencyMs: linkFields.latencyMs.default(10),
        jitterMs: linkFields.jitterMs.default(0.5),
      })
      .strict()
      .prefault({}),
    server: z
      .object({
        relayMs: z.number().min(0).max(60_000).default(20).describe("store-and-forward delay for a message, ms"),
        frameRelayMs: z.number().min(0).max(10_000).default(1).describe("forwarding delay for a call frame, ms"),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((n, ctx) => {
    if (n.access.ispOffsetMs > n.access.latencyMs) {
      ctx.addIssue({
        code: "custom",
        path: ["access", "ispOffsetMs"],
        message: `expected at most access.latencyMs (${n.access.latencyMs}): the ISP sits on the access path`,
      });
    }
  });

export type NetworkSpec = z.infer<typeof networkSchema>;

export interface NetworkPlan {
  uplink: LinkSpec;
  downlink: LinkSpec;
  coreUp: LinkSpec;
  coreDown: LinkSpec;
  ispOffset: Micros;
  relay: Micros;
  frameRelay: Micros;
}

export function planNetwork(spec: NetworkSpec): NetworkPlan {
  const a = spec.access;
  const c = spec.core;
  return {
    uplink: { bandwidthBps: a.uplinkMbps * 1e6, latency: ms(a.latencyMs), jitter: ms(a.jitterMs) },
    downlink: { bandwidthBps: a.downlinkMbps * 1e6, latency: ms(a.latencyMs), jitter: ms(a.jitterMs) },
    coreUp: { bandwidthBps: c.mbps * 1e6, latency: ms(c.latencyMs), jitter: ms(c.jitterMs) },
    coreDown: { bandwidthBps: c.mbps * 1e6, latency: ms(c.latencyMs), jitter: ms(c.jitterMs) },
    ispOffset: ms(a.ispOffsetMs),
    relay: ms(spec.server.relayMs),
    frameRelay: ms(spec.server.frameRelayMs),
  };
}
