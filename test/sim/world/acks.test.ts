/**
 * TCP delayed ACKs on the wire (sim/world/acks.ts, transport.ts's rule), on constructed
 * worlds whose answers are known: no jitter, the transparent shaper (or an always-on
 * constant rate on the device only), one scripted conversation.
 */
import { describe, expect, it } from "vitest";
import { definition as none } from "../../../shapers/none.ts";
import { definition as constantRate } from "../../../shapers/constant-rate.ts";
import type { ShaperDefinition } from "../../../shapers/shaper.ts";
import { UNLIMITED } from "../../../sim/engine/budget.ts";
import type { ConversationContext, ConversationModel } from "../../../sim/world/conversation.ts";
import { networkSchema, planNetwork } from "../../../sim/world/network.ts";
import { buildPopulation } from "../../../sim/world/population.ts";
import { stream } from "../../../sim/core/rng.ts";
import { MILLISECOND, SECOND, type Micros } from "../../../sim/core/time.ts";
import { PADDING, REAL } from "../../../sim/core/kinds.ts";
import { PURE_ACK_BYTES, TCP_IP_HEADERS, TLS_RECORD_OVERHEAD, Transport, transportSchema } from "../../../sim/world/transport.ts";
import { TYPE_CODE } from "../../../sim/world/truth.ts";
import type { WorldOptions } from "../../../sim/world/world.ts";
import { RecordingWorld, type RecordedPacket } from "./recording-world.ts";

const MSS = 1500 - TCP_IP_HEADERS;
const ENVELOPE = 120;
/** Application bytes of a message that fills exactly `k` full TCP segments (one TLS record). */
const fullSegments = (k: number) => k * MSS - TLS_RECORD_OVERHEAD - ENVELOPE;

/** One scripted step: at `at`, `what` for user `u`. */
type Step = { at: Micros; what: "push" | "up" | "to"; u: number; v?: number; bytes: number };

/** Plays a script; after each delivery to a user it may answer `replyAfter` later with `replyBytes` to the server. */
class Script implements ConversationModel {
  constructor(
    private readonly steps: readonly Step[],
    private readonly reply: { after: Micros; bytes: number } | null = null,
  ) {}
  start(ctx: ConversationContext): void {
    this.steps.forEach((s, i) => ctx.wakeAt(s.at, i));
  }
  onWake(now: Micros, token: number, ctx: ConversationContext): void {
    if (token < 0) {
      ctx.sendToServer(now, -1 - token, TYPE_CODE.text, this.reply!.bytes);
      return;
    }
    const s = this.steps[token];
    if (s.what === "push") ctx.push(now, s.u, TYPE_CODE.push, s.bytes);
    else if (s.what === "up") ctx.sendToServer(now, s.u, TYPE_CODE.text, s.bytes);
    else ctx.send(now, s.u, s.v!, TYPE_CODE.text, s.bytes, -1);
  }
  onDelivered(now: Micros, id: number, ctx: ConversationContext): void {
    const to = ctx.truth.messages.to[id];
    if (this.reply !== null && to >= 0) ctx.wakeAt(now + this.reply.after, -1 - to);
  }
}



function options(model: ConversationModel, o: { acks?: boolean; device?: ShaperDefinition; deviceParams?: Record<string, unknown>; seconds?: number; vpn?: boolean } = {}): WorldOptions {
  const population = buildPopulation({ users: 4, contactsPerUser: 1, groupsPerUser: 0 }, stream(1, "population"));
  const transport = new Transport(transportSchema.parse({ acks: { enabled: o.acks ?? true }, ...(o.vpn ? { mtu: 1600, vpn: { tunnelMtu: 1500 } } : {}) }));
  const device = o.device ?? none;
  return {
    seed: 1,
    duration: (o.seconds ?? 10) * SECOND,
    population,
    models: [{ name: "script", model }],
    transport,
    network: planNetwork(networkSchema.parse({ access: { jitterMs: 0 }, core: { jitterMs: 0 } })),
    device: { name: device.name, definition: device, params: o.deviceParams ?? {}, budget: UNLIMITED },
    server: { name: "none", definition: none, params: {}, budget: UNLIMITED },
  };
}

describe("TCP delayed ACKs in the world", () => {
  for (const k of [4, 5, 7]) {
    it(`a push of ${k} full segments gets ceil(${k}/2) pure ACKs from the device, the last of an odd run after the 40 ms timeout`, () => {
      const world = new RecordingWorld(options(new Script([{ at: SECOND, what: "push", u: 1, bytes: fullSegments(k) }])));
      world.run();
      const down = world.seen.filter((p) => !p.up && p.user === 1);
      const up = world.seen.filter((p) => p.up && p.user === 1);
      expect(down.map((p) => p.size)).toEqual(Array(k).fill(1500));
      // the rule: an ACK when the 2nd, 4th, ... segment arrives; an odd last one waits 40 ms
      const expected: Micros[] = [];
      for (let j = 1; j < k; j += 2) expected.push(down[j].arrival);
      if (k % 2 === 1) expected.push(down[k - 1].arrival + 40 * MILLISECOND);
      expect(up.map((p) => p.size)).toEqual(Array(Math.ceil(k / 2)).fill(PURE_ACK_BYTES));
      expect(up.map((p) => p.sent)).toEqual(expected);
      expect(up.every((p) => p.kind === REAL && p.flow === -1)).toBe(true);
      expect(world.counts.acks).toBe(Math.ceil(k / 2));
      // nobody acknowledges the ACKs: the downlink carries only the push
      expect(world.seen.filter((p) => p.user !== 1)).toEqual([]);
    });
  }

  it("sends none when acks are off", () => {
    const world = new RecordingWorld(options(new Script([{ at: SECOND, what: "push", u: 1, bytes: fullSegments(5) }]), { acks: false }));
    const r = world.run();
    expect(world.seen.filter((p) => p.up)).toEqual([]);
    expect(world.counts.acks).toBe(0);
    expect(r.packets).toBe(5);
  });

  it("the server acknowledges what the device sends up, through the downlink, as real bytes", () => {
    const world = new RecordingWorld(options(new Script([{ at: SECOND, what: "up", u: 2, bytes: fullSegments(3) }])));
    const r = world.run();
    const up = world.seen.filter((p) => p.up);
    const down = world.seen.filter((p) => !p.up);
    expect(up.length).toBe(3);
    // the 2nd segment's arrival at the server, and the 3rd's plus 40 ms
    expect(down.map((p) => p.sent)).toEqual([up[1].arrival, up[2].arrival + 40 * MILLISECOND]);
    expect(down.every((p) => p.size === PURE_ACK_BYTES && p.user === 2)).toBe(true);
    // counted as real bytes (protocol), not padding: the server side sent no padding at all
    expect(r.server.paddingPackets).toBe(0);
    expect(r.serverRealBytes[2]).toBe(2 * PURE_ACK_BYTES);
    expect(r.serverWireBytes[2]).toBe(2 * PURE_ACK_BYTES);
  });

  it("through a VPN, the server's ACKs cross the core link first, and the device's are tunnelled up like its data", () => {
    const world = new RecordingWorld(options(new Script([{ at: SECOND, what: "up", u: 2, bytes: fullSegments(4) }, { at: 3 * SECOND, what: "push", u: 2, bytes: fullSegments(2) }]), { vpn: true }));
    world.run();
    const up = world.seen.filter((p) => p.up);
    const down = world.seen.filter((p) => !p.up);
    // four data segments up, then the device's one ACK of the two pushed segments
    expect(up.map((p) => p.size)).toEqual([1500, 1500, 1500, 1500, PURE_ACK_BYTES]);
    // two ACKs down (of segments 2 and 4, each after 10 ms of core link), then the push
    expect(down.map((p) => p.size)).toEqual([PURE_ACK_BYTES, PURE_ACK_BYTES, 1500, 1500]);
    expect(down[0].sent).toBeGreaterThan(up[1].arrival + 2 * 10 * MILLISECOND);
    expect(up[4].sent).toBe(down[3].arrival);
  });

  it("an ACK due while the receiver sends data of its own rides on that data (piggybacking)", () => {
    // one segment down arms the 40 ms timer; the device answers 10 ms after it arrived
    const quick = new RecordingWorld(options(new Script([{ at: SECOND, what: "push", u: 1, bytes: fullSegments(1) }], { after: 10 * MILLISECOND, bytes: 100 })));
    quick.run();
    const quickUp = quick.seen.filter((p) => p.up && p.user === 1);
    expect(quickUp.map((p) => p.size)).toEqual([100 + ENVELOPE + TLS_RECORD_OVERHEAD + TCP_IP_HEADERS]);
    expect(quick.counts.piggybacked).toBe(1);
    // the server sends nothing more, so it acknowledges the answer (one segment) after its timeout
    const quickDown = quick.seen.filter((p) => !p.up && p.user === 1);
    expect(quickDown.map((p) => p.size)).toEqual([1500, PURE_ACK_BYTES]);
    // answering after the timeout: the pure ACK leaves at 40 ms, then the answer
    const slow = new RecordingWorld(options(new Script([{ at: SECOND, what: "push", u: 1, bytes: fullSegments(1) }], { after: 100 * MILLISECOND, bytes: 100 })));
    slow.run();
    const slowDown = slow.seen.filter((p) => !p.up && p.user === 1);
    const slowUp = slow.seen.filter((p) => p.up && p.user === 1);
    expect(slowUp.map((p) => p.size)).toEqual([PURE_ACK_BYTES, 100 + ENVELOPE + TLS_RECORD_OVERHEAD + TCP_IP_HEADERS]);
    expect(slowUp[0].sent).toBe(slowDown[0].arrival + 40 * MILLISECOND);
  });

  it("under a device-only constant rate, the server acknowledges only real uplink data: the bare downlink carries its timing", () => {
    const cr = { cellBytes: 1500, intervalSeconds: 0.02, minDurationSeconds: 0, alwaysOn: true };
    const k = 6;
    const at = 5 * SECOND;
    const world = new RecordingWorld(options(new Script([{ at, what: "up", u: 0, bytes: fullSegments(k) }]), { device: constantRate, deviceParams: cr }));
    world.run();
    const up = world.seen.filter((p) => p.up && p.user === 0);
    const padding = up.filter((p) => p.kind === PADDING).length;
    const real = up.filter((p) => p.kind === REAL);
    // ten seconds of cells, one every 20 ms, nearly all padding; the real ones carry the message
    expect(up.length).toBeGreaterThanOrEqual(499);
    expect(real.length).toBe(k);
    expect(padding).toBe(up.length - k);
    // the downlink is silent but for the server's ACKs of the real segments: ceil(k/2), each
    // when a 2nd segment reached the server
    const down = world.seen.filter((p) => !p.up && p.user === 0);
    expect(down.map((p) => p.size)).toEqual(Array(k / 2).fill(PURE_ACK_BYTES));
    expect(down.map((p) => p.sent)).toEqual([real[1].arrival, real[3].arrival, real[5].arrival]);
    expect(down[0].sent).toBeGreaterThan(at);
    // the other users, whose devices send padding cells all along, get nothing down
    for (const u of [1, 2, 3]) {
      expect(world.seen.filter((p) => p.user === u && !p.up)).toEqual([]);
      expect(world.seen.filter((p) => p.user === u && p.up).every((p) => p.kind === PADDING)).toBe(true);
    }
  });

  it("a segment split across cells is acknowledged once, when its last piece arrives", () => {
    // cells of 1000 B: four 1500 B segments leave in six cells; the server ACKs two segments at a time
    const cr = { cellBytes: 1000, intervalSeconds: 0.02, minDurationSeconds: 0, alwaysOn: true };
    const world = new RecordingWorld(options(new Script([{ at: 2 * SECOND, what: "up", u: 0, bytes: fullSegments(4) }]), { device: constantRate, deviceParams: cr, seconds: 4 }));
    world.run();
    const real = world.seen.filter((p) => p.up && p.user === 0 && p.kind === REAL);
    expect(real.length).toBe(6);
    const down = world.seen.filter((p) => !p.up && p.user === 0);
    // segment 2 ends in cell 3 (bytes 1500..3000 of 6000), segment 4 in cell 6
    expect(down.map((p) => p.sent)).toEqual([real[2].arrival, real[5].arrival]);
  });

  it("same seed, same packets; acks switch the packets and nothing else", () => {
    const script = () => new Script([{ at: SECOND, what: "to", u: 0, v: 3, bytes: 9_000 }, { at: 2 * SECOND, what: "push", u: 2, bytes: 3_000 }], { after: 5 * MILLISECOND, bytes: 300 });
    const a = new RecordingWorld(options(script()));
    const b = new RecordingWorld(options(script()));
    a.run();
    b.run();
    expect(a.seen).toEqual(b.seen);
    const off = new RecordingWorld(options(script(), { acks: false }));
    off.run();
    expect(a.seen.filter((p) => p.flow !== -1 || p.size !== PURE_ACK_BYTES).length).toBe(off.seen.length);
  });
});
