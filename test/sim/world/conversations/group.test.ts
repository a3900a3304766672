import { describe, expect, it } from "vitest";
import { definition, schema } from "../../../../sim/world/conversations/group.ts";
import { MIX_TYPES } from "../../../../sim/world/conversations/message-mix.ts";
import { HOUR, MINUTE } from "../../../../sim/core/time.ts";
import { CONVERSATION_KINDS, TYPE_CODE } from "../../../../sim/world/truth.ts";
import { runModel } from "./fake-context.ts";

const CONTENT = new Set(MIX_TYPES);
/** Quick readers, so reply cascades finish inside the run. */
const quick = { postsPerHour: 2, notifiedShare: 1, notifiedDelaySeconds: 20, shareVideo: 0, shareFile: 0 };

describe("group parameters", () => {
  it("parses every default", () => {
    const p = schema.parse({});
    expect(p.repliesPerPost).toBe(0.6);
    expect(p.maxDepth).toBe(4);
    expect(definition.name).toBe("group");
  });

  it("rejects out-of-range values naming the parameter", () => {
    const issues = (raw: unknown) => schema.safeParse(raw).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") ?? "";
    expect(issues({ postsPerHour: -0.1 })).toMatch(/postsPerHour: .*>=0/);
    expect(issues({ maxDepth: 2.5 })).toMatch(/maxDepth/);
    expect(issues({ notifiedShare: 2 })).toMatch(/notifiedShare: .*<=1/);
    expect(issues({ repliesPerPost: Number.NaN })).toMatch(/repliesPerPost/);
  });
});

describe("group output", () => {
  const ctx = runModel(definition, quick, { seed: 3, end: HOUR, populationParams: { users: 400 } });
  const rows = ctx.messages();
  const posts = rows.filter((r) => CONTENT.has(r.type) && r.origin === r.id);
  const conv = ctx.truth.conversations;

  it("fans each post out to every other member of its group, in a group thread", () => {
    expect(posts.length).toBeGreaterThan(300);
    const copiesOf = new Map<number, typeof rows>();
    for (const r of rows) {
      if (!copiesOf.has(r.origin)) copiesOf.set(r.origin, []);
      copiesOf.get(r.origin)!.push(r);
    }
    const problems: string[] = [];
    for (const p of posts) {
      if (CONVERSATION_KINDS[conv.kind[p.conv]] !== "group") problems.push(`post ${p.id}: not a group thread`);
      const g = -1 - conv.b[p.conv];
      const members = ctx.population.groups[g];
      const to = (copiesOf.get(p.id) ?? []).map((r) => r.to).sort((a, b) => a - b);
      if (JSON.stringify(to) !== JSON.stringify(members.filter((m) => m !== p.from))) problems.push(`post ${p.id}: copies to ${to}`);
      if (!members.includes(p.from)) problems.push(`post ${p.id}: author not a member`);
    }
    expect(problems).toEqual([]);
  });

  it("replies only after the post reached the replier", () => {
    const threads = new Map<number, typeof posts>();
    for (const p of posts) {
      if (!threads.has(p.conv)) threads.set(p.conv, []);
      threads.get(p.conv)!.push(p);
    }
    // First delivery of thread content to each member.
    const firstSeen = new Map<string, number>();
    for (const r of rows) {
      if (!CONTENT.has(r.type) || !(r.delivered >= 0)) continue;
      const key = `${r.conv}/${r.to}`;
      firstSeen.set(key, Math.min(firstSeen.get(key) ?? Infinity, r.delivered));
    }
    let replies = 0;
    for (const [c, list] of threads) {
      expect(list[0].from).toBe(conv.a[c]);
      for (const reply of list.slice(1)) {
        replies++;
        expect(firstSeen.get(`${c}/${reply.from}`) ?? Infinity).toBeLessThanOrEqual(reply.created);
      }
    }
    expect(replies).toBeGreaterThan(100);
  });

  it("draws repliesPerPost replies per post, bounded by maxDepth", () => {
    // Expected thread size of a branching process with mean m, cut at depth 4: Σ m^k, k = 0..4.
    const early = new Map<number, number>();
    for (const p of posts) if (conv.start[p.conv] < 20 * MINUTE) early.set(p.conv, (early.get(p.conv) ?? 0) + 1);
    const sizes = [...early.values()];
    const meanSize = sizes.reduce((s, x) => s + x, 0) / sizes.length;
    const want = 1 + 0.6 + 0.36 + 0.216 + 0.1296;
    expect(sizes.length).toBeGreaterThan(150);
    expect(Math.abs(meanSize - want)).toBeLessThan(0.4);
    const flat = runModel(definition, { ...quick, maxDepth: 0 }, { seed: 3, end: HOUR / 2, populationParams: { users: 200 } });
    const flatPosts = flat.messages().filter((r) => CONTENT.has(r.type) && r.origin === r.id);
    const perThread = new Map<number, number>();
    for (const p of flatPosts) perThread.set(p.conv, (perThread.get(p.conv) ?? 0) + 1);
    expect(perThread.size).toBeGreaterThan(50);
    expect(Math.max(...perThread.values())).toBe(1);
  });

  it("sends receipts 1:1 to the poster and typing indicators to the group", () => {
    const receipts = rows.filter((r) => r.type === TYPE_CODE.receipt);
    expect(receipts.length).toBeGreaterThan(posts.length);
    const delivered = new Set(rows.filter((r) => CONTENT.has(r.type)).map((r) => `${r.conv}/${r.to}>${r.from}@${r.delivered}`));
    const deliveryReceipts = receipts.filter((r) => delivered.has(`${r.conv}/${r.from}>${r.to}@${r.created}`));
    expect(deliveryReceipts.length).toBeGreaterThan(receipts.length / 3);
    const typing = rows.filter((r) => r.type === TYPE_CODE.typing && r.origin === r.id);
    expect(typing.length).toBeGreaterThan(0);
  });

  it("is deterministic in the seed", () => {
    const opts = { end: HOUR / 2, populationParams: { users: 150 } };
    const a = runModel(definition, quick, { seed: 8, ...opts }).fingerprint();
    expect(runModel(definition, quick, { seed: 8, ...opts }).fingerprint()).toBe(a);
    expect(runModel(definition, quick, { seed: 9, ...opts }).fingerprint()).not.toBe(a);
  });
});
