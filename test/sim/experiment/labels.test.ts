import { describe, expect, it } from "vitest";
import { pairCode } from "../../../observers/pair-labels.ts";
import { activeWindows, labelsFromTruth } from "../../../sim/experiment/labels.ts";
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

  it("link: direct conversations and calls are positives, initiated by the first conversation's a", () => {
    const t = new Truth();
    t.conversations.add("direct", 3, 1, 0);
    t.conversations.add("voice-call", 1, 3, 5); // the same pair again
    t.conversations.add("video-call", 0, 2, 7);
    t.conversations.add("background", 4, -1, 0);
    t.groups = [[0, 1, 4]];
    const labels = labelsFromTruth(t, 5);
    const link = labels.link("negative");
    expect(Array.from(link.initiator)).toEqual([3, 0]);
    expect(Array.from(link.partner)).toEqual([1, 2]);
    expect(pairCode(link, 0, 4)).toBe(-2); // co-members: negatives
    expect(pairCode(labels.link("exclude"), 0, 4)).toBe(-1); // or left out
    expect(labels.link("negative")).toBe(link); // computed once
  });

  it("content: the original copy of each real message a user sent, with its type", () => {
    const t = new Truth();
    t.messages.add(0, 1, TYPE_CODE.photo, 80_000, 0, 0, seconds(1));
    t.messages.add(0, -1, TYPE_CODE.keepalive, 50, -1, 0, seconds(2)); // not content
    const g = t.messages.add(2, 3, TYPE_CODE.text, 100, 1, 0, seconds(3));
    t.messages.add(2, 4, TYPE_CODE.text, 100, 1, 0, seconds(3), g); // fan-out copy
    t.messages.add(-1, 2, TYPE_CODE.text, 100, -1, 0, seconds(4)); // from the server
    const sent = labelsFromTruth(t, 5).sentMessages();
    expect(sent.length).toBe(2);
    expect(Array.from(sent.from)).toEqual([0, 2]);
    expect(Array.from(sent.type)).toEqual([1, 0]); // CONTENT_TYPES: photo, text
  });
});
