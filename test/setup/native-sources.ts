/**
 * Setup file of the `slow` project: the lab's sources (sim/, observers/, shapers/) load
 * through Node's own module loader with tsx's hooks, exactly as `chaff run` loads them
 * (bin/chaff.js), instead of through vitest's module runner (vitest.config.ts
 * externalizes them; this registers the hooks that let Node load TypeScript).
 *
 * Why: vitest's runner rewrites every import into a property read on a module object,
 * which keeps V8 from inlining the engine's cross-module calls and exported constants in
 * its hot loops. Measured 2026-12-07 on test/physics/long-term-rounds.test.ts (75 users, a
 * day of constant rate): 68.6 CPU-s through vitest's runner, 32.7 CPU-s loaded natively;
 * test/physics/ties.test.ts's 48-hour world: 12.0 against 5.3 CPU-s. Same code, same
 * results. What it costs: a slow test cannot `vi.mock` a source module (none does; the
 * fast project, where tests mock, keeps vitest's runner).
 */
import { register } from "tsx/esm/api";

register();
