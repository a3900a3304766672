/**
 * A named random stream kept in four doubles of a caller's Float64Array, so that a
 * component with thousands of instances (the access links) keeps each one's generator
 * next to the rest of its state instead of in separate heap objects.
 *
 * The stream is the same one `stream(seed, path)` in `rng.ts` draws: Baagoe's Alea,
 * seeded by seedrandom from the text `chaff|<seed>|<path>` (the convention `rng.ts`
 * documents and its test pins to seedrandom), stepped by the same recurrence, and
 * `cellExponential` is `Rng.exponential`'s inversion rule. A test checks draw for draw
 * that a cell and `stream(seed, path)` agree.
 *
 * @example
 * const st = new Float64Array(ALEA_STATE);
 * seedCell(st, 0, 7, "link/up/3");
 * cellExponential(st, 0, 2000); // === stream(7, "link/up/3").exponential(2000)
 */
import seedrandom from "seedrandom";
/** A stream seed (rng.ts, which imports this file, re-exports it). */
export type Seed = number | string;

/** Doubles of state per cell: s0, s1, s2 (fractions of 2^32) and the carry c. */
export const ALEA_STATE = 4;

interface AleaState {
  s0: number;
  s1: number;
  s2: number;
  c: number;
}

/** Puts the start of stream (`seed`, `path`) in `st[o .. o + ALEA_STATE)`. */
export function seedCell(st: Float64Array, o: number, seed: Seed, path: string): void {
  const s = (seedrandom.alea(`chaff|${seed}|${path}`, { state: true }) as unknown as { state(): AleaState }).state();
  st[o] = s.s0;
  st[o + 1] = s.s1;
  st[o + 2] = s.s2;
  st[o + 3] = s.c;
}

/**
 * One step of Alea on the cell at `o`, returning nothing: the uniform drawn is then
 * `st[o + CELL_OUT]` (what `cellNext` returns). For hot paths: a double returned from a
 * call V8 does not inline is boxed into a fresh heap number.
 */
export function cellStep(st: Float64Array, o: number): void {
  const t = 2091639 * st[o] + st[o + 3] * 2.3283064365386963e-10; // 2^-32
  st[o] = st[o + 1];
  st[o + 1] = st[o + 2];
  const c = t | 0;
  st[o + 3] = c;
  st[o + 2] = t - c;
}

/** Where `cellStep` leaves the uniform it drew (the state's s2). */
export const CELL_OUT = 2;

/** Uniform in [0, 1): one step of Alea on the cell at `o`. */
export function cellNext(st: Float64Array, o: number): number {
  const t = 2091639 * st[o] + st[o + 3] * 2.3283064365386963e-10; // 2^-32
  st[o] = st[o + 1];
  st[o + 1] = st[o + 2];
  const c = t | 0;
  st[o + 3] = c;
  return (st[o + 2] = t - c);
}

/**
 * Writes the cell's next `n` uniforms to `into[0, n)`, exactly as `n` calls of
 * `cellNext` would, with the state kept in locals for the loop (a bulk draw: no
 * typed-array stores per step).
 */
export function cellFill(st: Float64Array, o: number, into: Float64Array, n: number): void {
  let s0 = st[o];
  let s1 = st[o + 1];
  let s2 = st[o + 2];
  let c = st[o + 3];
  for (let i = 0; i < n; i++) {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10; // 2^-32
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    into[i] = s2;
  }
  st[o] = s0;
  st[o + 1] = s1;
  st[o + 2] = s2;
  st[o + 3] = c;
}

/** Exponential with the given mean, by inversion (as `Rng.exponential`). */
export function cellExponential(st: Float64Array, o: number, mean: number): number {
  return -mean * Math.log(1 - cellNext(st, o));
}
