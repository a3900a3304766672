import { errorFunction, linearRegression, mean } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { DEFAULT_DIURNAL_PROFILE, buildPopulation, nextArrival, parsePopulationParams, populationSchema } from "../../../sim/world/population.ts";
import { stream } from "../../../sim/core/rng.ts";
import { HOUR, MINUTE, SECOND } from "../../../sim/core/time.ts";
import { ksCritical, ksStatistic } from "./conversations/fake-context.ts";

const DAY = 24 * HOUR;

describe("population parameters", () => {
  it("parses every default", () => {
    const p = populationSchema.parse({});
    expect(p.users).toBe(200);
    expect(p.contactsPerUser).toBe(8);
    expect(p.startHour).toBe(18);
    expect(p.diurnalProfile).toEqual([...DEFAULT_DIURNAL_PROFILE]);
    expect(p.sessionsPerDay).toBe(23);
  });

  it("rejects out-of-range values naming the parameter, the value and the range", () => {
    expect(() => parsePopulationParams({ users: -3 })).toThrow(/population parameter users = -3: .*2/);
    expect(() => parsePopulationParams({ contactsPerUser: Number.NaN })).toThrow(/contactsPerUser = NaN/);
    expect(() => parsePopulationParams({ users: 5, contactsPerUser: 8 })).toThrow(/contactsPerUser = 8: expected at most users − 1 = 4/);
    expect(() => parsePopulationParams({ groupSizeMin: 10, groupSizeMax: 5 })).toThrow(/groupSizeMax = 5: expected at least groupSizeMin = 10/);
    expect(() => parsePopulationParams({ startHour: 24 })).toThrow(/startHour = 24/);
    expect(() => parsePopulationParams({ diurnalProfile: [1, 2] })).toThrow(/diurnalProfile/);
    expect(() => parsePopulationParams({ sessionsPerDay: 0 })).toThrow(/sessionsPerDay = 0/);
    expect(() => parsePopulationParams({ colour: "blue" })).toThrow(/colour|Unrecognized/);
  });
});

describe("population graph", () => {
  const pop = buildPopulation({ users: 2000, contactsPerUser: 8 }, stream(5, "population"));

  it("has symmetric contacts without self-loops or duplicates, everyone with at least one", () => {
    let total = 0;
    for (let u = 0; u < pop.size; u++) {
      const c = pop.contacts(u);
      expect(c.length).toBeGreaterThan(0);
      total += c.length;
      for (let i = 0; i < c.length; i++) {
        expect(c[i]).not.toBe(u);
        if (i > 0) expect(c[i]).toBeGreaterThan(c[i - 1]);
        expect(Array.from(pop.contacts(c[i]))).toContain(u);
      }
    }
    // Mean degree: 8 from the edges plus the few isolated users joined afterwards.
    expect(total / pop.size).toBeGreaterThanOrEqual(8);
    expect(total / pop.size).toBeLessThan(8.1);
  });

  it("builds groups within the size range whose membership index agrees", () => {
    const p = pop.params;
    let memberships = 0;
    pop.groups.forEach((members, g) => {
      expect(members.length).toBeGreaterThanOrEqual(p.groupSizeMin);
      expect(members.length).toBeLessThanOrEqual(p.groupSizeMax);
      expect(new Set(members).size).toBe(members.length);
      for (const u of members) expect(Array.from(pop.groupsOf(u))).toContain(g);
      memberships += members.length;
    });
    let indexed = 0;
    for (let u = 0; u < pop.size; u++) indexed += pop.groupsOf(u).length;
    expect(indexed).toBe(memberships);
    expect(memberships / pop.size).toBeGreaterThan(2 * 0.85);
    expect(memberships / pop.size).toBeLessThan(2 * 1.15);
  });

  it("gives activity mean 1 with a Zipf rank law under the cap", () => {
    const a = Array.from(pop.activity);
    expect(mean(a)).toBeCloseTo(1, 9);
    const sorted = [...a].sort((x, y) => y - x);
    expect(sorted[0]).toBeLessThanOrEqual(pop.params.activityCap + 1e-9);
    const points = sorted.slice(20, 1000).map((w, i) => [Math.log(i + 21), Math.log(w)]);
    expect(linearRegression(points).m).toBeCloseTo(-1, 6);
    // With 10,000 users the cap binds, and the mean stays 1.
    const big = buildPopulation({ users: 10_000, groupsPerUser: 0 }, stream(5, "population"));
    const b = Array.from(big.activity);
    expect(Math.max(...b)).toBeCloseTo(50, 9);
    expect(mean(b)).toBeCloseTo(1, 9);
  });

  it("is deterministic in the seed", () => {
    const again = buildPopulation({ users: 2000, contactsPerUser: 8 }, stream(5, "population"));
    expect(Array.from(again.contactTargets)).toEqual(Array.from(pop.contactTargets));
    expect(again.groups).toEqual(pop.groups);
    expect(Array.from(again.activity)).toEqual(Array.from(pop.activity));
    const other = buildPopulation({ users: 2000, contactsPerUser: 8 }, stream(6, "population"));
    expect(Array.from(other.contactTargets)).not.toEqual(Array.from(pop.contactTargets));
  });
});

describe("diurnal rhythm", () => {
  const pop = buildPopulation({ users: 10 }, stream(1, "population"));

  it("has mean 1 over a day, a 24 h period, and stays under diurnalMax", () => {
    let sum = 0;
    const steps = 24 * 60;
    for (let i = 0; i < steps; i++) {
      const t = i * MINUTE + 17 * SECOND;
      const d = pop.diurnal(t);
      expect(d).toBeGreaterThan(0);
      expect(d).toBeLessThanOrEqual(pop.diurnalMax + 1e-12);
      expect(pop.diurnal(t + DAY)).toBeCloseTo(d, 12);
      sum += d;
    }
    expect(sum / steps).toBeCloseTo(1, 3);
  });

  it("puts time 0 at the start hour", () => {
    const profile = DEFAULT_DIURNAL_PROFILE;
    const total = profile.reduce((s, w) => s + w, 0);
    // 18:00 lies halfway between the knots at 17:30 and 18:30.
    expect(pop.diurnal(0)).toBeCloseTo(((profile[17] + profile[18]) / 2) * (24 / total), 12);
    const early = buildPopulation({ users: 10, startHour: 3.5 }, stream(1, "population"));
    expect(early.diurnal(0)).toBeCloseTo(profile[3] * (24 / total), 12);
  });
});

describe("sessions", () => {
  const pop = buildPopulation({ users: 1500 }, stream(9, "population"));
  const p = pop.params;

  it("are online a share sessionsPerDay × mean length / day of the time", () => {
    const r = stream(9, "probe");
    let on = 0;
    let n = 0;
    for (let u = 0; u < pop.size; u++) {
      for (let k = 0; k < 40; k++) {
        if (pop.sessions.isOnline(u, Math.round(r.uniform(0, DAY)))) on++;
        n++;
      }
    }
    const expected = (p.sessionsPerDay * p.sessionMeanSeconds * SECOND) / DAY;
    expect(on / n).toBeGreaterThan(expected * 0.85);
    expect(on / n).toBeLessThan(expected * 1.15);
  });

  it("start sessionsPerDay times a day with log-normal lengths", () => {
    const lengths: number[] = [];
    let count = 0;
    for (let u = 0; u < 600; u++) {
      const s = pop.sessions.sessionsOf(u, 2 * DAY);
      for (let i = 0; i < s.length; i += 2) {
        expect(s[i + 1]).toBeGreaterThan(s[i]);
        if (i > 0) expect(s[i]).toBeGreaterThanOrEqual(s[i - 1]);
        if (s[i] >= 0) count++;
        lengths.push(Math.log((s[i + 1] - s[i]) / SECOND));
      }
    }
    const perDay = count / 600 / 2;
    expect(perDay).toBeGreaterThan(p.sessionsPerDay * 0.93);
    expect(perDay).toBeLessThan(p.sessionsPerDay * 1.07);
    const mu = Math.log(p.sessionMeanSeconds) - (p.sessionSigma * p.sessionSigma) / 2;
    const cdf = (x: number) => 0.5 * (1 + errorFunction((x - mu) / (p.sessionSigma * Math.SQRT2)));
    expect(ksStatistic(lengths, cdf)).toBeLessThan(ksCritical(lengths.length));
  });

  it("answer nextOnline consistently with isOnline", () => {
    const r = stream(9, "probe2");
    for (let k = 0; k < 2000; k++) {
      const u = r.int(0, pop.size);
      const t = Math.round(r.uniform(0, DAY));
      const next = pop.sessions.nextOnline(u, t);
      expect(next).toBeGreaterThanOrEqual(t);
      expect(pop.sessions.isOnline(u, next)).toBe(true);
      if (next > t) {
        expect(pop.sessions.isOnline(u, t)).toBe(false);
        expect(pop.sessions.isOnline(u, next - 1)).toBe(false);
      }
    }
  });

  it("do not depend on the order of queries", () => {
    const a = buildPopulation({ users: 50 }, stream(3, "population"));
    const b = buildPopulation({ users: 50 }, stream(3, "population"));
    for (let u = 49; u >= 0; u--) b.sessions.isOnline(u, 5 * HOUR);
    for (let u = 0; u < 50; u++) expect(Array.from(a.sessions.sessionsOf(u, 6 * HOUR))).toEqual(Array.from(b.sessions.sessionsOf(u, 6 * HOUR)));
  });
});

describe("nextArrival", () => {
  it("draws rate × activity × diurnal(t) events, following the daily profile", () => {
    const pop = buildPopulation({ users: 200, activityZipfExponent: 0 }, stream(2, "population"));
    const r = stream(2, "arrivals");
    const byHour = new Float64Array(24);
    let count = 0;
    for (let u = 0; u < pop.size; u++) {
      let t = nextArrival(pop, u, 0, 2, r);
      while (t < 10 * DAY) {
        count++;
        byHour[Math.floor(((t + 18 * HOUR) % DAY) / HOUR)]++;
        t = nextArrival(pop, u, t, 2, r);
      }
    }
    const expected = 200 * 2 * 24 * 10;
    expect(Math.abs(count - expected)).toBeLessThan(4 * Math.sqrt(expected));
    // The 03:00–04:00 hour is far quieter than 20:00–21:00, in the profile's ratio.
    const ratio = byHour[3] / byHour[20];
    // Mean of the interpolated curve over hour h: (k[h−1] + 6·k[h] + k[h+1]) / 8.
    const k = DEFAULT_DIURNAL_PROFILE;
    const want = (k[2] + 6 * k[3] + k[4]) / (k[19] + 6 * k[20] + k[21]);
    expect(ratio).toBeGreaterThan(want * 0.85);
    expect(ratio).toBeLessThan(want * 1.15);
    expect(nextArrival(pop, 0, 0, 0, r)).toBe(Infinity);
  });
});
