import { describe, expect, it } from "vitest";
import { getConversationModel, loadConversationModels } from "../../../../sim/experiment/registries.ts";
import { HOUR } from "../../../../sim/core/time.ts";
import { runModel } from "./fake-context.ts";

describe("conversation-model registry", () => {
  it("finds every model file, and only those", async () => {
    const models = await loadConversationModels();
    expect([...models.keys()]).toEqual(["background", "group", "messaging", "video-call", "voice-call"]);
  });

  it("gives each model strict parameters whose defaults all parse, and citations", async () => {
    for (const def of (await loadConversationModels()).values()) {
      const parsed = def.schema.safeParse({});
      expect(parsed.success, def.name).toBe(true);
      expect(def.schema.safeParse({ notAParameter: 1 }).success, def.name).toBe(false);
      expect(def.citations.length, def.name).toBeGreaterThan(0);
      expect(def.summary.length, def.name).toBeGreaterThan(10);
    }
  });

  it("runs every model with its defaults on the default population", async () => {
    for (const def of (await loadConversationModels()).values()) {
      const ctx = runModel(def, {}, { seed: 1, end: HOUR });
      expect(ctx.truth.messages.length + ctx.frames, def.name).toBeGreaterThan(0);
    }
  });

  it("names the known models when asked for an unknown one", async () => {
    expect((await getConversationModel("messaging")).name).toBe("messaging");
    await expect(getConversationModel("smoke-signals")).rejects.toThrow(/"smoke-signals": unknown; expected one of background, group, messaging/);
  });
});
