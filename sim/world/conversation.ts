/**
 * The conversation-model contract: how a model of people talking turns into
 * application messages, and how it hears back.
 *
 * Conversations are causal. A model sends a message *now*; the engine carries it
 * through the transport, the shapers and the network; when its last byte reaches the
 * recipient the engine calls the sending model's `onDelivered`, and only then may the
 * model schedule what follows from it (a receipt, a read, a reply). So any delay a
 * shaper adds propagates into the conversation.
 *
 * A model MUST draw all randomness from the streams it is given, MUST NOT schedule a
 * wake in the past, and SHOULD keep per-user state in typed arrays (models run for
 * 10,000 users).
 */
import type { z } from "zod";
import type { Population } from "./population.ts";
import type { Rng } from "../core/rng.ts";
import type { Micros } from "../core/time.ts";
import type { Truth } from "./truth.ts";

export interface ConversationContext {
  readonly population: Population;
  /** Models write conversations to the truth and read their own messages from it. */
  readonly truth: Truth;
  /** Simulated start and end of the run. */
  readonly start: Micros;
  readonly end: Micros;
  /** Sends an application message of `bytes` from user `from` to user `to`; returns its id. */
  send(now: Micros, from: number, to: number, type: number, bytes: number, conversation: number): number;
  /** Sends to every member of group `group` but the sender (the server fans out); returns the first copy's id. */
  sendGroup(now: Micros, from: number, group: number, type: number, bytes: number, conversation: number): number;
  /** Device-to-server traffic that goes no further (keepalive, upload); returns its id. */
  sendToServer(now: Micros, from: number, type: number, bytes: number): number;
  /** Server-to-device traffic (push notification); returns its id. */
  push(now: Micros, to: number, type: number, bytes: number): number;
  /**
   * One real-time media frame of a call from `from` to `to`: relayed packet by packet,
   * not stored and forwarded, and not recorded as a message (calls are flows).
   */
  sendFrame(now: Micros, from: number, to: number, bytes: number, conversation: number): void;
  /** Calls this model's `onWake(token)` at time `t` (>= now). */
  wakeAt(t: Micros, token: number): void;
}

export interface ConversationModel {
  /** Schedules the model's first wakes. */
  start(ctx: ConversationContext): void;
  onWake(now: Micros, token: number, ctx: ConversationContext): void;
  /** Message `message` (sent by this model) reached its recipient at `now`. */
  onDelivered(now: Micros, message: number, ctx: ConversationContext): void;
}

export interface ConversationModelDefinition<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly name: string;
  readonly summary: string;
  /** Where each default parameter comes from. */
  readonly citations: readonly string[];
  /** Parameters with published defaults, as a strict zod object schema. */
  readonly schema: z.ZodType<P>;
  create(params: P, rng: Rng): ConversationModel;
}
