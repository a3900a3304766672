/**
 * The shaping core as it ships: the shaper contract, the random-source interface, the
 * parameter helpers and every shaper family, with nothing of the lab (no engine, no
 * world, no node:* module). A device runtime or a browser bundles this file; the lab
 * discovers the same shapers from their files.
 *
 * A new shaper is one file in this folder exporting a `definition`, and one line below
 * (a test compares this list with the files, so a missing line fails `npm test`).
 *
 * @example
 * import { SHAPERS, getShaperDefinition } from "chaff/shapers/index.ts";
 * const padme = getShaperDefinition("padme");
 */
import type { ShaperDefinition } from "./shaper.ts";
import { definition as adaptivePadding } from "./adaptive-padding.ts";
import { definition as backgroundCover } from "./background-cover.ts";
import { definition as batching } from "./batching.ts";
import { definition as constantRate } from "./constant-rate.ts";
import { definition as csBuflo } from "./cs-buflo.ts";
import { definition as fixedBucket } from "./fixed-bucket.ts";
import { definition as front } from "./front.ts";
import { definition as jitter } from "./jitter.ts";
import { definition as maybenot } from "./maybenot.ts";
import { definition as none } from "./none.ts";
import { definition as padToMtu } from "./pad-to-mtu.ts";
import { definition as padme } from "./padme.ts";
import { definition as poissonCover } from "./poisson-cover.ts";
import { definition as powerOfTwo } from "./power-of-two.ts";
import { definition as regulator } from "./regulator.ts";
import { definition as signalPadding } from "./signal-padding.ts";
import { definition as tamaraw } from "./tamaraw.ts";
import { definition as walkieTalkie } from "./walkie-talkie.ts";

export * from "./shaper.ts";
export type { RandomSource } from "./random.ts";
export * as params from "./params.ts";
export { padme } from "./padme.ts";
export { nextPowerOfTwo } from "./power-of-two.ts";
export { padToBlock } from "./fixed-bucket.ts";

/** Every shaper family, sorted by name. */
export const SHAPERS: readonly ShaperDefinition[] = [
  adaptivePadding,
  backgroundCover,
  batching,
  constantRate,
  csBuflo,
  fixedBucket,
  front,
  jitter,
  maybenot,
  none,
  padToMtu,
  padme,
  poissonCover,
  powerOfTwo,
  regulator,
  signalPadding,
  tamaraw,
  walkieTalkie,
];

/** The shaper family named `name`, or undefined. */
export function getShaperDefinition(name: string): ShaperDefinition | undefined {
  return SHAPERS.find((s) => s.name === name);
}
