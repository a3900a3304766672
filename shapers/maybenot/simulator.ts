/**
 * A Maybenot-compatible two-party simulator — a re-implementation of
 * maybenot-io/maybenot `crates/maybenot-simulator` (v2.2.1: `src/lib.rs`,
 * `network.rs`, `queue.rs`, `queue_event.rs`, `queue_peek.rs`, `delay.rs`), used to run
 * its deterministic test vectors (`tests/simulator.rs`, `tests/network.rs`) against
 * chaff's framework. It is a conformance harness, not chaff's engine.
 *
 * Rule (the reference's, kept exactly):
 * - a base trace of NormalSent events per side (the server's shifted back by the
 *   one-way delay); both sides run a Framework and the simulator is the integrator:
 *   one action timer and one internal timer per machine, framework-wide blocking with
 *   its bypass flag, replace against queued packets;
 * - NormalSent/PaddingSent become TunnelSent, which (unless blocked) reaches the
 *   peer as TunnelRecv after the delay, then NormalRecv/PaddingRecv;
 * - next event: a due aggregate delay first, then blocking expiry, then the queues,
 *   then internal timers, then scheduled actions; queue ties by (time, class) with
 *   TunnelSent < NormalSent < PaddingSent < TunnelRecv < NormalRecv < PaddingRecv <
 *   BlockingBegin < BlockingEnd < TimerBegin < TimerEnd, and equal keys leave each
 *   heap as Rust's BinaryHeap releases them (sim-heap.ts);
 * - blocked packets delay later base-trace packets through "aggregate delays" (4D/3D
 *   after a client-side expiry, D/4D after a server-side one) with the 1 ms burst
 *   windows of `delay.rs`; an optional packets-per-second bottleneck adds window/pps
 *   per excess packet.
 * Not modelled: the reference's integration delays (sampled from the thread RNG even
 * with a seed, so not reproducible). Times are integer nanoseconds as in Rust's
 * `Instant`; the frameworks see microseconds.
 */
import type { Uniform01 } from "./dist.ts";
import {
  ACT_BLOCK,
  ACT_CANCEL,
  ACT_NONE,
  ACT_PADDING,
  ACT_TIMER,
  Framework,
  TIMER_ACTION,
  TIMER_ALL,
  TIMER_INTERNAL,
} from "./framework.ts";
import {
  BlockingBegin,
  BlockingEnd,
  EVENT_CODES,
  NormalRecv,
  NormalSent,
  PaddingRecv,
  PaddingSent,
  TimerBegin,
  TimerEnd,
  TunnelRecv,
  TunnelSent,
  type EventId,
} from "./event.ts";
import type { Machine } from "./machine.ts";
import { RustHeap } from "./sim-heap.ts";

/** Nanoseconds. */
type Ns = number;
const NEVER = Infinity;
const MS: Ns = 1_000_000;

export interface SimEvent {
  event: EventId;
  /** The machine, for PaddingSent, BlockingBegin, TimerBegin and TimerEnd. */
  machine: number;
  time: Ns;
  client: boolean;
  containsPadding: boolean;
  bypass: boolean;
  replace: boolean;
}

/** Tie-break class of an event at equal times (the reference's `event_to_usize`). */
export function eventClass(e: EventId): number {
  switch (e) {
    case TunnelSent:
      return 0;
    case NormalSent:
      return 1;
    case PaddingSent:
      return 2;
    case TunnelRecv:
      return 3;
    case NormalRecv:
      return 4;
    case PaddingRecv:
      return 5;
    case BlockingBegin:
      return 6;
    case BlockingEnd:
      return 7;
    case TimerBegin:
      return 8;
    default:
      return 9;
  }
}

/** Rust's `SimEvent::cmp`: earlier time, then lower class, is "greater" (leaves the max-heap first). */
function cmpEvent(a: SimEvent, b: SimEvent): number {
  if (a.time !== b.time) return a.time < b.time ? 1 : -1;
  const ca = eventClass(a.event);
  const cb = eventClass(b.event);
  return ca === cb ? 0 : ca < cb ? 1 : -1;
}

/** `Option<&SimEvent>` ordering: None < Some; `gt(a, b)` is Rust's `a > b`. */
function gt(a: SimEvent | undefined, b: SimEvent | undefined): boolean {
  if (a === undefined) return false;
  if (b === undefined) return true;
  return cmpEvent(a, b) > 0;
}

function since(t: Ns, now: Ns): Ns {
  return t > now ? t - now : 0;
}

const enum Queue {
  Blocking,
  Bypassable,
  Internal,
  Base,
}

/** a (a base event, shifted by the aggregate delay) is before or at b, ties to a. */
function before(a: SimEvent | undefined, b: SimEvent | undefined, aDelay: Ns): boolean {
  if (a === undefined) return false;
  if (b === undefined) return true;
  const at = a.time + aDelay;
  if (at !== b.time) return at < b.time;
  return eventClass(a.event) <= eventClass(b.event);
}

class EventQueue {
  readonly base = new RustHeap<SimEvent>(cmpEvent);
  readonly blocking = new RustHeap<SimEvent>(cmpEvent);
  readonly bypassable = new RustHeap<SimEvent>(cmpEvent);
  readonly internal = new RustHeap<SimEvent>(cmpEvent);

  get length(): number {
    return this.base.length + this.blocking.length + this.bypassable.length + this.internal.length;
  }

  noNormalPackets(): boolean {
    return (
      this.base.length === 0 &&
      this.blocking.items().every((e) => e.event !== TunnelSent && !e.containsPadding) &&
      this.bypassable.items().every((e) => e.event !== TunnelSent && !e.containsPadding) &&
      this.internal.items().every((e) => e.event !== TunnelRecv && !e.containsPadding)
    );
  }

  push(item: SimEvent): void {
    if (item.event === TunnelSent) (item.bypass ? this.bypassable : this.blocking).push(item);
    else if (item.event === NormalSent) this.base.push(item);
    else this.internal.push(item);
  }

  peek(delaySum: Ns, now: Ns): [SimEvent | undefined, Queue, Ns] {
    if (this.length === 0) return [undefined, Queue.Blocking, 0];
    let first = this.bypassable.peek();
    let q = Queue.Bypassable;
    let n = this.blocking.peek();
    if (gt(n, first)) {
      first = n;
      q = Queue.Blocking;
    }
    n = this.internal.peek();
    if (gt(n, first)) {
      first = n;
      q = Queue.Internal;
    }
    n = this.base.peek();
    if (before(n, first, delaySum)) {
      return [n, Queue.Base, since(n!.time + delaySum, now)];
    }
    return [first, q, since(first!.time, now)];
  }

  pop(q: Queue, delaySum: Ns): SimEvent | undefined {
    switch (q) {
      case Queue.Blocking:
        return this.blocking.pop();
      case Queue.Bypassable:
        return this.bypassable.pop();
      case Queue.Internal:
        return this.internal.pop();
      case Queue.Base: {
        const item = this.base.pop();
        if (item && delaySum !== 0) item.time += delaySum;
        return item;
      }
    }
  }

  peekNonBlocking(delaySum: Ns): [SimEvent | undefined, Queue] {
    const b = this.base.peek();
    const i = this.internal.peek();
    return before(b, i, delaySum) ? [b, Queue.Base] : [i, Queue.Internal];
  }
}

/** The simulator's event queue: one EventQueue per side. */
export class SimQueue {
  readonly client = new EventQueue();
  readonly server = new EventQueue();
  /** 10× the most packets seen in any 100 ms window of the parsed trace; undefined = no limit. */
  maxPps: number | undefined = undefined;

  get length(): number {
    return this.client.length + this.server.length;
  }

  noNormalPackets(): boolean {
    return this.client.noNormalPackets() && this.server.noNormalPackets();
  }

  push(event: EventId, client: boolean, containsPadding: boolean, time: Ns): void {
    this.pushSim({ event, machine: -1, time, client, containsPadding, bypass: false, replace: false });
  }

  pushSim(item: SimEvent): void {
    (item.client ? this.client : this.server).push(item);
  }

  side(client: boolean): EventQueue {
    return client ? this.client : this.server;
  }

  peek(cDelay: Ns, sDelay: Ns, now: Ns): [SimEvent | undefined, Queue, Ns] {
    if (this.length === 0) return [undefined, Queue.Blocking, 0];
    const c = this.client.peek(cDelay, now);
    const s = this.server.peek(sDelay, now);
    if (c[0] && !s[0]) return c;
    if (!c[0] && s[0]) return s;
    if (!c[0] && !s[0]) return [undefined, Queue.Blocking, 0];
    if (c[2] !== s[2]) return c[2] < s[2] ? c : s;
    return eventClass(c[0]!.event) <= eventClass(s[0]!.event) ? c : s;
  }

  pop(q: Queue, client: boolean, delaySum: Ns): SimEvent | undefined {
    return this.side(client).pop(q, delaySum);
  }

  peekBlocking(bypassable: boolean, client: boolean): [SimEvent | undefined, Queue] {
    const queue = this.side(client);
    if (bypassable) return [queue.blocking.peek(), Queue.Blocking];
    const b = queue.blocking.peek();
    const bb = queue.bypassable.peek();
    return gt(b, bb) ? [b, Queue.Blocking] : [bb, Queue.Bypassable];
  }

  popBlocking(q: Queue, bypassable: boolean, client: boolean, delaySum: Ns): SimEvent | undefined {
    if (bypassable) return this.side(client).blocking.pop();
    return this.pop(q, client, delaySum);
  }

  peekNonBlocking(bypassable: boolean, client: boolean, delaySum: Ns): [SimEvent | undefined, Queue] {
    const queue = this.side(client);
    if (bypassable) {
      const bb = queue.bypassable.peek();
      const [n, nq] = queue.peekNonBlocking(delaySum);
      return gt(bb, n) ? [bb, Queue.Bypassable] : [n, nq];
    }
    return queue.peekNonBlocking(delaySum);
  }

  firstTime(): Ns | undefined {
    const c = this.client.base.peek()?.time;
    const s = this.server.base.peek()?.time;
    if (c === undefined) return s;
    if (s === undefined) return c;
    return Math.min(c, s);
  }
}

/** The network between client and server: a fixed one-way delay and an optional bottleneck. */
export interface Network {
  delay: Ns;
  /** Packets per second before the bottleneck adds delay; undefined = the trace's limit. */
  pps?: number;
}

class WindowCount {
  private readonly times: Ns[] = [];
  private head = 0;
  constructor(private readonly window: Ns) {}
  add(now: Ns): number {
    this.times.push(now);
    while (this.head < this.times.length && since(now, this.times[this.head]) > this.window) this.head++;
    if (this.head > 4096 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }
}

interface PendingDelay {
  time: Ns;
  delay: Ns;
  client: boolean;
}

class NetworkBottleneck {
  clientAggregate: Ns = 0;
  serverAggregate: Ns = 0;
  private readonly pending = new RustHeap<PendingDelay>((a, b) => (a.time === b.time ? 0 : a.time < b.time ? 1 : -1));
  private readonly clientWindow: WindowCount;
  private readonly serverWindow: WindowCount;
  private readonly addedDelay: Ns;
  readonly ppsLimit: number;

  constructor(
    private readonly network: Network,
    window: Ns,
    queuePps: number | undefined,
  ) {
    const pps = network.pps ?? queuePps ?? Infinity;
    // Duration / (pps as u32): integer nanoseconds; "no limit" (usize::MAX) divides by u32::MAX.
    const divisor = Number.isFinite(pps) ? pps % 2 ** 32 : 2 ** 32 - 1;
    this.addedDelay = divisor === 0 ? 0 : Math.floor(window / divisor);
    this.ppsLimit = pps;
    this.clientWindow = new WindowCount(window);
    this.serverWindow = new WindowCount(window);
  }

  sample(now: Ns, client: boolean): [Ns, Ns] {
    const count = (client ? this.clientWindow : this.serverWindow).add(now);
    const delay = count > this.ppsLimit ? this.addedDelay * (count - this.ppsLimit) : 0;
    return [delay + this.network.delay, delay];
  }

  peekAggregate(now: Ns): Ns {
    const top = this.pending.peek();
    return top ? since(top.time, now) : NEVER;
  }

  pushAggregate(block: Ns, now: Ns, clientExpiry: boolean): void {
    const d = this.network.delay;
    let client = 0;
    let server = 0;
    if (clientExpiry) {
      if (4 * d > block) client = 4 * d - block;
      if (3 * d > block) server = 3 * d - block;
    } else {
      if (d > block) client = d - block;
      if (4 * d > block) server = 4 * d - block;
    }
    this.pending.push({ time: now + client, delay: block, client: true });
    this.pending.push({ time: now + server, delay: block, client: false });
  }

  popAggregate(): void {
    const a = this.pending.pop();
    if (!a) return;
    if (a.client) this.clientAggregate += a.delay;
    else this.serverAggregate += a.delay;
  }
}

interface ScheduledAction {
  kind: number;
  duration: Ns;
  bypass: boolean;
  replace: boolean;
  machine: number;
  time: Ns;
}

class SimState {
  readonly framework: Framework;
  readonly scheduledAction: (ScheduledAction | null)[];
  readonly scheduledInternal: (Ns | null)[];
  blockingUntil: Ns | null = null;
  blockingBypassable = false;

  constructor(machines: readonly Machine[], now: Ns, maxPaddingFrac: number, maxBlockingFrac: number, rng: Uniform01) {
    this.framework = new Framework(machines, maxPaddingFrac, maxBlockingFrac, now / 1000, rng);
    this.scheduledAction = new Array(machines.length).fill(null);
    this.scheduledInternal = new Array(machines.length).fill(null);
  }
}

// ------------------------------------------------------------------ delay.rs

function aggDelayOnBlockingExpire(sq: SimQueue, client: boolean, expire: Ns, head: SimEvent, aggregate: Ns): Ns | undefined {
  const BASE_WINDOW = MS;
  const BUFFER_WINDOW = MS;
  const q = sq.side(client);
  const bufferSize = q.blocking.length + q.bypassable.length;
  const base = q.base.peek();
  let tail = head.time;
  if (bufferSize > 2) {
    for (const e of [...q.blocking.items(), ...q.bypassable.items()]) {
      if (since(e.time, head.time) <= BUFFER_WINDOW && e.time > tail) tail = e.time;
    }
  }
  if (expire === tail) return undefined;
  if (base) {
    if (since(base.time + aggregate, head.time) <= BASE_WINDOW) return undefined;
    return since(expire, tail);
  }
  return since(expire, tail);
}

function aggDelayOnPaddingBypassReplace(sq: SimQueue, client: boolean, now: Ns, head: SimEvent, aggregate: Ns): Ns | undefined {
  const ADJACENT_WINDOW = 100 * MS;
  const BASE_WINDOW = MS;
  const q = sq.side(client);
  for (const e of [...q.blocking.items(), ...q.bypassable.items()]) {
    if (since(e.time, head.time) <= ADJACENT_WINDOW) return undefined;
  }
  const base = q.base.peek();
  if (base && since(base.time + aggregate, head.time) <= BASE_WINDOW) return undefined;
  return since(now, head.time);
}

function shouldDelayedPacketPropagate(sq: SimQueue, client: boolean, delayed: SimEvent, aggregate: Ns): boolean {
  const ADJACENT_WINDOW = 100 * MS;
  const BASE_WINDOW = MS;
  const q = sq.side(client);
  for (const e of [...q.blocking.items(), ...q.bypassable.items()]) {
    if (since(e.time, delayed.time) <= ADJACENT_WINDOW) return false;
  }
  const base = q.base.peek();
  if (base && since(base.time + aggregate, delayed.time) <= BASE_WINDOW) return false;
  return true;
}

// ------------------------------------------------------------------ network.rs

function simNetworkStack(next: SimEvent, sq: SimQueue, state: SimState, network: NetworkBottleneck, now: Ns): boolean {
  switch (next.event) {
    case NormalSent:
      sq.pushSim({ event: TunnelSent, machine: -1, time: next.time, client: next.client, containsPadding: false, bypass: false, replace: false });
      return false;
    case PaddingSent: {
      if (next.replace) {
        const [queued, qid] = sq.peekBlocking(state.blockingBypassable, next.client);
        if (queued && queued.client === next.client && queued.event === TunnelSent && !queued.containsPadding) {
          if (!next.bypass) return false;
          const aggregate = next.client ? network.clientAggregate : network.serverAggregate;
          const entry = sq.popBlocking(qid, state.blockingBypassable, next.client, aggregate)!;
          entry.bypass = true;
          entry.replace = false;
          const block = aggDelayOnPaddingBypassReplace(sq, next.client, now, entry, aggregate);
          if (block !== undefined) network.pushAggregate(block, now, next.client);
          sq.pushSim(entry);
          return false;
        }
      }
      sq.pushSim({
        event: TunnelSent,
        machine: -1,
        time: next.time,
        client: next.client,
        containsPadding: true,
        bypass: next.bypass,
        replace: next.replace,
      });
      return false;
    }
    case TunnelSent: {
      const [networkDelay, ppsDelay] = network.sample(now, next.client);
      if (ppsDelay > 0 && shouldDelayedPacketPropagate(sq, next.client, next, network.clientAggregate)) {
        network.pushAggregate(ppsDelay, now, next.client);
      }
      const arrival = next.containsPadding ? next.time + networkDelay : Math.max(next.time + networkDelay, now);
      sq.pushSim({
        event: TunnelRecv,
        machine: -1,
        time: arrival,
        client: !next.client,
        containsPadding: next.containsPadding,
        bypass: false,
        replace: false,
      });
      return true;
    }
    case TunnelRecv:
      sq.push(next.containsPadding ? PaddingRecv : NormalRecv, next.client, next.containsPadding, next.time);
      return true;
    default:
      return false;
  }
}

// ------------------------------------------------------------------ queue_peek.rs

function peekQueue(sq: SimQueue, client: SimState, server: SimState, cDelay: Ns, sDelay: Ns, earliest: Ns, now: Ns): [Ns, Queue, boolean] {
  if (sq.length === 0) return [NEVER, Queue.Blocking, false];
  const [peek, queue, dur] = sq.peek(cDelay, sDelay, now);
  if (dur > earliest) return [NEVER, Queue.Blocking, false];
  const p = peek!;
  if (p.event !== TunnelSent) return [dur, queue, p.client];
  const cb = client.blockingUntil !== null;
  const sb = server.blockingUntil !== null;
  if (!cb && !sb) return [dur, queue, p.client];
  if ((p.client && !cb) || (!p.client && !sb)) return [dur, queue, p.client];
  if ((p.client && cb && client.blockingBypassable && p.bypass) || (!p.client && sb && server.blockingBypassable && p.bypass)) {
    return [dur, queue, p.client];
  }
  const c = peekEarliestSide(sq, client.blockingUntil, client.blockingBypassable, now, cDelay, true);
  const s = peekEarliestSide(sq, server.blockingUntil, server.blockingBypassable, now, sDelay, false);
  return c[0] <= s[0] ? c : s;
}

function peekEarliestSide(sq: SimQueue, blockingUntil: Ns | null, bypassable: boolean, now: Ns, delaySum: Ns, client: boolean): [Ns, Queue, boolean] {
  const [pb, bq] = sq.peekBlocking(bypassable, client);
  const [pn, nq] = sq.peekNonBlocking(bypassable, client, delaySum);
  if (!pb && !pn) return [NEVER, Queue.Blocking, client];
  const until = blockingUntil ?? now;
  if (!pb) {
    const t = nq === Queue.Base ? pn!.time + delaySum : pn!.time;
    return [since(t, now), nq, client];
  }
  const bt = Math.max(pb.time, until);
  if (!pn) return [since(bt, now), bq, client];
  const nt = nq === Queue.Base ? pn.time + delaySum : pn.time;
  const blockingFirst = bt < nt ? true : bt > nt ? false : nq !== Queue.Base;
  return blockingFirst ? [since(bt, now), bq, client] : [since(nt, now), nq, client];
}

function peekScheduledAction(c: readonly (ScheduledAction | null)[], s: readonly (ScheduledAction | null)[], now: Ns): Ns {
  let earliest = NEVER;
  for (const a of c) if (a && a.time >= now && a.time - now < earliest) earliest = a.time - now;
  for (const a of s) if (a && a.time >= now && a.time - now < earliest) earliest = a.time - now;
  return earliest;
}

function peekInternal(c: readonly (Ns | null)[], s: readonly (Ns | null)[], now: Ns): Ns {
  let earliest = NEVER;
  for (const t of c) if (t !== null && t >= now && t - now < earliest) earliest = t - now;
  for (const t of s) if (t !== null && t >= now && t - now < earliest) earliest = t - now;
  return earliest;
}

function peekBlockedExpiry(c: Ns | null, s: Ns | null, now: Ns): [Ns, boolean] {
  if (c !== null && s !== null) return c < s ? [since(c, now), true] : [since(s, now), false];
  if (c !== null) return [since(c, now), true];
  if (s !== null) return [since(s, now), false];
  return [NEVER, true];
}

// ------------------------------------------------------------------ lib.rs

export interface SimulatorArgs {
  network: Network;
  /** Stop after this many events were recorded (0: no limit). */
  maxTraceLength: number;
  /** Stop after this many iterations (0: no limit). */
  maxSimIterations?: number;
  continueAfterAllNormalPacketsProcessed?: boolean;
  onlyClientEvents?: boolean;
  onlyNetworkActivity: boolean;
  maxPaddingFracClient?: number;
  maxBlockingFracClient?: number;
  maxPaddingFracServer?: number;
  maxBlockingFracServer?: number;
  /** Random sources of the two frameworks (the reference seeds Xoshiro256** with seed and seed+1). */
  clientRng: Uniform01;
  serverRng: Uniform01;
}

function pickNext(sq: SimQueue, client: SimState, server: SimState, network: NetworkBottleneck, now: Ns): SimEvent | undefined {
  for (;;) {
    const s = peekScheduledAction(client.scheduledAction, server.scheduledAction, now);
    const i = peekInternal(client.scheduledInternal, server.scheduledInternal, now);
    const [b, bIsClient] = peekBlockedExpiry(client.blockingUntil, server.blockingUntil, now);
    const n = network.peekAggregate(now);
    const [q, qid, qIsClient] = peekQueue(sq, client, server, network.clientAggregate, network.serverAggregate, Math.min(s, i, b, n), now);
    if (s === NEVER && i === NEVER && b === NEVER && n === NEVER && q === NEVER) return undefined;

    if (n <= s && n <= i && n <= b && n <= q) {
      network.popAggregate();
      continue;
    }

    if (b <= s && b <= i && b <= q) {
      const side = bIsClient ? client : server;
      side.blockingUntil = null;
      const [head] = sq.peekBlocking(false, bIsClient);
      if (head && head.time < now + b) {
        const expiry = now + b;
        const block = aggDelayOnBlockingExpire(sq, bIsClient, expiry, head, bIsClient ? network.clientAggregate : network.serverAggregate);
        if (block !== undefined) network.pushAggregate(block, expiry, bIsClient);
      }
      return { event: BlockingEnd, machine: -1, time: now + b, client: bIsClient, containsPadding: false, bypass: false, replace: false };
    }

    if (q <= s && q <= i) {
      const tmp = sq.pop(qid, qIsClient, qIsClient ? network.clientAggregate : network.serverAggregate)!;
      if (now + q > tmp.time) tmp.time = now + q;
      return tmp;
    }

    if (i <= s) {
      const target = now + i;
      sq.pushSim(takeInternalTimer(client, server, target));
      continue;
    }

    sq.pushSim(takeScheduledAction(client, server, now + s));
  }
}

function takeInternalTimer(client: SimState, server: SimState, target: Ns): SimEvent {
  for (const [state, isClient] of [
    [client, true],
    [server, false],
  ] as const) {
    const timers = state.scheduledInternal;
    for (let m = 0; m < timers.length; m++) {
      if (timers[m] === target) {
        timers[m] = null;
        return { event: TimerEnd, machine: m, time: target, client: isClient, containsPadding: false, bypass: false, replace: false };
      }
    }
  }
  throw new Error("maybenot simulator: no internal timer found (bug)");
}

function takeScheduledAction(client: SimState, server: SimState, target: Ns): SimEvent {
  let found: ScheduledAction | null = null;
  let isClient = false;
  for (const [state, c] of [
    [client, true],
    [server, false],
  ] as const) {
    const list = state.scheduledAction;
    for (let m = 0; m < list.length; m++) {
      const a = list[m];
      if (a && a.time === target) {
        found = a;
        isClient = c;
        list[m] = null;
        break;
      }
    }
    if (found) break;
  }
  if (!found) throw new Error("maybenot simulator: no scheduled action found (bug)");
  if (found.kind === ACT_PADDING) {
    return { event: PaddingSent, machine: found.machine, time: found.time, client: isClient, containsPadding: true, bypass: found.bypass, replace: found.replace };
  }
  // BlockOutgoing
  const state = isClient ? client : server;
  const until = found.time + found.duration;
  if (found.replace || until > (state.blockingUntil ?? found.time)) {
    state.blockingUntil = until;
    state.blockingBypassable = found.bypass;
  }
  return {
    event: BlockingBegin,
    machine: found.machine,
    time: found.time,
    client: isClient,
    containsPadding: false,
    bypass: state.blockingBypassable,
    replace: false,
  };
}

function triggerUpdate(state: SimState, next: SimEvent, now: Ns, sq: SimQueue, isClient: boolean): void {
  const fw = state.framework;
  fw.trigger(next.event, next.machine, now / 1000);
  for (let m = 0; m < fw.numMachines; m++) {
    const kind = fw.actionKind[m];
    if (kind === ACT_NONE) continue;
    if (kind === ACT_CANCEL) {
      const t = fw.actionTimer[m];
      if (t === TIMER_ACTION || t === TIMER_ALL) state.scheduledAction[m] = null;
      if (t === TIMER_INTERNAL || t === TIMER_ALL) state.scheduledInternal[m] = null;
    } else if (kind === ACT_PADDING || kind === ACT_BLOCK) {
      state.scheduledAction[m] = {
        kind,
        duration: fw.actionDuration[m] * 1000,
        bypass: fw.actionBypass[m] === 1,
        replace: fw.actionReplace[m] === 1,
        machine: m,
        time: now + fw.actionTimeout[m] * 1000,
      };
    } else if (kind === ACT_TIMER) {
      const current = state.scheduledInternal[m] ?? now;
      const until = now + fw.actionDuration[m] * 1000;
      if (fw.actionReplace[m] === 1 || current < until) {
        state.scheduledInternal[m] = until;
        sq.pushSim({ event: TimerBegin, machine: m, time: now, client: isClient, containsPadding: false, bypass: false, replace: false });
      }
    }
  }
}

/** Runs the simulation; returns the recorded events sorted by time (stable). */
export function simulate(clientMachines: readonly Machine[], serverMachines: readonly Machine[], sq: SimQueue, args: SimulatorArgs): SimEvent[] {
  const trace: SimEvent[] = [];
  const first = sq.firstTime();
  if (first === undefined) return trace;
  let now = first;
  const client = new SimState(clientMachines, now, args.maxPaddingFracClient ?? 0, args.maxBlockingFracClient ?? 0, args.clientRng);
  const server = new SimState(serverMachines, now, args.maxPaddingFracServer ?? 0, args.maxBlockingFracServer ?? 0, args.serverRng);
  const network = new NetworkBottleneck(args.network, 1000 * MS, sq.maxPps);
  let iterations = 0;
  for (;;) {
    const next = pickNext(sq, client, server, network, now);
    if (!next) break;
    if (next.time < now) throw new Error("maybenot simulator: next event moves time backwards (bug)");
    now = next.time;
    const activity = simNetworkStack(next, sq, next.client ? client : server, network, now);
    triggerUpdate(next.client ? client : server, next, now, sq, next.client);
    if ((!args.onlyNetworkActivity || activity) && (!args.onlyClientEvents || next.client)) trace.push({ ...next });
    if (args.maxTraceLength > 0 && trace.length >= args.maxTraceLength) break;
    iterations++;
    if ((args.maxSimIterations ?? 0) > 0 && iterations >= (args.maxSimIterations ?? 0)) break;
    if (!args.continueAfterAllNormalPacketsProcessed && sq.noNormalPackets()) break;
  }
  trace.sort((a, b) => a.time - b.time);
  return trace;
}

// ------------------------------------------------------------------ trace input

/**
 * Parses a trace of `time_ns,dir[,size]` lines (the reference's `parse_trace`): `s`/`sn`
 * the client sends at t; `r`/`rn` the server sent at t − delay; `sp`/`rp` ignored.
 * Also sets the queue's pps limit to 10× the most packets in any 100 ms window.
 */
export function parseTrace(text: string, network: Network): SimQueue {
  const sq = new SimQueue();
  const sent = new WindowCount(100 * MS);
  const recv = new WindowCount(100 * MS);
  let sentMax = 0;
  let recvMax = 0;
  for (const line of text.split("\n")) {
    const parts = line.split(",");
    if (parts.length < 2) continue;
    const t = Number(parts[0].trim());
    if (!Number.isSafeInteger(t) || t < 0) throw new Error(`maybenot trace: time ${JSON.stringify(parts[0])}: expected integer nanoseconds`);
    switch (parts[1]) {
      case "s":
      case "sn":
        sq.push(NormalSent, true, false, t);
        sentMax = Math.max(sentMax, sent.add(t));
        break;
      case "r":
      case "rn":
        sq.push(NormalSent, false, false, t - network.delay);
        recvMax = Math.max(recvMax, recv.add(t));
        break;
      case "sp":
      case "rp":
        break;
      default:
        throw new Error(`maybenot trace: direction ${JSON.stringify(parts[1])}: expected s, sn, r, rn, sp or rp`);
    }
  }
  sq.maxPps = Math.max(sentMax, recvMax) * 10;
  return sq;
}

/**
 * Builds a queue from the test notation `0,sn 18,sn 25,rn` (the reference's
 * `tests/common.rs` `make_sq`): times in µs, or ms with `asMs`; no pps limit.
 */
export function queueFromNotation(s: string, delay: Ns, asMs: boolean): SimQueue {
  const sq = new SimQueue();
  const unit = asMs ? MS : 1000;
  for (const token of s.split(" ")) {
    const parts = token.split(",");
    if (parts.length !== 2) continue;
    const t = Number(parts[0]) * unit;
    if (parts[1] === "s" || parts[1] === "sn") sq.push(NormalSent, true, false, t);
    else if (parts[1] === "r" || parts[1] === "rn") sq.push(NormalSent, false, false, t - delay);
    else throw new Error(`maybenot trace notation: direction ${JSON.stringify(parts[1])}: expected s, sn, r or rn`);
  }
  return sq;
}

/** Formats one side's events as `t,code` (µs or ms since the first event of the whole trace, truncated). */
export function formatTrace(trace: readonly SimEvent[], client: boolean, asMs: boolean): string {
  if (trace.length === 0) return "";
  const base = trace[0].time;
  const unit = asMs ? MS : 1000;
  const out: string[] = [];
  for (const e of trace) if (e.client === client) out.push(`${Math.floor(since(e.time, base) / unit)},${EVENT_CODES[e.event]}`);
  return out.join(" ");
}
