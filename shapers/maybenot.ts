/**
 * Maybenot — Pulls & Witwer, "Maybenot: A Framework for Traffic Analysis Defenses",
 * WPES 2023, and its v2 design (arXiv 2304.09510); the framework Mullvad's DAITA runs.
 * Reference: maybenot-io/maybenot (framework 2.2.2), whose machine-string format,
 * framework semantics and integration contract `shapers/maybenot/` re-implements.
 *
 * Rule: run a set of Maybenot machines (v2 machine strings, as a real client ships them)
 * in one framework instance on this egress. Each machine is a probabilistic state
 * machine over 13 events that sends padding, blocks outgoing traffic, and keeps
 * counters and an internal timer, within its padding and blocking limits and the
 * framework-wide fractions `maxPaddingFrac` / `maxBlockingFrac` (0: no cap). How
 * chaff reports events to the framework and carries out its actions is documented in
 * `shapers/maybenot/integrator.ts`.
 *
 * Usable on either side of a link: give the device its client machines and the server
 * (relay) its own. With `padRealPackets` every real packet is also padded to the
 * padding size, as DAITA's integration does (outside the machines). Machines are parsed and compiled once per distinct list and shared
 * read-only by every egress that runs them. Padding packets default to the link MTU
 * (DAITA pads every packet to the MTU; a padding packet is indistinguishable from a
 * full real one).
 *
 * @example
 * // {"shaper": "maybenot", "params": {"machines": ["02eNpjYEAHjOgCAAA0AAI="]}}
 * // a no-op machine: "0 s100, 5ms r200" → unchanged
 */
import { z } from "zod";
import { parseMachines } from "./maybenot/codec.ts";
import { CompiledMachines } from "./maybenot/compiled.ts";
import { MachineError } from "./maybenot/error.ts";
import { MaybenotIntegrator } from "./maybenot/integrator.ts";
import { ACT_BLOCK } from "./maybenot/compiled.ts";
import { NormalRecv, PaddingRecv, TunnelRecv } from "./maybenot/event.ts";
import { EVENT_NUM } from "./maybenot/constants.ts";
import { bytes, flag, number, sizeWithin } from "./params.ts";
import { type ShaperDeclaration, type ShaperDefinition, declare } from "./shaper.ts";

const NAME = "maybenot";

/**
 * Default: the four DAITA v2 client machines Mullvad's app ships
 * (mullvad/mullvadvpn-app `dist-assets/maybenot_machines_v2`, one string per line):
 * background padding after traffic, padding after runs of received packets, and a
 * generated 3-state machine. What a real client runs is the natural default.
 */
export const DAITA_V2_MACHINES: readonly string[] = [
  "02eNptjLsNwCAQQ++yQRZImTJlRIfYBDEJA7ERJQtQ0iC+dxSIJ1mWLcv5TsLH9wMmF4KLqwkRAawk2yPR00CHX3V3j1GziWvE09NBBWg9Fjk=",
  "02eNqFjLENwCAMBP8hC2SJlKnTsVr2zBKUaVACNgiBEJxknex/Oezv9fjjRCF8mXLY4pAEbpeFJFlFqJBGA7PqWQ3spCer4l3rnvGDH6+FGlE=",
  "02eNqFjDkOgDAMBL056PkEJTVdvsY/+URKmojDmwiBUDyStbJ35DLuy5anWRrlqLTDcA0AkTXVkDt01ZAHwLFwludZeMsLLILlRRax4+lKcnrnl/8HJzqIIG0=",
  "02eNpdjr0LQVEYxt9zGES5o4myKVksFM45lEHKx0LJYDAZ5C+QRTHIaGETViYDKYPp3ijFYLj3KkmGK2WwuVwiv3rrrafnA1Jm16ijKBQ+6NRDGPJ2E0Xe6YnAD0hFD9nm/ObIHumlv4imZ3Mm8DwvtaxB0Jy1IUex0pYIIB30lhuCYkYvwW6nQFSV41R1L8vkmwlgEOONVvEaYt1SwLhdhxn8gdBgEfXU7RFmzeR9YtPPxrbqOVkLsd29XJhIJfbqRomGheLcYUWeFgxQodrq9wcP1E88/w==",
];

/** Most machines one framework may run (each costs work on every event). */
export const MAX_MACHINES = 64;

const machinesSchema = z
  .array(z.string({ error: (i) => `expected a machine string ("02…"), got ${JSON.stringify(i.input)}` }), {
    error: (i) => `expected a list of machine strings, got ${JSON.stringify(i.input)}`,
  })
  .min(1, { error: "expected at least one machine string" })
  .max(MAX_MACHINES, { error: `expected at most ${MAX_MACHINES} machine strings` })
  .superRefine((list, ctx) => {
    try {
      compiledFor(list);
    } catch (e) {
      if (!(e instanceof MachineError)) throw e;
      ctx.addIssue({ code: "custom", message: e.message });
    }
  });

const schema = z
  .object({
    machines: machinesSchema.default([...DAITA_V2_MACHINES]).describe('Maybenot v2 machine strings, one per machine ("02" + base64); default: the four DAITA v2 client machines'),
    maxPaddingFrac: number({ min: 0, max: 1 }, "fraction").default(0).describe("framework-wide cap on padding/(padding + normal) packets, a fraction; 0 = none (Maybenot's max_padding_frac)"),
    maxBlockingFrac: number({ min: 0, max: 1 }, "fraction").default(0).describe("framework-wide cap on blocked time / time since start, a fraction; 0 = none (Maybenot's max_blocking_frac)"),
    paddingBytes: bytes().optional().describe("size of padding packets, bytes (default: the link MTU)"),
    padRealPackets: flag().default(false).describe('also pad every real packet to paddingBytes, as DAITA does ("constant packet sizes"); not part of a machine'),
  })
  .strict();

export type MaybenotParams = z.infer<typeof schema>;

/** The widest declaration; each instance narrows it to what its machines can do. */
const declaration: ShaperDeclaration = declare({ delays: true, pads: true, injects: true, listensToReceive: true });

const cache = new Map<string, { machines: CompiledMachines; declaration: ShaperDeclaration }>();

/** Parses, validates and compiles a machine list once; errors are MachineErrors naming the machine. */
function compiledFor(list: readonly string[]): { machines: CompiledMachines; declaration: ShaperDeclaration } {
  const key = list.join("\n");
  let hit = cache.get(key);
  if (hit === undefined) {
    const machines = new CompiledMachines(parseMachines(list));
    if (cache.size > 256) cache.clear();
    hit = { machines, declaration: declarationOf(machines) };
    cache.set(key, hit);
  }
  return hit;
}

/** Blocks only if some state blocks; listens only if some state reacts to a received packet. */
function declarationOf(c: CompiledMachines): ShaperDeclaration {
  let blocks = false;
  let listens = false;
  const states = c.stateBase[c.count];
  for (let g = 0; g < states; g++) {
    if (c.actKind[g] === ACT_BLOCK) blocks = true;
    for (const e of [NormalRecv, PaddingRecv, TunnelRecv]) {
      const k = g * EVENT_NUM + e;
      if (c.transStart[k + 1] > c.transStart[k]) listens = true;
    }
  }
  return declare({ delays: blocks, injects: true, listensToReceive: listens });
}

export const definition: ShaperDefinition<MaybenotParams> = {
  name: NAME,
  summary: "Maybenot machines (v2 strings, e.g. Mullvad's DAITA): probabilistic state machines that pad and block",
  citation: "Pulls & Witwer, Maybenot: A Framework for Traffic Analysis Defenses, WPES 2023 (maybenot-io/maybenot framework v2)",
  schema,
  declaration,
  create: (p, ctx) => {
    const { machines, declaration: own } = compiledFor(p.machines);
    return new MaybenotIntegrator({
      machines,
      maxPaddingFrac: p.maxPaddingFrac,
      maxBlockingFrac: p.maxBlockingFrac,
      paddingBytes: sizeWithin(NAME, "paddingBytes", p.paddingBytes, ctx.mtu),
      rng: ctx.rng,
      padRealPackets: p.padRealPackets,
      declaration: p.padRealPackets ? { ...own, pads: true } : own,
    });
  },
};
