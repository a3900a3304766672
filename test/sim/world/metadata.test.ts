/**
 * The true metadata records of a run (sim/world/metadata.ts) on a constructed truth:
 * determinism from the seed, DNS lookups only when the cached answer expired (TTL),
 * bystanders with other apps' traffic only, one media flow per attachment upload and
 * per delivered copy, call flows for both parties, messaging connections split at idle
 * gaps.
 */
import { describe, expect, it } from "vitest";
import { stream } from "../../../sim/core/rng.ts";
import { SECOND } from "../../../sim/core/time.ts";
import { generateMetadata } from "../../../sim/world/metadata.ts";
import { OTHER_SITES } from "../../../sim/world/services.ts";
import { placeUsers, topologySchema } from "../../../sim/world/topology.ts";
import { Truth, TYPE_CODE } from "../../../sim/world/truth.ts";

const HOUR = 3600 * SECOND;

/** A message from `from` to `to` created at `t` s, at the server 1 s later, delivered 2 s later. */
function send(truth: Truth, from: number, to: number, type: keyof typeof TYPE_CODE, bytes: number, t: number, origin = -1): number {
  const i = truth.messages.add(from, to, TYPE_CODE[type], bytes, 0, 0, t * SECOND, origin);
  truth.messages.atServer[i] = (t + 1) * SECOND;
  truth.messages.delivered[i] = (t + 2) * SECOND;
  return i;
}

const twoUsers = placeUsers(undefined, 2, false, stream(1, "topology"));
const quiet = { otherFlowsPerHour: 0 };

describe("generateMetadata", () => {
  it("is the same for the same seed, and other apps' traffic differs under another", () => {
    const truth = new Truth();
    send(truth, 0, 1, "text", 100, 10);
    const a = generateMetadata(truth, twoUsers, HOUR, stream(5, "metadata"));
    const b = generateMetadata(truth, twoUsers, HOUR, stream(5, "metadata"));
    const c = generateMetadata(truth, twoUsers, HOUR, stream(6, "metadata"));
    expect(b).toEqual(a);
    expect(c.records).not.toEqual(a.records);
    expect(a.records.length).toBeGreaterThan(4);
    a.records.forEach((r, i) => {
      expect(r.flow).toBe(i);
      if (i > 0) expect(r.time).toBeGreaterThanOrEqual(a.records[i - 1].time);
      expect(r.end).toBeGreaterThanOrEqual(r.time);
    });
  });

  it("looks a name up only when no answer younger than the TTL is cached", () => {
    const truth = new Truth();
    // user 0 opens a chat connection at 10 s, 200 s and 600 s (idle gaps over 60 s close it)
    for (const t of [10, 200, 600]) send(truth, 0, -1, "keepalive", 50, t);
    const w = generateMetadata(truth, twoUsers, HOUR, stream(1, "metadata"), { ...quiet, idleCloseSeconds: 60, dnsTtlSeconds: 300 });
    const chat = w.records.filter((r) => r.device === 0 && r.name === "chat.messenger.example");
    expect(chat.filter((r) => r.kind === "flow").map((r) => r.time / SECOND)).toEqual([10, 200, 600]);
    // 200 s is 190 s after the answer at 10 s: cached; 600 s is 590 s after it: looked up again
    expect(chat.filter((r) => r.kind === "dns").map((r) => r.end / SECOND)).toEqual([10, 600]);
    const longTtl = generateMetadata(truth, twoUsers, HOUR, stream(1, "metadata"), { ...quiet, idleCloseSeconds: 60, dnsTtlSeconds: 3600 });
    expect(longTtl.records.filter((r) => r.kind === "dns" && r.device === 0)).toHaveLength(1);
  });

  it("keeps one messaging connection while the app is busy and opens another after an idle gap", () => {
    const truth = new Truth();
    for (const t of [0, 60, 120, 3000]) send(truth, 0, 1, "text", 100, t);
    const w = generateMetadata(truth, twoUsers, HOUR, stream(1, "metadata"), { ...quiet, idleCloseSeconds: 1800 });
    const sender = w.records.filter((r) => r.kind === "flow" && r.device === 0 && r.class === "messaging");
    expect(sender.map((r) => [r.time / SECOND, r.end / SECOND])).toEqual([
      [0, 120],
      [3000, 3000],
    ]);
    expect(sender[0].bytesUp).toBe(300);
  });

  it("gives bystanders other apps' traffic only, and the users the messenger's too", () => {
    const spec = topologySchema.parse({ isps: ["a"], networks: [{ name: "cafe", kind: "hotspot", isp: "a", bystanders: 3 }] });
    const placement = placeUsers(spec, 2, false, stream(1, "topology"));
    const truth = new Truth();
    send(truth, 0, 1, "text", 100, 10);
    const w = generateMetadata(truth, placement, HOUR, stream(2, "metadata"));
    expect(w.devices).toBe(5);
    const sites = new Set(OTHER_SITES.map((s) => s.name));
    const bystanders = w.records.filter((r) => r.device >= 2);
    expect(new Set(bystanders.map((r) => r.device))).toEqual(new Set([2, 3, 4]));
    for (const r of bystanders) {
      expect(r.class).toBe("other");
      expect(sites.has(r.name)).toBe(true);
    }
    expect(w.records.some((r) => r.device === 0 && r.class === "messaging")).toBe(true);
  });

  it("makes one upload per attachment (a group post once) and one download per delivered copy; text makes none", () => {
    const truth = new Truth();
    const three = new Truth();
    for (const t of [100, 200, 300]) send(three, 0, 1, "photo", 500_000, t);
    const w = generateMetadata(three, twoUsers, HOUR, stream(1, "metadata"), quiet);
    const media = w.records.filter((r) => r.kind === "flow" && r.class === "media");
    expect(media.filter((r) => r.device === 0 && r.bytesUp === 500_000).map((r) => r.time / SECOND)).toEqual([100, 200, 300]);
    expect(media.filter((r) => r.device === 1 && r.bytesDown === 500_000).map((r) => r.time / SECOND)).toEqual([102, 202, 302]);
    // a group photo to two members: one upload, two downloads
    const group = placeUsers(undefined, 3, false, stream(1, "topology"));
    const first = send(truth, 0, 1, "video", 2_000_000, 50);
    send(truth, 0, 2, "video", 2_000_000, 50, first);
    send(truth, 1, 0, "text", 100, 60);
    const g = generateMetadata(truth, group, HOUR, stream(1, "metadata"), quiet);
    const gm = g.records.filter((r) => r.kind === "flow" && r.class === "media");
    expect(gm.map((r) => r.device).sort()).toEqual([0, 1, 2]);
    expect(gm.filter((r) => r.device === 0)).toHaveLength(1);
    // 2 MB at 1 MB/s
    expect(gm.filter((r) => r.device === 2).map((r) => (r.end - r.time) / SECOND)).toEqual([2]);
  });

  it("gives both parties of an answered call a call flow for its length", () => {
    const truth = new Truth();
    const c = truth.conversations.add("voice-call", 0, 1, 10 * SECOND);
    truth.conversations.touch(c, 70 * SECOND);
    const w = generateMetadata(truth, twoUsers, HOUR, stream(1, "metadata"), quiet);
    const calls = w.records.filter((r) => r.kind === "flow" && r.class === "calls");
    expect(calls.map((r) => r.device)).toEqual([0, 1]);
    for (const r of calls) {
      expect([r.time / SECOND, r.end / SECOND]).toEqual([10, 70]);
      expect(r.bytesUp).toBe(60 * 5000);
    }
  });

  it("refuses a world over its record bound and bad parameters", () => {
    const truth = new Truth();
    expect(() => generateMetadata(truth, twoUsers, HOUR, stream(1, "metadata"), { maxRecords: 10 })).toThrow(/over 10 records/);
    expect(() => generateMetadata(truth, twoUsers, HOUR, stream(1, "metadata"), { dnsTtlSeconds: Number.NaN })).toThrow(/dnsTtlSeconds/);
  });
});
