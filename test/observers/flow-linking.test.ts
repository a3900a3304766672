/**
 * flow-linking on constructed flows whose owners are known: devices that send messages
 * and upload an attachment 200 ms after each, seen where each device's address shows
 * (linking is certain), behind a proxy split where only timing is left (it still links
 * well), and with the uploads' timing drawn apart from the messages (chance).
 */
import { describe, expect, it } from "vitest";
import { definition, pairScore, seenFlows, type SeenFlow } from "../../observers/flow-linking.ts";
import type { MetaRecord } from "../../observers/meta-record.ts";
import { rocAuc } from "../../observers/metrics.ts";
import { stream } from "../../sim/core/rng.ts";
import { MILLISECOND, SECOND } from "../../sim/core/time.ts";
import { getObserver, validateObserverParams } from "../../sim/experiment/registries.ts";
import { allScores, feedMeta, metaLabels, rec } from "./meta-fixtures.ts";

const DEVICES = 10;
const END = 600 * SECOND;

type View = "device" | "proxy" | "exit";
/**
 * `spaced`: each device sends 5 messages, 120 s apart, device d 11 s after device d − 1
 * (plus up to 5 s of jitter), so no two of a device's flows come within the 10 s window
 * unless one is the upload of the other's attachment; `random`: 40 messages at uniform
 * times; `shuffled`: as random, with the uploads at times drawn apart from the messages.
 */
type Timing = "spaced" | "random" | "shuffled";

/**
 * Each device sends messages, each a 50 ms messaging flow, and uploads an attachment
 * 200 ms after each (a 1.8 s media flow). What the vantage shows: `device` — the device
 * and its address; `proxy` — the messaging server's view behind a proxy split: its own
 * services' names, but messaging comes from one proxy address and media from another;
 * `exit` — no names, devices 0–4 behind one VPN exit address, 5–9 behind another.
 */
function world(view: View, timing: Timing): { records: MetaRecord[]; owners: Map<number, number> } {
  const r = stream(7, "test/flow-linking");
  const records: MetaRecord[] = [];
  const owners = new Map<number, number>();
  let handle = 0;
  const sends = timing === "spaced" ? 5 : 40;
  for (let d = 0; d < DEVICES; d++) {
    for (let k = 0; k < sends; k++) {
      const t = timing === "spaced" ? k * 120 * SECOND + d * 11 * SECOND + Math.round(r.uniform(0, 5 * SECOND)) : Math.round(r.uniform(0, END - 3 * SECOND));
      const upload = timing === "shuffled" ? Math.round(r.uniform(0, END - 3 * SECOND)) : t + 200 * MILLISECOND;
      const common = (cls: "messaging" | "media") => ({
        device: view === "device" ? d : -1,
        src: view === "device" ? `100.64.0.${d}` : view === "proxy" ? (cls === "messaging" ? "192.0.2.201" : "192.0.2.202") : `198.19.0.${d < 5 ? 1 : 2}`,
        name: view === "proxy" ? (cls === "messaging" ? "chat.messenger.example" : "media.messenger.example") : null,
        dst: null,
        port: 443,
      });
      records.push(rec({ kind: "flow", time: t, end: t + 50 * MILLISECOND, flow: handle, ...common("messaging"), bytesUp: 900, bytesDown: 300 }));
      owners.set(handle++, d);
      records.push(rec({ kind: "flow", time: upload, end: upload + 1800 * MILLISECOND, flow: handle, ...common("media"), bytesUp: 150_000, bytesDown: 2000 }));
      owners.set(handle++, d);
    }
  }
  return { records, owners };
}

function scored(view: View, timing: Timing, params: Record<string, unknown> = {}) {
  const { records, owners } = world(view, timing);
  return feedMeta(definition, params, records, DEVICES, 0, END).score(metaLabels({ users: DEVICES, devices: DEVICES, owners }));
}

const flow = (f: Partial<SeenFlow> & Pick<SeenFlow, "time" | "end">): SeenFlow => ({ handle: 0, device: -1, name: null, src: null, dst: null, port: null, bytesUp: 0, bytesDown: 0, ...f });

describe("flow-linking", () => {
  it("where the vantage tells devices apart links every pair right: AUC 1", () => {
    const s = scored("device", "random");
    expect(s.task).toBe("flow-link");
    expect(s.positives.length).toBeGreaterThan(400);
    expect(Math.min(...s.positives)).toBeGreaterThanOrEqual(8);
    expect(Math.max(...s.negatives)).toBeLessThanOrEqual(-7);
    expect(rocAuc(s.positives, s.negatives)).toBe(1);
  });

  it("behind a proxy split falls back to timing and still links an upload 200 ms after its message", () => {
    const s = scored("proxy", "spaced");
    expect(Math.max(...allScores(s))).toBeLessThanOrEqual(-3); // media–messaging pairs only, from two proxy addresses: tier −1 throughout
    // every positive is an upload 150 ms after its message ended: −4 + 1/1.15; negatives are other devices' flows ≥ 6 s apart
    expect(s.positives.length).toBe(DEVICES * 5);
    for (const x of s.positives) expect(x).toBeCloseTo(-4 + 1 / 1.15, 12);
    expect(s.negatives.length).toBeGreaterThan(20);
    expect(rocAuc(s.positives, s.negatives)).toBe(1);
    // with 40 messages each, a device's own unrelated flows inside the window are positives timing cannot see
    const dense = scored("proxy", "random");
    expect(rocAuc(dense.positives, dense.negatives)).toBeGreaterThan(0.65);
  });

  it("with the uploads' timing drawn apart from the messages is at chance", () => {
    const s = scored("proxy", "shuffled");
    expect(s.positives.length).toBeGreaterThan(400);
    expect(Math.abs(rocAuc(s.positives, s.negatives) - 0.5)).toBeLessThan(0.05);
  });

  it("behind shared VPN exits ranks pairs through one exit above pairs through two, and timing inside each", () => {
    const s = scored("exit", "random");
    const proxy = scored("proxy", "random");
    expect(rocAuc(s.positives, s.negatives)).toBeGreaterThan(rocAuc(proxy.positives, proxy.negatives));
    const a = flow({ time: 0, end: 50 * MILLISECOND, src: "198.19.0.1" });
    const b = flow({ time: 200 * MILLISECOND, end: 2 * SECOND, src: "198.19.0.1" });
    const c = flow({ time: 200 * MILLISECOND, end: 2 * SECOND, src: "198.19.0.2" });
    // b starts 150 ms after a ends: ½/(1 + 0.15) + ½/(1 + 0.15) with τ = 1 s
    expect(pairScore(a, b, SECOND)).toBeCloseTo(4 + 1 / 1.15, 12);
    expect(pairScore(a, c, SECOND)).toBeCloseTo(-4 + 1 / 1.15, 12);
    // a start inside the other's span, 0.5 s from its nearer end
    expect(pairScore(flow({ time: SECOND, end: 3 * SECOND }), flow({ time: 0, end: 1500 * MILLISECOND }), SECOND)).toBeCloseTo(0.5 + 0.5 / 1.5, 12);
    // a device's tunnel to VPN server 198.19.0.1 shares that sender address with the server's upstream flows, not with another exit's
    const tunnel = flow({ time: 0, end: 50 * MILLISECOND, device: 4, src: "100.64.0.4", dst: "198.19.0.1", port: 51820 });
    expect(pairScore(tunnel, b, SECOND)).toBeCloseTo(4 + 1 / 1.15, 12);
    expect(pairScore(b, tunnel, SECOND)).toBeCloseTo(4 + 1 / 1.15, 12);
    expect(pairScore(tunnel, c, SECOND)).toBeCloseTo(-4 + 1 / 1.15, 12);
    expect(pairScore(flow({ ...tunnel, port: 443 }), b, SECOND)).toBeCloseTo(-4 + 1 / 1.15, 12); // not a tunnel: its destination says nothing of its sender
    expect(pairScore(flow({ time: 0, end: 0 }), b, SECOND)).toBeCloseTo(1 / 1.2, 12); // no sender address: tier 0; 200 ms apart
    // the devices, when the vantage tells them, decide before addresses
    expect(pairScore({ ...a, device: 3 }, { ...c, device: 3 }, SECOND)).toBeCloseTo(8 + 1 / 1.15, 12);
  });

  it("pairs only bulk-side with messaging-side flows, leaves out other sites and flows whose owner the labels cannot name", () => {
    const msg = rec({ kind: "flow", device: -1, time: 0, end: SECOND, flow: 1, name: "chat.messenger.example" });
    const msg2 = rec({ kind: "flow", device: -1, time: 0, end: SECOND, flow: 2, name: "chat.messenger.example" });
    const media = rec({ kind: "flow", device: -1, time: 500 * MILLISECOND, end: SECOND, flow: 3, dst: "203.0.113.20" });
    const news = rec({ kind: "flow", device: -1, time: 500 * MILLISECOND, end: SECOND, flow: 4, name: "news.example" });
    const hidden = rec({ kind: "flow", device: -1, time: 600 * MILLISECOND, end: SECOND, flow: 5 });
    const tunnel = rec({ kind: "flow", device: -1, time: 600 * MILLISECOND, end: SECOND, flow: 6 });
    const owners = new Map([
      [1, 0],
      [2, 1],
      [3, 0],
      [4, 0],
      [5, 1],
    ]); // handle 6: several devices' flows
    const s = feedMeta(definition, {}, [msg, msg2, media, news, hidden, tunnel], 2, 0, END).score(metaLabels({ users: 2, devices: 2, owners }));
    // media–msg (0,0) +; media–msg2 −; hidden–msg −; hidden–msg2 +; hidden–media −. Not msg–msg2, nor news, nor the tunnel.
    expect([s.positives.length, s.negatives.length]).toEqual([2, 3]);
    expect(Array.from(s.positiveUsers)).toEqual([0, 0, 1, 1]);
    expect(Array.from(s.negativeUsers)).toEqual([1, 0, 0, 1, 0, 1]);
  });

  it("merges the records of one handle into one flow", () => {
    const [f] = seenFlows([
      rec({ kind: "flow", device: 2, time: 5 * SECOND, end: 6 * SECOND, flow: 9, bytesUp: 10, bytesDown: 20 }),
      rec({ kind: "dns", device: 2, time: 4 * SECOND, flow: 9 }),
      rec({ kind: "flow", device: 3, time: 2 * SECOND, end: 3 * SECOND, flow: 9, src: "x", bytesUp: 1, bytesDown: 2 }),
    ]);
    expect(f).toEqual({ handle: 9, time: 2 * SECOND, end: 6 * SECOND, device: -1, name: null, src: "x", dst: null, port: null, bytesUp: 11, bytesDown: 22 });
  });

  it("keeps at most maxNegatives negatives, a seeded sample: the same run gives the same sample", () => {
    const a = scored("proxy", "random", { maxNegatives: 50 });
    const b = scored("proxy", "random", { maxNegatives: 50 });
    expect([a.negatives.length, a.negativeUsers.length, a.negativeTimes!.length]).toEqual([50, 100, 50]);
    expect(Array.from(a.negatives)).toEqual(Array.from(b.negatives));
    expect(a.positives.length).toBe(scored("proxy", "random").positives.length);
  });

  it("takes from the labels only which case is positive: other owners move the same scores between the sides", () => {
    const { records, owners } = world("proxy", "random");
    const swapped = new Map([...owners].map(([h, d]) => [h, h % 2 === 0 ? d : (d + 1) % DEVICES])); // each device's uploads credited to the next device
    const a = feedMeta(definition, {}, records, DEVICES, 0, END).score(metaLabels({ users: DEVICES, devices: DEVICES, owners }));
    const b = feedMeta(definition, {}, records, DEVICES, 0, END).score(metaLabels({ users: DEVICES, devices: DEVICES, owners: swapped }));
    expect(allScores(b)).toEqual(allScores(a));
    expect(Math.abs(rocAuc(b.positives, b.negatives) - 0.5)).toBeLessThan(0.05);
    expect(() => feedMeta(definition, {}, records, DEVICES, 0, END).score({ ...metaLabels({ users: DEVICES, devices: DEVICES }), flowOwner: undefined })).toThrow(/flowOwner is missing/);
  });

  it("is registered at every metadata vantage, and rejects a bad parameter naming it", async () => {
    expect(await getObserver("flow-linking")).toBe(definition);
    expect(definition.vantages).toContain(definition.vantage);
    expect(validateObserverParams(definition, {}).windowSeconds).toBe(10);
    expect(() => validateObserverParams(definition, { timeScaleSeconds: 0 })).toThrow(/observer "flow-linking" parameter timeScaleSeconds = 0/);
  });
});
