/**
 * The `task` parameter every pair observer takes: which question its pair scores
 * answer. `link` (default): did A and B talk one to one? (1:1 contacts against
 * strangers; group co-members left out.) `group-link`: are A and B in a group together?
 * (co-members against strangers). The pair scores are the same; only the labels differ
 * (observers/labels.ts), so an experiment asks for both by listing the observer twice.
 *
 * @example
 * const schema = z.object({ binSeconds: z.number().default(10), task: pairTaskParam }).strict();
 * schema.parse({}).task; // => "link"
 */
import { z } from "zod";
import { PAIR_TASKS } from "./labels.ts";

export const pairTaskParam = z
  .enum(PAIR_TASKS)
  .default("link")
  .describe("the question the pair scores answer: link (1:1 contacts vs strangers) or group-link (group co-members vs strangers)");
