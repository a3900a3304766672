/**
 * The shapers' random streams, one per slot, kept in the slots' hot blocks of the arena
 * and stepped in place: the egress is the `RandomSource` (`shapers/random.ts`) the
 * world hands each shaper, and a draw steps the stream of the slot the egress is acting
 * for.
 *
 * Why: with 20,000 shapers drawing in turn, a stream in its own small object (an object,
 * its typed array, the array's store) costs dependent cache misses on every draw; in the
 * hot block the draw touches a line the event has already brought in. Each slot's stream
 * is the named stream `stream(seed, path)` of `sim/core/rng.ts` (an Alea cell, see
 * `alea-cell.ts`), and `next`, `uniform`, `int` and `exponential` are `Rng`'s rules, so
 * a shaper draws exactly the numbers it would from its own `Rng`.
 *
 * Which slot's stream a draw steps: during an engine call, the selected slot's; outside
 * one, the slot last named by `bindStream` (or `seedStream`). A host that runs shaper
 * code outside engine calls — a shaper's constructor, `padRecord` — binds the slot first.
 * A slot never seeded draws zeros.
 *
 * @example
 * const rng = egress.seedStream(3, { seed: 1, path: "shaper/server/1" }); // bound to slot 3
 * const shaper = definition.create(params, { rng, side: "server", mtu }); // constructor draws from slot 3
 */
import type { RandomSource } from "../../shapers/random.ts";
import { cellFill, cellNext, seedCell } from "../core/alea-cell.ts";
import { HOT, H_STREAM } from "./egress-arena.ts";
import { EgressSlots } from "./egress-slots.ts";
import type { StreamName } from "./link.ts";

export abstract class EgressStreams extends EgressSlots implements RandomSource {
  /** Seeds slot `slot`'s stream at the start of stream `name` and binds it; returns the egress as that slot's random source. */
  seedStream(slot: number, name: StreamName): RandomSource {
    if (!(Number.isInteger(slot) && slot >= 0 && slot < this.slots)) throw new RangeError(`egress: slot ${slot}, expected 0..${this.slots - 1}`);
    seedCell(this.hot, slot * HOT + H_STREAM, name.seed, name.path);
    this.bindStream(slot);
    return this;
  }

  /** Makes draws outside engine calls step slot `slot`'s stream (the next engine call selects its own slot again). */
  bindStream(slot: number): void {
    this.streamAt = slot * HOT + H_STREAM;
    this.cur = -1;
  }

  next(): number {
    return cellNext(this.hot, this.streamAt);
  }

  fill(into: Float64Array, n: number): void {
    cellFill(this.hot, this.streamAt, into, n);
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * cellNext(this.hot, this.streamAt);
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor((hi - lo) * cellNext(this.hot, this.streamAt));
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - cellNext(this.hot, this.streamAt));
  }
}
