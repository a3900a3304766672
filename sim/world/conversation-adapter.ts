/**
 * The conversation models' side of the world: the `ConversationContext` each model is
 * handed (`conversation.ts` is the contract), turning what a model asks — send a
 * message, a group message, server-bound traffic, a push, a call frame, a wake — into
 * ground-truth rows and packets queued at the sender's uplink (or, for a push, relayed
 * by the server); and the calls back into the models when a wake or a delivery comes.
 *
 * @example
 * const conversations = new Conversations(parts);
 * conversations.start(); // each model schedules its first wakes
 * conversations.wake(model, now, token); // from the event loop
 */
import type { Egress } from "../engine/egress.ts";
import type { TcpAcks } from "./acks.ts";
import type { EventQueue } from "../engine/event-queue.ts";
import type { Micros } from "../core/time.ts";
import type { ConversationContext, ConversationModel } from "./conversation.ts";
import type { InFlight } from "./in-flight.ts";
import type { Population } from "./population.ts";
import type { RecordPadding } from "./record-padding.ts";
import type { ServerRelay } from "./server-relay.ts";
import type { Transport } from "./transport.ts";
import { WORLD_MODEL, type Truth } from "./truth.ts";
import { uplinkSlot } from "./user-slots.ts";
import { frameFlow, pushWake } from "./world-events.ts";

export interface ConversationParts {
  readonly models: readonly { readonly name: string; readonly model: ConversationModel }[];
  readonly population: Population;
  readonly truth: Truth;
  readonly flight: InFlight;
  readonly pads: RecordPadding;
  readonly transport: Transport;
  readonly egress: Egress;
  readonly queue: EventQueue;
  readonly relay: ServerRelay;
  /** TCP acknowledgements, or null when the transport sends none. */
  readonly acks: TcpAcks | null;
  /** The end of the run, µs (it starts at 0). */
  readonly duration: Micros;
  /** The engine's clock: the time of the event being run. */
  readonly clock: { readonly now: Micros };
}

export class Conversations {
  private readonly p: ConversationParts;
  private readonly contexts: ConversationContext[] = [];

  constructor(parts: ConversationParts) {
    this.p = parts;
    if (parts.models.length >= WORLD_MODEL) throw new Error(`${parts.models.length} conversation models: expected fewer than ${WORLD_MODEL}`);
    parts.models.forEach((m, index) => this.contexts.push(this.contextFor(index, m.name)));
  }

  /** Lets each model schedule its first wakes. */
  start(): void {
    this.p.models.forEach((m, i) => m.model.start(this.contexts[i]));
  }

  /** A wake model `model` asked for with `token` came at `now`. */
  wake(model: number, now: Micros, token: number): void {
    this.p.models[model].model.onWake(now, token, this.contexts[model]);
  }

  /** Message `id` reached its recipient at `now`: record it and tell the model that sent it (or the relay, for its wake-up push). */
  delivered(id: number, now: Micros): void {
    const truth = this.p.truth;
    const m = truth.messages;
    m.delivered[id] = now;
    if (m.model[id] === WORLD_MODEL) {
      this.p.relay.pushDelivered(id, now);
      return;
    }
    if (m.conversation[id] >= 0) truth.conversations.touch(m.conversation[id], now);
    this.p.models[m.model[id]].model.onDelivered(now, id, this.contexts[m.model[id]]);
  }

  private contextFor(model: number, name: string): ConversationContext {
    const p = this.p;
    return {
      population: p.population,
      truth: p.truth,
      start: 0,
      end: p.duration,
      send: (now, from, to, type, bytes, conversation) => {
        this.checkUser(name, "send", from);
        this.checkUser(name, "send", to);
        const id = this.newMessage(from, to, type, bytes, conversation, model, now, -1);
        this.sendUp(now, from, id, bytes);
        return id;
      },
      sendGroup: (now, from, group, type, bytes, conversation) => {
        this.checkUser(name, "sendGroup", from);
        const members = p.population.groups[group];
        if (!members) throw new Error(`conversation model "${name}": sendGroup to unknown group ${group}`);
        let first = -1;
        for (const m of members) {
          if (m === from) continue;
          const id = this.newMessage(from, m, type, bytes, conversation, model, now, first);
          if (first < 0) first = id;
        }
        if (first < 0) return -1;
        p.flight.copies[first] = p.truth.messages.length - first;
        this.sendUp(now, from, first, bytes);
        return first;
      },
      sendToServer: (now, from, type, bytes) => {
        this.checkUser(name, "sendToServer", from);
        const id = this.newMessage(from, -1, type, bytes, -1, model, now, -1);
        this.sendUp(now, from, id, bytes);
        return id;
      },
      push: (now, to, type, bytes) => {
        this.checkUser(name, "push", to);
        const id = this.newMessage(-1, to, type, bytes, -1, model, now, -1);
        p.truth.messages.atServer[id] = now;
        p.flight.padded[id] = p.transport.recordLength(bytes);
        p.relay.message(id, p.clock.now);
        return id;
      },
      sendFrame: (now, from, to, bytes, conversation) => {
        const padded = p.pads.device(from, bytes);
        const t = p.transport;
        p.egress.enqueue(uplinkSlot(from), now, t.frameSize(padded), t.frameSize(bytes), frameFlow(to));
        if (conversation >= 0) p.truth.conversations.touch(conversation, now);
      },
      wakeAt: (t, token) => {
        if (!(t >= p.clock.now) || !Number.isFinite(t)) {
          throw new Error(`conversation model "${name}": wakeAt(${t}) is before now (${p.clock.now})`);
        }
        pushWake(p.queue, Math.round(t), model, token);
      },
    };
  }

  private checkUser(model: string, what: string, u: number): void {
    const users = this.p.population.size;
    if (!(u >= 0 && u < users)) {
      throw new Error(`conversation model "${model}": ${what} names user ${u}; expected 0..${users - 1}`);
    }
  }

  private newMessage(from: number, to: number, type: number, bytes: number, conv: number, model: number, now: Micros, origin: number): number {
    if (!(bytes >= 0) || !Number.isSafeInteger(bytes)) throw new Error(`message of ${bytes} bytes: expected a non-negative integer`);
    const truth = this.p.truth;
    const id = truth.messages.add(from, to, type, bytes, conv, model, now, origin);
    this.p.flight.open(id);
    if (conv >= 0) truth.conversations.touch(conv, now);
    return id;
  }

  /** Message `id` leaves user `from`'s device: its record padded, cut into packets, queued at the uplink (carrying any ACK the device owes). */
  private sendUp(now: Micros, from: number, id: number, bytes: number): void {
    const { flight, transport, egress } = this.p;
    const padded = this.p.pads.device(from, transport.recordLength(bytes));
    flight.padded[id] = padded;
    const n = flight.segment(transport, bytes, padded);
    flight.left[id] = n;
    const slot = uplinkSlot(from);
    this.p.acks?.data(slot, now);
    for (let k = 0; k < n; k++) egress.enqueue(slot, now, flight.segWire[k], flight.segReal[k], id);
  }
}
