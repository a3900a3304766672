/**
 * What egresses sent, refused and forced: the counters of a set of slots, summed. Per-slot
 * counters (real packets and bytes, wire bytes) are in the slots' blocks of the arena;
 * the counts only ever reported per side (padding, cover, refused, forced) are per group.
 *
 * @example
 * sumStats(arena, (slot) => slot % 2 === 0, 0, 1) // the even slots, with group 0's counts
 */
import {
  COLD,
  C_REAL_BYTES,
  C_REAL_PACKETS,
  EgressArena,
  GROUP,
  G_COVER_PACKETS,
  G_FORCED_RELEASES,
  G_PADDING_PACKETS,
  G_REFUSED_PADDING,
  HOT,
  H_WIRE_BYTES,
} from "./egress-arena.ts";

export interface EgressStats {
  realPackets: number;
  realBytes: number;
  wirePackets: number;
  wireBytes: number;
  paddingPackets: number;
  coverPackets: number;
  /** Wire bytes not carrying real payload: padding, cover and padding inside real packets. */
  paddingBytes: number;
  refusedPadding: number;
  forcedReleases: number;
}

/** The counters of the slots `take` accepts, with the counts of groups `g0 .. g1 - 1`. */
export function sumStats(arena: EgressArena, take: (slot: number) => boolean, g0: number, g1: number): EgressStats {
  const { hot, cold, groups } = arena;
  let realPackets = 0;
  let realBytes = 0;
  let wireBytes = 0;
  for (let slot = 0; slot < arena.size; slot++) {
    if (!take(slot)) continue;
    realPackets += cold[slot * COLD + C_REAL_PACKETS];
    realBytes += cold[slot * COLD + C_REAL_BYTES];
    wireBytes += hot[slot * HOT + H_WIRE_BYTES];
  }
  let paddingPackets = 0;
  let coverPackets = 0;
  let refusedPadding = 0;
  let forcedReleases = 0;
  for (let g = g0; g < g1; g++) {
    paddingPackets += groups[g * GROUP + G_PADDING_PACKETS];
    coverPackets += groups[g * GROUP + G_COVER_PACKETS];
    refusedPadding += groups[g * GROUP + G_REFUSED_PADDING];
    forcedReleases += groups[g * GROUP + G_FORCED_RELEASES];
  }
  return {
    realPackets,
    realBytes,
    wirePackets: realPackets + paddingPackets + coverPackets,
    wireBytes,
    paddingPackets,
    coverPackets,
    paddingBytes: wireBytes - realBytes,
    refusedPadding,
    forcedReleases,
  };
}
