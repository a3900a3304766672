/**
 * service-identification on constructed metadata whose answer is known: three users of
 * the messenger and three bystanders on one network, seen under several policies (plain
 * names, ECH with dedicated addresses, everything hidden), then a shared VPN exit whose
 * records name no device.
 */
import { describe, expect, it } from "vitest";
import { definition } from "../../observers/service-identification.ts";
import type { MetaRecord } from "../../observers/meta-record.ts";
import { rocAuc } from "../../observers/metrics.ts";
import { SECOND } from "../../sim/core/time.ts";
import { getObserver, validateObserverParams } from "../../sim/experiment/registries.ts";
import { allScores, feedMeta, metaLabels, rec } from "./meta-fixtures.ts";

const USERS = 3;
const DEVICES = 6;
const END = 600 * SECOND;

type Policy = "plain" | "ech-dedicated" | "hidden";

/**
 * Each user looks up the chat and media names and opens a flow to each; each bystander
 * looks up two other sites and opens a flow to each. What the vantage shows depends on
 * the policy: plain shows names and addresses; ECH with encrypted DNS hides names but the
 * dedicated addresses remain; hidden (ECH + encrypted DNS + CDN front) shows neither.
 */
function records(policy: Policy): MetaRecord[] {
  const out: MetaRecord[] = [];
  let flow = 0;
  for (let d = 0; d < DEVICES; d++) {
    const user = d < USERS;
    const sites = user
      ? [
          ["chat.messenger.example", "203.0.113.10"],
          ["media.messenger.example", "203.0.113.20"],
        ]
      : [
          ["news.example", "198.51.100.5"],
          ["video.example", "198.51.100.6"],
        ];
    sites.forEach(([name, addr], k) => {
      const t = (10 + 60 * d + 20 * k) * SECOND;
      const src = `10.0.0.${d + 2}`;
      const named = policy === "plain" ? name : null;
      const dst = policy === "hidden" ? "192.0.2.80" : addr; // a CDN front shared by every site
      out.push(rec({ kind: "dns", device: d, time: t, end: t + 30_000, flow: flow++, name: named, src, dst: "192.0.2.53", port: policy === "plain" ? 53 : 443 }));
      out.push(rec({ kind: "flow", device: d, time: t + 40_000, end: t + 5 * SECOND, flow: flow++, name: named, src, dst, port: 443, bytesUp: 4000, bytesDown: 9000 }));
    });
  }
  return out;
}

const labels = metaLabels({ users: USERS, devices: DEVICES });
const run = (policy: Policy, params: Record<string, unknown> = {}) => feedMeta(definition, params, records(policy), USERS, 0, END).score(labels);

describe("service-identification", () => {
  it("with plain DNS and SNI scores each user log(1 + 4) (two queries, two flows) and each bystander 0: AUC 1", () => {
    const s = run("plain");
    expect(s.task).toBe("service");
    expect(Array.from(s.positives)).toEqual([Math.log1p(4), Math.log1p(4), Math.log1p(4)]);
    expect(Array.from(s.negatives)).toEqual([0, 0, 0]);
    expect([Array.from(s.positiveUsers), Array.from(s.negativeUsers), s.usersPerCase]).toEqual([[0, 1, 2], [3, 4, 5], 1]);
    expect(rocAuc(s.positives, s.negatives)).toBe(1);
  });

  it("with names hidden still finds the users by the service's dedicated addresses (their two flows): AUC 1", () => {
    const s = run("ech-dedicated");
    expect(Array.from(s.positives)).toEqual([Math.log1p(2), Math.log1p(2), Math.log1p(2)]);
    expect(Array.from(s.negatives)).toEqual([0, 0, 0]);
    expect(rocAuc(s.positives, s.negatives)).toBe(1);
  });

  it("counts a flow to the product's proxy for messaging as the messenger's, not one to the proxy for other apps", () => {
    const r = [rec({ kind: "flow", device: 1, time: SECOND, src: "100.64.0.1", dst: "192.0.2.201", port: 443 }), rec({ kind: "flow", device: 4, time: SECOND, src: "100.64.0.4", dst: "192.0.2.204", port: 443 })];
    const s = feedMeta(definition, {}, r, USERS, 0, END).score(labels);
    expect([Array.from(s.positives), Array.from(s.negatives)]).toEqual([[Math.log1p(1)], [0]]);
  });

  it("with every name and service address hidden scores every device 0: AUC exactly 0.5", () => {
    const s = run("hidden");
    expect(allScores(s)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(rocAuc(s.positives, s.negatives)).toBe(0.5);
  });

  it("knows only the names and addresses it is given: another catalogue finds nothing", () => {
    const s = run("plain", { messagingNames: ["chat.other.example"], mediaNames: [], callNames: [], messagingAddresses: [], mediaAddresses: [], callAddresses: [] });
    expect(rocAuc(s.positives, s.negatives)).toBe(0.5);
  });

  it("matches subdomains and ignores case and a trailing dot", () => {
    const r = [rec({ kind: "dns", device: 0, time: SECOND, name: "EU.Chat.Messenger.Example." }), rec({ kind: "dns", device: 3, time: SECOND, name: "chat.messenger.example.evil.example" })];
    const s = feedMeta(definition, {}, r, USERS, 0, END).score(labels);
    expect([Array.from(s.positives), Array.from(s.negatives)]).toEqual([[Math.log1p(1)], [0]]);
  });

  it("makes a case only of devices it saw and can tell apart: a shared exit's records (device −1) and unseen devices make none", () => {
    const seen = records("plain").filter((r) => r.device === 0 || r.device === 4);
    const exit = records("plain").map((r) => ({ ...r, device: -1, src: "198.18.0.1" }));
    const s = feedMeta(definition, {}, [...seen, ...exit], USERS, 0, END).score(labels);
    expect([Array.from(s.positiveUsers), Array.from(s.negativeUsers)]).toEqual([[0], [4]]);
  });

  it("takes from the labels only which case is positive: other labels move the same scores between the sides", () => {
    const a = run("plain");
    const b = feedMeta(definition, {}, records("plain"), USERS, 0, END).score(metaLabels({ users: USERS, devices: DEVICES, runsService: (d) => d % 2 === 1 }));
    expect(allScores(b)).toEqual(allScores(a));
    expect(Array.from(b.positiveUsers)).toEqual([1, 3, 5]);
    // device 1 (log 5) ties users 0, 2 and beats 4; devices 3 and 5 (0) tie only 4: (0.5 + 0.5 + 1 + 0.5 + 0.5) / 9
    expect(rocAuc(b.positives, b.negatives)).toBeCloseTo(1 / 3, 12);
  });

  it("asks labels that answer the service task, and a record of a device the labels do not know is an error", () => {
    const obs = feedMeta(definition, {}, records("plain"), USERS, 0, END);
    expect(() => obs.score({ ...labels, runsService: undefined })).toThrow(/runsService is missing/);
    expect(() => feedMeta(definition, {}, [rec({ kind: "dns", device: 9, time: SECOND })], USERS, 0, END).score(labels)).toThrow(/device 9; the labels know 6 devices/);
  });

  it("is registered at the metadata vantages, and rejects a bad parameter naming it", async () => {
    expect(await getObserver("service-identification")).toBe(definition);
    expect(definition.vantages).toContain(definition.vantage);
    expect(definition.task).toBe("service");
    expect(validateObserverParams(definition, {}).messagingNames).toEqual(["chat.messenger.example"]);
    expect(() => validateObserverParams(definition, { mediaNames: [""] })).toThrow(/observer "service-identification" parameter mediaNames\[0\] = ""/);
  });
});
