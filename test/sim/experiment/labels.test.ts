import { describe, expect, it } from "vitest";
import { CONTENT_TYPES } from "../../../observers/labels.ts";
import { pairCode } from "../../../observers/pair-labels.ts";
import { activeWindows, concurrentShare, labelsFromTruth } from "../../../sim/experiment/labels.ts";
import { seconds } from "../../../sim/core/time.ts";
import { TYPE_CODE, Truth } from "../../../sim/world/truth.ts";

describe("labels from truth", () => {
  it("activity: windows with real messages (sent or delivered) and calls, not chatter", () => {
    const t = new Truth();
    const a = t.messages.add(0, 1, TYPE_CODE.text, 100, 0, 0, seconds(65));
    t.messages.delivered[a] = seconds(130);
    t.messages.add(2, -1, TYPE_CODE.keepalive, 50, -1, 0, seconds(10)); // not activity
    const call = t.conversations.add("voice-call", 2, 3, seconds(200));
    t.conversations.touch(call, seconds(250));
    const act = activeWindows(t, 4, 0, seconds(60), 5);
    const row = (u: number) => Array.from(act.subarray(u * 5, u * 5 + 5));
    expect(row(0)).toEqual([0, 1, 0, 0, 0]);
    expect(row(1)).toEqual([0, 0, 1, 0, 0]);
    expect(row(2)).toEqual([0, 0, 0, 1, 1]);
    expect(row(3)).toEqual([0, 0, 0, 1, 1]);
    expect(Array.from(labelsFromTruth(t, 4).activeWindows(0, seconds(60), 5))).toEqual(Array.from(act));
  });

  it("link: 1:1 contacts (direct conversations, calls) against strangers; co-members are left out", () => {
    const t = new Truth();
    t.conversations.add("direct", 3, 1, 0);
    t.conversations.add("voice-call", 1, 3, 5); // the same pair again
    t.conversations.add("video-call", 0, 2, 7);
    t.conversations.add("background", 4, -1, 0);
    t.conversations.add("group", 0, -1, 9); // group 0 is active
    t.groups = [
      [0, 1, 4],
      [2, 5], // silent
    ];
    const labels = labelsFromTruth(t, 6);
    const link = labels.pairs("link");
    expect(Array.from(link.initiator)).toEqual([3, 0]);
    expect(Array.from(link.partner)).toEqual([1, 2]);
    expect(pairCode(link, 0, 4)).toBe(-1); // co-members: neither
    expect(pairCode(link, 2, 5)).toBe(-1); // co-members of a silent group too
    expect(pairCode(link, 4, 5)).toBe(-2); // strangers
    expect(link.negativeCount).toBe(15 - 2 - 4);
    expect(labels.pairs("link")).toBe(link); // computed once
  });

  it("group-link: co-members of active groups against strangers; 1:1 contacts and silent groups are left out", () => {
    const t = new Truth();
    t.conversations.add("direct", 3, 1, 0);
    t.conversations.add("direct", 0, 1, 0); // contacts and co-members: positive for both tasks
    t.conversations.add("group", 4, -1, 9); // group 0 is active
    t.groups = [
      [0, 1, 4],
      [2, 5], // silent
    ];
    const g = labelsFromTruth(t, 6).pairs("group-link");
    expect(Array.from(g.initiator)).toEqual([0, 0, 1]);
    expect(Array.from(g.partner)).toEqual([1, 4, 4]);
    expect(pairCode(g, 1, 3)).toBe(-1); // contacts only
    expect(pairCode(g, 2, 5)).toBe(-1); // silent group
    expect(pairCode(g, 3, 4)).toBe(-2);
    expect(g.negativeCount).toBe(15 - 3 - 2);
  });

  it("content: the types whose bytes were on the sender's uplink during a span, from creation to arrival at the server", () => {
    const t = new Truth();
    const photo = t.messages.add(0, 1, TYPE_CODE.photo, 80_000, 0, 0, seconds(10));
    t.messages.atServer[photo] = seconds(12);
    const text = t.messages.add(0, 1, TYPE_CODE.text, 100, 0, 0, seconds(11));
    t.messages.atServer[text] = seconds(11.1);
    t.messages.add(0, -1, TYPE_CODE.keepalive, 50, -1, 0, seconds(20)); // not content
    const g = t.messages.add(2, 3, TYPE_CODE.video, 1e6, 1, 0, seconds(3)); // a group post...
    t.messages.add(2, 4, TYPE_CODE.video, 1e6, 1, 0, seconds(3), g); // ...and its fan-out copy
    t.messages.add(-1, 2, TYPE_CODE.text, 100, -1, 0, seconds(4)); // from the server: nobody's uplink
    const l = labelsFromTruth(t, 5);
    const bits = (...types: string[]) => types.reduce((m, x) => m | (1 << CONTENT_TYPES.indexOf(x as never)), 0);
    expect(l.carried(0, seconds(9), seconds(9.9))).toBe(0);
    expect(l.carried(0, seconds(9), seconds(10))).toBe(bits("photo"));
    expect(l.carried(0, seconds(11.05), seconds(11.06))).toBe(bits("photo", "text"));
    expect(l.carried(0, seconds(11.5), seconds(30))).toBe(bits("photo")); // the photo is still going up
    expect(l.carried(0, seconds(12.5), seconds(30))).toBe(0); // the keepalive is not content
    expect(l.carried(2, seconds(3), seconds(3))).toBe(bits("video"));
    expect(l.carried(1, 0, seconds(100))).toBe(0);
    expect(l.carried(9, 0, seconds(100))).toBe(0); // out of range
  });
});

describe("burst labels", () => {
  /** User 0 chats with 1 and, at the same time, posts to group 0 {0, 2, 3}; user 0 and 4 are in a call. */
  function concurrent(): Truth {
    const t = new Truth();
    t.groups = [[0, 2, 3]];
    const direct = t.conversations.add("direct", 0, 1, seconds(10)); // 0
    const group = t.conversations.add("group", 0, -1, seconds(12)); // 1
    const call = t.conversations.add("voice-call", 4, 0, seconds(100)); // 2
    t.conversations.touch(call, seconds(160));
    const a = t.messages.add(0, 1, TYPE_CODE.photo, 80_000, direct, 0, seconds(10));
    t.messages.atServer[a] = seconds(13);
    t.messages.delivered[a] = seconds(13.2);
    const g = t.messages.add(0, 2, TYPE_CODE.text, 200, group, 1, seconds(12));
    t.messages.add(0, 3, TYPE_CODE.text, 200, group, 1, seconds(12), g); // fan-out copy
    t.messages.atServer[g] = seconds(12.1);
    t.messages.delivered[g] = seconds(12.3);
    const r = t.messages.add(0, 1, TYPE_CODE.receipt, 60, direct, 0, seconds(30)); // not real traffic
    t.messages.atServer[r] = seconds(30.1);
    const b = t.messages.add(1, 0, TYPE_CODE.text, 100, direct, 0, seconds(40)); // the reply
    t.messages.atServer[b] = seconds(40.1);
    t.messages.delivered[b] = seconds(40.3);
    const c = t.messages.add(0, 1, TYPE_CODE.text, 100, direct, 0, seconds(120)); // a message during the call
    t.messages.atServer[c] = seconds(120.1);
    return t;
  }

  it("names the conversations whose real traffic was on the user's uplink during the burst, and their counterparts", () => {
    const l = labelsFromTruth(concurrent(), 5);
    const of = (u: number, a: number, b: number) => {
      const x = l.burstConversation!(u, seconds(a), seconds(b));
      return { conversations: Array.from(x.conversations), counterparts: Array.from(x.counterparts) };
    };
    expect(of(0, 9, 9.9)).toEqual({ conversations: [], counterparts: [] });
    expect(of(0, 10, 11)).toEqual({ conversations: [0], counterparts: [1] });
    expect(of(0, 12.05, 12.06)).toEqual({ conversations: [0, 1], counterparts: [1, 2, 3] }); // the photo still going up, the group post
    expect(of(0, 13.5, 20)).toEqual({ conversations: [], counterparts: [] });
    expect(of(0, 30, 30.1)).toEqual({ conversations: [], counterparts: [] }); // a receipt is not a message
    expect(of(1, 40, 40)).toEqual({ conversations: [0], counterparts: [0] });
    expect(of(0, 110, 111)).toEqual({ conversations: [2], counterparts: [4] }); // the call's media
    expect(of(4, 110, 111)).toEqual({ conversations: [2], counterparts: [0] });
    expect(of(0, 120, 120)).toEqual({ conversations: [0, 2], counterparts: [1, 4] }); // a message during a call
    expect(of(2, 0, 200)).toEqual({ conversations: [], counterparts: [] }); // a group member who only received
    expect(of(9, 0, 200)).toEqual({ conversations: [], counterparts: [] }); // out of range
  });

  it("concurrency: the share of real uplink messages sent while another of the sender's conversations is live", () => {
    // 0's group post (12 s) falls inside its direct conversation's live span (10 s .. 120 s); its photo (10 s) starts
    // the direct span before the group one; the 120 s message is inside the call (100 .. 160 s); 1's reply has no other.
    expect(concurrentShare(concurrent(), 5)).toEqual({ share: 2 / 4, messages: 4, concurrent: 2 });
    expect(concurrentShare(new Truth(), 5).messages).toBe(0);
  });
});
