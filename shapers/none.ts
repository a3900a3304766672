/**
 * none — the undefended baseline: every packet leaves as it came, nothing is added.
 * Every experiment compares against it.
 */
import { z } from "zod";
import { BaseShaper, PASSIVE, type ShaperDefinition } from "./shaper.ts";

class NoShaper extends BaseShaper {
  readonly declaration = PASSIVE;
}

export const definition: ShaperDefinition<Record<string, never>> = {
  name: "none",
  summary: "no shaping: the undefended baseline",
  citation: "—",
  schema: z.object({}).strict(),
  declaration: PASSIVE,
  create: () => new NoShaper(),
};
