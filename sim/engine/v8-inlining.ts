/**
 * The engine's hot paths need V8 to inline deeply: an engine entry point calls a
 * shaper's callback, which calls the engine's actions, which call the host's sink, and
 * every call V8 does not inline that carries a µs time (a double past 2^30) boxes it into
 * a fresh heap number. V8's default budget for inlining into one function (920 bytes of
 * bytecode, cumulative) runs out inside one timer event, and where it runs out varies
 * with compilation timing, so the same shaper ran at 60 or at 200 ns per packet and
 * allocated 0 or 16 bytes per packet from one process to the next. This module raises
 * the budget once, when the engine is first loaded and before any of its code is
 * optimized. The flag is process-wide (worker threads share it) and changes no result,
 * only how V8 compiles.
 *
 * 3000 was enough for the timer floor but not for shapers whose `onQueued` sets a timer
 * (jitter, RegulaTor, Walkie-Talkie, constant rate): there `setTimer` was left out of line
 * and boxed its time, 0.05-0.9 B per wire packet in the shaper bench; at 6000 all of
 * them sample under 0.1 B (allocation sampling of one run, collected objects included).
 *
 * @example
 * import "./v8-inlining.ts"; // first, from egress.ts
 */
import { setFlagsFromString } from "node:v8";

/** Bytes of bytecode V8 may inline into one optimized function (V8's default: 920). */
export const INLINING_BUDGET = 6000;

setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINING_BUDGET}`);
