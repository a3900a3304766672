/**
 * Sleeping phones (sim/world/server-relay.ts): what the server has for a sleeping user
 * waits there, and goes down after a push once the phone wakes; a sleeping phone sends
 * nothing (the background model stops its keepalives, and nothing arrives to be
 * acknowledged). Constructed worlds: four users, no jitter, one scripted message sent
 * in the middle of the recipient's first night.
 */
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { definition as none } from "../../../shapers/none.ts";
import { UNLIMITED } from "../../../sim/engine/budget.ts";
import type { ConversationContext, ConversationModel } from "../../../sim/world/conversation.ts";
import { definition as background } from "../../../sim/world/conversations/background.ts";
import { networkSchema, planNetwork } from "../../../sim/world/network.ts";
import { buildPopulation, type Population } from "../../../sim/world/population.ts";
import { stream } from "../../../sim/core/rng.ts";
import { HOUR, MILLISECOND, MINUTE, type Micros } from "../../../sim/core/time.ts";
import { Transport, transportSchema } from "../../../sim/world/transport.ts";
import { TYPE_CODE, WORLD_MODEL } from "../../../sim/world/truth.ts";
import { WAKE_PUSH_BYTES } from "../../../sim/world/server-relay.ts";
import type { WorldOptions } from "../../../sim/world/world.ts";
import { RecordingWorld, type RecordedPacket } from "./recording-world.ts";

const SENDER = 0;
const SLEEPER = 1;

/** Sends one text from SENDER to SLEEPER at `at`. */
class OneMessage implements ConversationModel {
  id = -1;
  constructor(private readonly at: Micros) {}
  start(ctx: ConversationContext): void {
    ctx.wakeAt(this.at, 0);
  }
  onWake(now: Micros, _token: number, ctx: ConversationContext): void {
    this.id = ctx.send(now, SENDER, SLEEPER, TYPE_CODE.text, 2_000, -1);
  }
  onDelivered(): void {}
}



const population = (sleep: boolean): Population =>
  buildPopulation({ users: 4, contactsPerUser: 1, groupsPerUser: 0, ...(sleep ? { sleep: {} } : {}) }, stream(7, "population"));

/** The sleeper's first night that starts after time 0. */
function firstNight(): { start: Micros; end: Micros } {
  const nights = population(true).sleep!.nightsOf(SLEEPER, 48 * HOUR);
  for (let i = 0; i < nights.length; i += 2) if (nights[i] > 0) return { start: nights[i], end: nights[i + 1] };
  throw new Error("no night");
}

function options(model: ConversationModel, sleep: boolean, duration: Micros, withBackground: boolean): WorldOptions {
  const models = [{ name: "one", model }];
  if (withBackground) models.push({ name: "background", model: background.create(background.schema.parse({}), stream(7, "background")) });
  return {
    seed: 7,
    duration,
    population: population(sleep),
    models,
    transport: new Transport(transportSchema.parse({})),
    network: planNetwork(networkSchema.parse({ access: { jitterMs: 0 } })),
    device: { name: "none", definition: none, params: {}, budget: UNLIMITED },
    server: { name: "none", definition: none, params: {}, budget: UNLIMITED },
  };
}

describe("sleeping phones", () => {
  const night = firstNight();
  const sentAt = night.start + HOUR;
  const duration = night.end + 10 * MINUTE;

  it("a message to a sleeping user waits at the server and is delivered after a push when the phone wakes", () => {
    const model = new OneMessage(sentAt);
    const world = new RecordingWorld(options(model, true, duration, false));
    const m = world.run().truth.messages;
    const id = model.id;
    expect(m.atServer[id]).toBeLessThan(sentAt + MINUTE);
    // the push: from the server (−1), sent by the world, at the wake-up, 200 B of payload
    const pushes: number[] = [];
    for (let i = 0; i < m.length; i++) if (m.model[i] === WORLD_MODEL) pushes.push(i);
    expect(pushes.length).toBe(1);
    const push = pushes[0];
    expect([m.from[push], m.to[push], m.type[push], m.bytes[push]]).toEqual([-1, SLEEPER, TYPE_CODE.push, WAKE_PUSH_BYTES]);
    expect(m.created[push]).toBe(night.end);
    expect(m.delivered[push]).toBeGreaterThan(night.end);
    // the held message leaves the server when the app's fetch arrives: one uplink latency (25 ms) after the push reached the phone
    const down = world.seen.filter((p) => p.user === SLEEPER && !p.up);
    const message = down.filter((p) => p.flow === id);
    expect(message.length).toBeGreaterThan(0);
    expect(message[0].sent).toBe(m.delivered[push] + 25 * MILLISECOND);
    expect(m.delivered[id]).toBeGreaterThan(m.delivered[push]);
    // nothing went down to the sleeper before the wake-up
    expect(down.filter((p) => p.sent < night.end)).toEqual([]);
    expect(world.counts.held).toBe(1);
    expect(world.counts.wakePushes).toBe(1);
  });

  it("without sleep the same message is delivered within a second, and no push is sent", () => {
    const model = new OneMessage(sentAt);
    const world = new RecordingWorld(options(model, false, duration, false));
    const m = world.run().truth.messages;
    expect(m.delivered[model.id] - sentAt).toBeLessThan(1_000 * MILLISECOND);
    expect(Array.from(m.model.subarray(0, m.length)).includes(WORLD_MODEL)).toBe(false);
    expect(world.counts.held).toBe(0);
  });

  it("a sleeping phone sends no keepalives and receives nothing; it reconnects and gets what waited when it wakes", () => {
    const model = new OneMessage(sentAt);
    const world = new RecordingWorld(options(model, true, duration, true));
    const m = world.run().truth.messages;
    const asleep = (p: RecordedPacket) => p.user === SLEEPER && p.sent > night.start && p.sent < night.end;
    // awake before bed and after waking, the phone sends keepalives every 30-60 s
    const before = world.seen.filter((p) => p.user === SLEEPER && p.up && p.sent < night.start && p.sent > night.start - HOUR);
    expect(before.length).toBeGreaterThanOrEqual(60);
    // asleep: not one packet either way (up to the last packet of the evening draining at bedtime)
    expect(world.seen.filter((p) => asleep(p) && p.sent > night.start + MINUTE)).toEqual([]);
    // the keepalive at the wake-up, and everything held (the message and the night's pushes) after the wake-up push
    const keepalives: number[] = [];
    for (let i = 0; i < m.length; i++) if (m.from[i] === SLEEPER && m.type[i] === TYPE_CODE.keepalive && m.created[i] >= night.end) keepalives.push(m.created[i]);
    expect(keepalives[0]).toBe(night.end);
    let wake = -1;
    for (let i = 0; i < m.length; i++) if (m.model[i] === WORLD_MODEL) wake = i;
    expect(wake).toBeGreaterThanOrEqual(0);
    let heldPushes = 0;
    for (let i = 0; i < m.length; i++) {
      if (m.to[i] !== SLEEPER || i === wake) continue;
      if (m.atServer[i] > night.start && m.atServer[i] < night.end) {
        heldPushes += m.type[i] === TYPE_CODE.push ? 1 : 0;
        expect(m.delivered[i]).toBeGreaterThan(m.delivered[wake]);
      }
    }
    // the background model pushes twice an hour on average through a night of hours
    expect(heldPushes).toBeGreaterThan(0);
    // every user sleeps: the relay held at least the sleeper's, and woke each user at most once a night
    expect(world.counts.held).toBeGreaterThanOrEqual(heldPushes + 1);
    let worldRows = 0;
    for (let i = 0; i < m.length; i++) worldRows += m.model[i] === WORLD_MODEL ? 1 : 0;
    expect(world.counts.wakePushes).toBe(worldRows);
    expect(worldRows).toBeLessThanOrEqual(4);
  });

  it("is deterministic: the same seed gives the same packets", () => {
    const digest = () => {
      const world = new RecordingWorld(options(new OneMessage(sentAt), true, duration, true));
      world.run();
      return createHash("sha256").update(JSON.stringify(world.seen)).digest("hex");
    };
    expect(digest()).toBe(digest());
  });
});
