/**
 * The FIFO queue of real packets waiting at one egress: a ring of `QREC`-double records
 * in the arena's pool (`egress-arena.ts`), its bookkeeping (offset, head, count,
 * capacity, all integers) in the egress's cold block. These functions take the cold
 * block as integers (`qi`) and the offset of the egress's bookkeeping in it (`ci`).
 *
 * A ring takes a run of the pool on first use and moves to a run twice as long when
 * full (runs are never freed; see `EgressArena.takeQueue`). Capacities are powers of two,
 * so positions wrap with a mask.
 *
 * @example
 * if (ringFull(qi, ci)) ringGrow(arena, qi, ci, -1);
 * const r = ringRecord(qi, ci, ringAppend(qi, ci)); // arena.pool[r + Q_WIRE] = ...
 */
import { EgressArena, I_Q_BASE, I_Q_CAP, I_Q_COUNT, I_Q_HEAD, QREC } from "./egress-arena.ts";

/** Records in a ring's first run. */
export const FIRST_RING = 8;

/** Records waiting. */
export function ringCount(qi: Int32Array, ci: number): number {
  return qi[ci + I_Q_COUNT];
}

/** Whether the ring has no room for another record. */
export function ringFull(qi: Int32Array, ci: number): boolean {
  return qi[ci + I_Q_COUNT] === qi[ci + I_Q_CAP];
}

/** Takes the position after the tail (the ring must have room); returns it. */
export function ringAppend(qi: Int32Array, ci: number): number {
  return (qi[ci + I_Q_HEAD] + qi[ci + I_Q_COUNT]++) & (qi[ci + I_Q_CAP] - 1);
}

/** Offset in the pool of the record at position `i`. */
export function ringRecord(qi: Int32Array, ci: number, i: number): number {
  return qi[ci + I_Q_BASE] + i * QREC;
}

/** Offset in the pool of the head record (the ring must not be empty). */
export function ringHead(qi: Int32Array, ci: number): number {
  return qi[ci + I_Q_BASE] + qi[ci + I_Q_HEAD] * QREC;
}

/** Removes the head record. */
export function ringDropHead(qi: Int32Array, ci: number): void {
  qi[ci + I_Q_HEAD] = (qi[ci + I_Q_HEAD] + 1) & (qi[ci + I_Q_CAP] - 1);
  qi[ci + I_Q_COUNT]--;
}

/**
 * Moves the ring to a run of the pool twice as long (the first run on first use), head
 * first. `arena.pool` may be replaced. Returns where the record at position `keep` of the
 * old ring now is (-1 for -1).
 */
export function ringGrow(arena: EgressArena, qi: Int32Array, ci: number, keep: number): number {
  const oldCap = qi[ci + I_Q_CAP];
  const cap = oldCap === 0 ? FIRST_RING : oldCap * 2;
  const base = arena.takeQueue(cap);
  const q = arena.pool;
  const oldBase = qi[ci + I_Q_BASE];
  const head = qi[ci + I_Q_HEAD];
  const count = qi[ci + I_Q_COUNT];
  const mask = oldCap - 1;
  for (let k = 0; k < count; k++) {
    const from = oldBase + ((head + k) & mask) * QREC;
    q.copyWithin(base + k * QREC, from, from + QREC);
  }
  qi[ci + I_Q_BASE] = base;
  qi[ci + I_Q_HEAD] = 0;
  qi[ci + I_Q_CAP] = cap;
  return keep >= 0 ? (keep - head) & mask : keep;
}
