import { describe, expect, it } from "vitest";
import { definition, schema } from "../../../../sim/world/conversations/background.ts";
import { HOUR, SECOND } from "../../../../sim/core/time.ts";
import { TYPE_CODE } from "../../../../sim/world/truth.ts";
import { ksCritical, ksStatistic, runModel } from "./fake-context.ts";

describe("background parameters", () => {
  it("parses every default (Signal-Android keepalive cadence)", () => {
    const p = schema.parse({});
    expect(p.keepaliveSeconds).toBe(30);
    expect(p.keepaliveBackgroundSeconds).toBe(60);
    expect(definition.name).toBe("background");
  });

  it("rejects bad values naming the parameter", () => {
    const issues = (raw: unknown) => schema.safeParse(raw).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") ?? "";
    expect(issues({ keepaliveSeconds: 0 })).toMatch(/keepaliveSeconds: .*>0/);
    expect(issues({ pushesPerHour: -2 })).toMatch(/pushesPerHour: .*>=0/);
    expect(issues({ pushBytesMin: 500, pushBytesMax: 100 })).toMatch(/pushBytesMax: expected at least pushBytesMin/);
  });
});

describe("background output", () => {
  const ctx = runModel(definition, { pushesPerHour: 20 }, { seed: 41, end: 2 * HOUR, populationParams: { users: 300 } });
  const rows = ctx.messages();

  it("sends keepalives to the server every 30 s in a session and every 60 s outside", () => {
    const byUser = new Map<number, number[]>();
    for (const r of rows) {
      if (r.type !== TYPE_CODE.keepalive) continue;
      expect(r.to).toBe(-1);
      if (!byUser.has(r.from)) byUser.set(r.from, []);
      byUser.get(r.from)!.push(r.created);
    }
    expect(byUser.size).toBe(300);
    let foreground = 0;
    const wrong: string[] = [];
    for (const [u, times] of byUser) {
      expect(times[0]).toBeLessThan(30 * SECOND);
      for (let i = 1; i < times.length; i++) {
        const online = ctx.population.sessions.isOnline(u, times[i - 1]);
        if (online) foreground++;
        if (times[i] - times[i - 1] !== (online ? 30 : 60) * SECOND) wrong.push(`user ${u} at ${times[i]}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(foreground).toBeGreaterThan(0);
  });

  it("pushes from the server as a Poisson process", () => {
    const pushes = rows.filter((r) => r.type === TYPE_CODE.push);
    const expected = 300 * 20 * 2;
    expect(Math.abs(pushes.length - expected)).toBeLessThan(4 * Math.sqrt(expected));
    const last = new Map<number, number>();
    const gaps: number[] = [];
    for (const p of pushes) {
      expect(p.from).toBe(-1);
      expect(p.bytes).toBeGreaterThanOrEqual(100);
      expect(p.bytes).toBeLessThanOrEqual(400);
      if (last.has(p.to)) gaps.push((p.created - last.get(p.to)!) / SECOND);
      last.set(p.to, p.created);
    }
    const mean = 3600 / 20;
    expect(ksStatistic(gaps, (x) => 1 - Math.exp(-x / mean))).toBeLessThan(ksCritical(gaps.length));
  });

  it("is deterministic in the seed", () => {
    const opts = { end: HOUR / 2, populationParams: { users: 50 } };
    const a = runModel(definition, {}, { seed: 1, ...opts }).fingerprint();
    expect(runModel(definition, {}, { seed: 1, ...opts }).fingerprint()).toBe(a);
    expect(runModel(definition, {}, { seed: 2, ...opts }).fingerprint()).not.toBe(a);
  });
});
