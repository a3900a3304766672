/**
 * A small stand-in for the engine, to drive one conversation model in tests: its own
 * event queue, delivery after a fixed or drawn delay, every send recorded in a Truth and
 * every call frame in typed arrays. It checks the contract as it goes: sends happen at the
 * current time, wakes are never in the past, times are integer microseconds.
 *
 * Also the one-sample Kolmogorov–Smirnov statistic the model tests use.
 */
import { buildPopulation, type Population, type PopulationInput } from "../../../../sim/world/population.ts";
import type { ConversationContext, ConversationModel, ConversationModelDefinition } from "../../../../sim/world/conversation.ts";
import { EventQueue } from "../../../../sim/engine/event-queue.ts";
import { stream, type Rng } from "../../../../sim/core/rng.ts";
import type { Micros } from "../../../../sim/core/time.ts";
import { Truth } from "../../../../sim/world/truth.ts";

const WAKE = 0;
const DELIVER = 1;

export interface FakeOptions {
  seed?: number;
  /** Simulated end, µs. */
  end: Micros;
  population?: Population;
  populationParams?: PopulationInput;
  /** Delivery delay of each message, µs: a constant or drawn per message. */
  delay?: Micros | ((id: number, rng: Rng) => Micros);
}

export class FakeContext implements ConversationContext {
  readonly population: Population;
  readonly truth = new Truth();
  readonly start = 0;
  readonly end: Micros;
  now: Micros = 0;
  wakes = 0;
  private readonly queue = new EventQueue();
  private readonly delayRng: Rng;
  private readonly delay: Micros | ((id: number, rng: Rng) => Micros);
  private model: ConversationModel | null = null;
  // Call frames, growable columns.
  frames = 0;
  frameT = new Float64Array(1024);
  frameFrom = new Int32Array(1024);
  frameTo = new Int32Array(1024);
  frameBytes = new Int32Array(1024);
  frameConv = new Int32Array(1024);

  constructor(opts: FakeOptions) {
    const seed = opts.seed ?? 1;
    this.end = opts.end;
    this.population = opts.population ?? buildPopulation(opts.populationParams ?? {}, stream(seed, "population"));
    this.truth.groups = this.population.groups;
    this.delay = opts.delay ?? 200_000;
    this.delayRng = stream(seed, "fake/delay");
  }

  private checkNow(what: string, now: Micros): void {
    if (now !== this.now) throw new Error(`${what} at ${now}, but now is ${this.now}`);
    if (!Number.isInteger(now)) throw new Error(`${what} at a non-integer time ${now}`);
  }

  private checkUser(what: string, u: number): void {
    if (!(Number.isInteger(u) && u >= 0 && u < this.population.size)) throw new Error(`${what}: bad user ${u}`);
  }

  private scheduleDelivery(id: number): void {
    const d = typeof this.delay === "number" ? this.delay : this.delay(id, this.delayRng);
    this.queue.push(this.now + Math.round(d), 0, DELIVER, id, 0);
  }

  send(now: Micros, from: number, to: number, type: number, bytes: number, conversation: number): number {
    this.checkNow("send", now);
    this.checkUser("send from", from);
    this.checkUser("send to", to);
    if (from === to) throw new Error(`send: user ${from} sends to itself`);
    if (!(Number.isInteger(bytes) && bytes > 0)) throw new Error(`send: bad size ${bytes}`);
    const id = this.truth.messages.add(from, to, type, bytes, conversation, 0, now);
    this.scheduleDelivery(id);
    return id;
  }

  sendGroup(now: Micros, from: number, group: number, type: number, bytes: number, conversation: number): number {
    this.checkNow("sendGroup", now);
    const members = this.population.groups[group];
    if (!members) throw new Error(`sendGroup: unknown group ${group}`);
    if (!members.includes(from)) throw new Error(`sendGroup: user ${from} is not in group ${group}`);
    let first = -1;
    for (const m of members) {
      if (m === from) continue;
      const id = this.truth.messages.add(from, m, type, bytes, conversation, 0, now, first);
      if (first < 0) first = id;
      this.scheduleDelivery(id);
    }
    return first;
  }

  sendToServer(now: Micros, from: number, type: number, bytes: number): number {
    this.checkNow("sendToServer", now);
    this.checkUser("sendToServer", from);
    return this.truth.messages.add(from, -1, type, bytes, -1, 0, now);
  }

  push(now: Micros, to: number, type: number, bytes: number): number {
    this.checkNow("push", now);
    this.checkUser("push", to);
    const id = this.truth.messages.add(-1, to, type, bytes, -1, 0, now);
    this.scheduleDelivery(id);
    return id;
  }

  sendFrame(now: Micros, from: number, to: number, bytes: number, conversation: number): void {
    this.checkNow("sendFrame", now);
    if (this.frames === this.frameT.length) {
      const n = this.frames * 2;
      const f = (a: Float64Array) => {
        const b = new Float64Array(n);
        b.set(a);
        return b;
      };
      const g = (a: Int32Array) => {
        const b = new Int32Array(n);
        b.set(a);
        return b;
      };
      this.frameT = f(this.frameT);
      this.frameFrom = g(this.frameFrom);
      this.frameTo = g(this.frameTo);
      this.frameBytes = g(this.frameBytes);
      this.frameConv = g(this.frameConv);
    }
    const i = this.frames++;
    this.frameT[i] = now;
    this.frameFrom[i] = from;
    this.frameTo[i] = to;
    this.frameBytes[i] = bytes;
    this.frameConv[i] = conversation;
  }

  wakeAt(t: Micros, token: number): void {
    if (!(t >= this.now) || !Number.isInteger(t)) throw new Error(`wakeAt(${t}) at now ${this.now}`);
    if (!(Number.isInteger(token) && token >= 0 && token < 2 ** 31)) throw new Error(`wakeAt: token ${token} out of int32 range`);
    this.queue.push(t, 1, WAKE, token, 0);
  }

  /** Starts the model and runs every event up to `end`. */
  run(model: ConversationModel): this {
    this.model = model;
    model.start(this);
    const q = this.queue;
    while (q.size > 0 && q.peekTime() <= this.end) {
      q.pop();
      this.now = q.time;
      if (q.type === WAKE) {
        this.wakes++;
        model.onWake(this.now, q.a, this);
      } else {
        const m = this.truth.messages;
        m.delivered[q.a] = this.now;
        if (m.conversation[q.a] >= 0) this.truth.conversations.touch(m.conversation[q.a], this.now);
        this.model.onDelivered(this.now, q.a, this);
      }
    }
    return this;
  }

  /** Every message row as plain objects (for assertions). */
  messages(): { id: number; from: number; to: number; type: number; bytes: number; conv: number; origin: number; created: number; delivered: number }[] {
    const m = this.truth.messages;
    return Array.from({ length: m.length }, (_, id) => ({
      id,
      from: m.from[id],
      to: m.to[id],
      type: m.type[id],
      bytes: m.bytes[id],
      conv: m.conversation[id],
      origin: m.origin[id],
      created: m.created[id],
      delivered: m.delivered[id],
    }));
  }

  /** A compact fingerprint of everything sent, for determinism checks. */
  fingerprint(): string {
    const m = this.truth.messages;
    const parts: string[] = [];
    for (let i = 0; i < m.length; i++) parts.push(`${m.created[i]}:${m.from[i]}>${m.to[i]}:${m.type[i]}:${m.bytes[i]}:${m.conversation[i]}`);
    for (let i = 0; i < this.frames; i++) parts.push(`f${this.frameT[i]}:${this.frameFrom[i]}>${this.frameTo[i]}:${this.frameBytes[i]}`);
    return parts.join("|");
  }
}

/** Runs a model definition with parsed parameters on a fresh fake context. */
export function runModel<P extends Record<string, unknown>>(def: ConversationModelDefinition<P>, params: unknown, opts: FakeOptions): FakeContext {
  const seed = opts.seed ?? 1;
  const parsed = def.schema.parse(params ?? {});
  const ctx = new FakeContext(opts);
  return ctx.run(def.create(parsed, stream(seed, `conversation/${def.name}`)));
}

/**
 * One-sample Kolmogorov–Smirnov statistic D = sup |F_n(x) − F(x)| of `sample` against the
 * continuous CDF `cdf`.
 */
export function ksStatistic(sample: readonly number[], cdf: (x: number) => number): number {
  const xs = [...sample].sort((a, b) => a - b);
  const n = xs.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(xs[i]);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d;
}

/** The KS critical value at significance 0.001 (asymptotic, c(α) = 1.95). */
export function ksCritical(n: number): number {
  return 1.95 / Math.sqrt(n);
}
