/**
 * The experiment schema's defaults are values of the schema, not of one parse: a parsed
 * experiment whose conversations or defense sides came from a default can be filled in or
 * edited (the parser fills each component's parameters; sweeps and tune set paths) without
 * changing what the next parse in the same process gets, or what `chaff schema` writes.
 */
import { describe, expect, it } from "vitest";
import { parseExperiment } from "../../../sim/experiment/parse.ts";
import { experimentJsonSchema } from "../../../sim/experiment/schema.ts";

const bare = {
  name: "defaults",
  purpose: "an experiment that leaves conversations and the server side to their defaults",
  population: { users: 8, contactsPerUser: 3 },
  defenses: [{ name: "none" }, { name: "padme", device: { shaper: "padme" } }],
  observers: [{ observer: "volume-correlation", vantage: "isp" }],
};

describe("experiment schema defaults", () => {
  it("a parse that fills or edits defaulted objects leaves the schema's defaults as written", async () => {
    const before = JSON.stringify(experimentJsonSchema());
    const first = await parseExperiment(structuredClone(bare));
    // What the parse filled in: the default conversation's parameters, a default side.
    expect(Object.keys(first.conversations[0]!.params).length).toBeGreaterThan(0);
    // Edits a caller may make to its own parsed experiment (a sweep setting a path).
    (first.conversations[0]!.params as Record<string, unknown>).conversationsPerHour = 99;
    (first.defenses[1]!.server.params as Record<string, unknown>).edited = true;
    first.defenses[1]!.server.shaper = "edited";
    const second = await parseExperiment(structuredClone(bare));
    expect(second.conversations[0]!.params.conversationsPerHour).not.toBe(99);
    expect(second.defenses[1]!.server).toMatchObject({ shaper: "none" });
    expect(second.defenses[1]!.server.params).not.toHaveProperty("edited");
    expect(JSON.stringify(experimentJsonSchema())).toBe(before);
    const props = (experimentJsonSchema() as { properties: { conversations: { default: unknown } } }).properties;
    expect(props.conversations.default).toEqual([{ model: "messaging", params: {} }]);
  });
});
