import { errorFunction, linearRegression, mean } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { DEFAULT_DIURNAL_PROFILE, activityCdf, activityFloor, buildPopulation, drawTieWeight, nextArrival, parsePopulationParams, populationSchema } from "../../../sim/world/population.ts";
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
    // a default the other fields make impossible is named with its value, not as "missing"
    expect(() => parsePopulationParams({ users: 5 })).toThrow(/contactsPerUser = 8 \(the default\): expected at most users − 1 = 4/);
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

  it("gives every user an activity weight from one law of mean 1, with a Zipf rank law under the cap", () => {
    const a = Array.from(pop.activity);
    const p = pop.params;
    expect(ksStatistic(a, (x) => activityCdf(p, x))).toBeLessThan(ksCritical(a.length));
    for (const w of a) {
      expect(w).toBeLessThanOrEqual(p.activityCap);
      expect(w).toBeGreaterThanOrEqual(activityFloor(1, p.activityCap) - 1e-12);
    }
    // The law's mean is 1 (numerically, from its CDF); a sample's mean is near it.
    let mean1 = 0;
    const steps = 20_000;
    const lo = activityFloor(1, p.activityCap);
    const h = (p.activityCap - lo) / steps;
    for (let i = 0; i < steps; i++) mean1 += (1 - activityCdf(p, lo + (i + 0.5) * h)) * h;
    expect(lo + mean1).toBeCloseTo(1, 4);
    const big = buildPopulation({ users: 10_000, groupsPerUser: 0 }, stream(5, "population"));
    const b = Array.from(big.activity);
    expect(mean(b)).toBeGreaterThan(0.9);
    expect(mean(b)).toBeLessThan(1.1);
    // Zipf: log weight against log rank has slope −s over the middle ranks.
    const sorted = [...b].sort((x, y) => y - x);
    const points = sorted.slice(20, 2000).map((w, i) => [Math.log(i + 21), Math.log(w)]);
    const slope = linearRegression(points).m;
    expect(slope).toBeGreaterThan(-1.15);
    expect(slope).toBeLessThan(-0.85);
  });

  it("does not change a user's activity with the population size (50 or 400 users: the same law, the same draw)", () => {
    const small = buildPopulation({ users: 50, groupsPerUser: 0 }, stream(8, "population"));
    const large = buildPopulation({ users: 400, groupsPerUser: 0 }, stream(8, "population"));
    expect(Array.from(large.activity.subarray(0, 50))).toEqual(Array.from(small.activity));
    // Across many seeds, user 7's weight follows the same law at both sizes (KS against it).
    const p = small.params;
    for (const users of [50, 400]) {
      const draws: number[] = [];
      for (let seed = 0; seed < 400; seed++) draws.push(buildPopulation({ users, groupsPerUser: 0, contactsPerUser: 2 }, stream(seed, "population")).activity[7]);
      expect(ksStatistic(draws, (x) => activityCdf(p, x)), `${users} users`).toBeLessThan(ksCritical(draws.length));
    }
    // With no Zipf skew every weight is 1.
    expect(new Set(buildPopulation({ users: 30, activityZipfExponent: 0 }, stream(1, "population")).activity)).toEqual(new Set([1]));
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

describe("tie strength", () => {
  const pop = buildPopulation({ users: 2000 }, stream(5, "population"));

  it("weights each edge once, the same from both ends, and shares each user's choices among its contacts", () => {
    for (let u = 0; u < pop.size; u++) {
      let total = 0;
      const c = pop.contacts(u);
      for (let k = 0; k < c.length; k++) {
        const v = c[k];
        const w = pop.tieWeights[pop.contactOffsets[u] + k];
        const back = pop.contacts(v).indexOf(u);
        expect(pop.tieWeights[pop.contactOffsets[v] + back]).toBe(w);
        total += pop.tieShare(u, v);
      }
      expect(total).toBeCloseTo(1, 9);
      expect(pop.tieShare(u, u)).toBe(0);
    }
  });

  it("draws weights from the offset power law: P(W > w) = (1 + w/w0)^−(γ−1) without the cutoff", () => {
    const r = stream(3, "ties");
    const ws: number[] = [];
    for (let i = 0; i < 20_000; i++) ws.push(drawTieWeight(r, 1.9, 280, Infinity));
    expect(ksStatistic(ws, (w) => 1 - Math.pow(1 + w / 280, -0.9))).toBeLessThan(ksCritical(ws.length));
    // The exponential cutoff keeps every weight finite and thins the far tail.
    const cut: number[] = [];
    for (let i = 0; i < 20_000; i++) cut.push(drawTieWeight(r, 1.9, 280, 345_000));
    expect(cut.filter((w) => w > 3 * 345_000).length).toBeLessThan(ws.filter((w) => w > 3 * 345_000).length / 3);
  });

  it("makes a few strong contacts carry most of a user's conversations (heavy-tailed), and picks contacts by share", () => {
    let top1 = 0;
    let top3 = 0;
    let users = 0;
    for (let u = 0; u < pop.size; u++) {
      const c = pop.contacts(u);
      if (c.length < 6) continue;
      const shares = Array.from(c, (v) => pop.tieShare(u, v)).sort((x, y) => y - x);
      top1 += shares[0];
      top3 += shares[0] + shares[1] + shares[2];
      users++;
      expect(pop.tieShare(u, pop.strongestContact(u))).toBe(shares[0]);
    }
    // Equal ties would give 1/degree ≤ 1/6 and 3/degree ≤ 1/2.
    expect(top1 / users).toBeGreaterThan(0.45);
    expect(top3 / users).toBeGreaterThan(0.75);
    // pickContact follows the shares (user 0, 20,000 draws, a 5-sigma band per contact).
    const r = stream(4, "pick");
    const counts = new Map<number, number>();
    const N = 20_000;
    for (let i = 0; i < N; i++) {
      const v = pop.pickContact(0, r);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    for (const v of pop.contacts(0)) {
      const q = pop.tieShare(0, v);
      expect(Math.abs((counts.get(v) ?? 0) - N * q)).toBeLessThan(5 * Math.sqrt(N * q * (1 - q)) + 1);
    }
  });

  it("with equal ties picks uniformly, with exactly the draw of r.int(0, degree)", () => {
    const eq = buildPopulation({ users: 300, tieStrength: "equal" }, stream(5, "population"));
    const a = stream(6, "pick");
    const b = stream(6, "pick");
    for (let i = 0; i < 2000; i++) {
      const u = i % 300;
      const lo = eq.contactOffsets[u];
      expect(eq.pickContact(u, a)).toBe(eq.contactTargets[lo + b.int(0, eq.contactOffsets[u + 1] - lo)]);
      expect(eq.tieShare(u, eq.contacts(u)[0])).toBeCloseTo(1 / eq.contacts(u).length, 12);
    }
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

describe("sleep", () => {
  const sleepy = buildPopulation({ users: 300, sleep: {} }, stream(12, "population"));
  const sleep = sleepy.sleep!;

  it("is off unless asked for", () => {
    expect(buildPopulation({ users: 10 }, stream(1, "population")).sleep).toBeNull();
  });

  it("puts each user to bed once a night, around the bedtime, for about the duration", () => {
    const durations: number[] = [];
    const bedtimes: number[] = [];
    for (let u = 0; u < sleepy.size; u++) {
      const nights = sleep.nightsOf(u, 7 * DAY);
      for (let i = 0; i < nights.length; i += 2) {
        expect(nights[i + 1]).toBeGreaterThan(nights[i]);
        if (i > 0) expect(nights[i]).toBeGreaterThan(nights[i - 1]);
        if (nights[i] < 0) continue;
        durations.push((nights[i + 1] - nights[i]) / HOUR);
        // Local clock time of the bedtime (start hour 18), as hours after the previous midnight.
        const local = (((nights[i] / HOUR + 18) % 24) + 24) % 24;
        bedtimes.push(local < 12 ? local + 24 : local);
      }
      // Seven days hold seven nights starting in them, give or take one at the ends.
      const inRun = Array.from({ length: nights.length / 2 }, (_, k) => nights[2 * k]).filter((t) => t >= 0 && t < 7 * DAY).length;
      expect(inRun).toBeGreaterThanOrEqual(6);
      expect(inRun).toBeLessThanOrEqual(8);
    }
    expect(mean(durations)).toBeGreaterThan(7.2);
    expect(mean(durations)).toBeLessThan(7.8);
    expect(mean(bedtimes)).toBeGreaterThan(23.2);
    expect(mean(bedtimes)).toBeLessThan(23.8);
  });

  it("answers isAsleep, nextWake and nextBedtime consistently", () => {
    const r = stream(12, "probe");
    for (let k = 0; k < 3000; k++) {
      const u = r.int(0, sleepy.size);
      const t = Math.round(r.uniform(0, 3 * DAY));
      const wake = sleep.nextWake(u, t);
      const bed = sleep.nextBedtime(u, t);
      if (sleep.isAsleep(u, t)) {
        expect(bed).toBe(t);
        expect(wake).toBeGreaterThan(t);
        expect(sleep.isAsleep(u, wake - 1)).toBe(true);
        expect(sleep.isAsleep(u, wake)).toBe(false);
      } else {
        expect(wake).toBe(t);
        expect(bed).toBeGreaterThan(t);
        expect(sleep.isAsleep(u, bed)).toBe(true);
        expect(sleep.isAsleep(u, bed - 1)).toBe(false);
      }
    }
  });

  it("opens no session and starts nothing while a user sleeps", () => {
    for (let u = 0; u < 100; u++) {
      const s = sleepy.sessions.sessionsOf(u, 3 * DAY);
      for (let i = 0; i < s.length; i += 2) {
        if (s[i] < 0) continue;
        expect(sleep.isAsleep(u, s[i])).toBe(false);
        expect(sleep.nextBedtime(u, s[i])).toBeGreaterThanOrEqual(s[i + 1]);
      }
      const r = stream(12, `arrivals/${u}`);
      for (let t = nextArrival(sleepy, u, 0, 5, r); t < 3 * DAY; t = nextArrival(sleepy, u, t, 5, r)) expect(sleep.isAsleep(u, t)).toBe(false);
    }
  });

  it("keeps the same nights whatever the order of queries, and a user's chronotype whatever the population size", () => {
    const a = buildPopulation({ users: 40, sleep: {} }, stream(4, "population"));
    const b = buildPopulation({ users: 40, sleep: {} }, stream(4, "population"));
    for (let u = 39; u >= 0; u--) b.sleep!.isAsleep(u, 2 * DAY);
    for (let u = 0; u < 40; u++) expect(Array.from(a.sleep!.nightsOf(u, 3 * DAY))).toEqual(Array.from(b.sleep!.nightsOf(u, 3 * DAY)));
    const big = buildPopulation({ users: 400, sleep: {} }, stream(4, "population"));
    for (let u = 0; u < 40; u++) expect(Array.from(big.sleep!.nightsOf(u, 3 * DAY))).toEqual(Array.from(a.sleep!.nightsOf(u, 3 * DAY)));
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
