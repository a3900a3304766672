/**
 * Maybenot's framework constants — maybenot-io/maybenot `crates/maybenot/src/constants.rs`
 * (framework v2.2.2; Pulls & Witwer, "Maybenot: A Framework for Traffic Analysis
 * Defenses", WPES 2023, and its v2 design, arXiv 2304.09510).
 *
 * Rule: a machine string is version 2; a decompressed machine is at most 1 MiB; a machine
 * has 1..100,000 states; the two pseudo-states END and SIGNAL sit at the top of the u32
 * range; every sampled timeout, blocking duration and timer duration is capped at one day.
 */

/** The machine-string version this codec reads and writes ("02…"). */
export const VERSION = 2;

/** Largest decompressed machine, bytes (a zlib-bomb guard). */
export const MAX_DECOMPRESSED_SIZE = 1 << 20;

/** Number of events a state can transition on (the serialized table's width). */
export const EVENT_NUM = 13;

/** Most states a machine may have. */
export const STATE_MAX = 100_000;

/** Pseudo-state: the machine stops for good. u32::MAX. */
export const STATE_END = 0xffff_ffff;

/** Pseudo-state: raise Signal in every other machine; not a real transition. u32::MAX − 1. */
export const STATE_SIGNAL = 0xffff_fffe;

/** Cap on a sampled action timeout, µs (one day). */
export const MAX_SAMPLED_TIMEOUT = 24 * 60 * 60 * 1e6;

/** Cap on a sampled timer duration, µs (one day). */
export const MAX_SAMPLED_TIMER_DURATION = 24 * 60 * 60 * 1e6;

/** Cap on a sampled blocking duration, µs (one day). */
export const MAX_SAMPLED_BLOCK_DURATION = 24 * 60 * 60 * 1e6;

/** u64::MAX, the bigint form (padding/blocking allowances, counters, limits). */
export const U64_MAX = (1n << 64n) - 1n;

/** u64::MAX as the nearest double (2^64): what saturating u64 arithmetic tops out at here. */
export const U64_MAX_F = 18446744073709551615;

/** The sampled limit of a state whose action has no limit distribution: u64::MAX. */
export const STATE_LIMIT_MAX = U64_MAX_F;
