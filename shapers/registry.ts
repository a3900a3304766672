/**
 * The shaper registry: every file in `shapers/` (and one level of sub-folders) that
 * exports a `definition` is a shaper. Adding a shaper means adding one file; no engine
 * code lists them. Definitions are loaded once, sorted by name.
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { registry } from "../sim/experiment/discover.ts";
import type { ShaperDefinition } from "./shaper.ts";

const shapers = registry<ShaperDefinition>("shaper", dirname(fileURLToPath(import.meta.url)), 1);

export const loadShapers = shapers.load;
export const getShaper = shapers.get;
