/**
 * The observers' taps, by vantage point and scope, and what each vantage sees of a packet.
 * Where users sit (access network, ISP, VPN exit) is the experiment's placement
 * (`topology.ts`); a tap placed with a scope mask sees only the users the mask marks, one
 * placed without sees every user (every instance of its vantage at once: colluding).
 *
 * - `local` (an access network: home or office Wi-Fi, a hotspot, a carrier cell) and
 *   `isp` (one ISP's access links; `global` sits here too, unscoped) see the access link
 *   of each in-scope user: the outer (tunnel) size, uplink packets when they finish
 *   serializing on the device's link, downlink packets when they arrive; the ISP's clock
 *   is `ispOffset` further along the path.
 * - `server` sees packets as the messaging server handles them, per account: without a
 *   VPN, uplink packets on arrival and downlink packets when they are sent, at their
 *   inner size; with a VPN, at the far end of the VPN's core links.
 * - `vpn-provider` (only with a VPN) terminates every user's tunnel: it sees each user's
 *   decapsulated inner traffic where it leaves for / arrives from the messaging server
 *   (the core links: uplink packets as they leave the VPN, downlink packets as they
 *   reach it), per user. It also sees the outer, access-side packets of the same
 *   tunnels; those are the same packets a core-link hop earlier, with a size that is a
 *   function of the inner size (or the MTU when the tunnel pads), so they add nothing
 *   the inner view lacks and are not fed a second time.
 * - `vpn-exit` (only with a VPN) is the upstream of one exit server: it sees the exit's
 *   core-link flows mixed, not which flow is whose. The attacker is granted which exit
 *   each user uses (attacker-favouring) but nothing finer, so the tap for user u receives
 *   every packet of every user sharing u's exit, in time order (fan-out). With one user
 *   per exit (no `topology.vpn`) that is exactly the per-user core-link view.
 *
 * Taps are plain function calls, in the order of the vantages above; a scope check is one
 * byte per tap per packet. Mixed exit streams pass through one time-ordered heap (the
 * engine learns of core-link times ahead of time and out of order across users; a packet
 * is released once the engine's clock passes it, since every later report is at or
 * after the clock); `flush` releases what it still holds at the end of the run.
 *
 * @example
 * const taps = new VantageTaps(placements, false, 2_000);
 * taps.accessUp(u, finish, arrival, size, size); // local, isp and server taps in scope see it
 */
import type { Tap, VantageName } from "../../observers/observer.ts";
import type { Micros } from "../core/time.ts";
import { DOWN, UP, type Direction } from "../core/kinds.ts";

export interface TapPlacement {
  readonly vantage: VantageName;
  readonly tap: Tap;
  /** Per user: 1 if this tap's vantage instance sees the user (`scopeUsers`); absent or null: every user. */
  readonly scope?: Uint8Array | null;
}

/** Which VPN exit each user shares, and the engine's clock (to order the mixed exit streams). */
export interface ExitPlan {
  /** exit[u]: user u's exit, 0 ≤ exit[u] < count. */
  readonly exit: Int32Array;
  readonly count: number;
  readonly clock: { readonly now: Micros };
}

/** Taps of one vantage with their scope masks (null: every user). */
interface Group {
  readonly taps: Tap[];
  readonly masks: (Uint8Array | null)[];
}

export class VantageTaps {
  private readonly local: Group;
  private readonly isp: Group;
  private readonly server: Group;
  private readonly provider: Group;
  private readonly exit: Group;
  private readonly vpn: boolean;
  private readonly ispOffset: Micros;
  /** With exits shared by more than one user: the exits' members (CSR) and the feed ordering each exit's stream; else null (direct, per user). */
  private readonly mixed: { exitOf: Int32Array; heap: TimeHeap; clock: { readonly now: Micros } } | null = null;

  constructor(taps: readonly TapPlacement[], vpn: boolean, ispOffset: Micros, exits?: ExitPlan) {
    const pick = (...v: VantageName[]): Group => {
      const chosen = taps.filter((t) => v.includes(t.vantage));
      return { taps: chosen.map((t) => t.tap), masks: chosen.map((t) => t.scope ?? null) };
    };
    this.local = pick("local");
    this.isp = pick("isp", "global");
    this.server = pick("server");
    this.provider = pick("vpn-provider");
    this.exit = pick("vpn-exit");
    for (const [name, group] of [["vpn-exit", this.exit], ["vpn-provider", this.provider]] as const) {
      if (group.taps.length > 0 && !vpn) throw new Error(`observer vantage "${name}": this experiment has no VPN (set transport.vpn)`);
    }
    this.vpn = vpn;
    this.ispOffset = ispOffset;
    if (vpn && exits && this.exit.taps.length > 0) {
      const count = exits.count;
      const start = new Int32Array(count + 1);
      for (const e of exits.exit) start[e + 1]++;
      let shared = false;
      for (let e = 0; e < count; e++) {
        if (start[e + 1] > 1) shared = true;
        start[e + 1] += start[e];
      }
      if (shared) {
        const members = new Int32Array(exits.exit.length);
        const fill = start.slice(0, count);
        for (let u = 0; u < exits.exit.length; u++) members[fill[exits.exit[u]]++] = u;
        const group = this.exit;
        const heap = new TimeHeap((e, t, size, dir) => {
          for (let k = start[e]; k < start[e + 1]; k++) tapScoped(group, members[k], t, size, dir);
        });
        this.mixed = { exitOf: exits.exit, heap, clock: exits.clock };
      }
    }
  }

  /** User `u`'s device sent a packet: `size` bytes inside, `outer` on the access link; it finished serializing at `finish` and arrives at `arrival`. */
  accessUp(u: number, finish: Micros, arrival: Micros, size: number, outer: number): void {
    tapScoped(this.local, u, finish, outer, UP);
    tapScoped(this.isp, u, finish + this.ispOffset, outer, UP);
    if (!this.vpn) tapScoped(this.server, u, arrival, size, UP);
  }

  /** A packet for user `u` left the first hop at `sent` and arrives at the device at `arrival`. */
  accessDown(u: number, sent: Micros, arrival: Micros, size: number, outer: number): void {
    tapScoped(this.local, u, arrival, outer, DOWN);
    tapScoped(this.isp, u, arrival - this.ispOffset, outer, DOWN);
    if (!this.vpn) tapScoped(this.server, u, sent, size, DOWN);
  }

  /** With a VPN: user `u`'s packet of `wire` bytes left the VPN on its core link at `exit` and reached the server at `server`. */
  coreUp(u: number, exit: Micros, server: Micros, wire: number): void {
    tapScoped(this.provider, u, exit, wire, UP);
    this.exitPacket(u, exit, wire, UP);
    tapScoped(this.server, u, server, wire, UP);
  }

  /** With a VPN: a packet of `wire` bytes for user `u` left the server at `server` and reached the VPN at `exit`. */
  coreDown(u: number, server: Micros, exit: Micros, wire: number): void {
    tapScoped(this.server, u, server, wire, DOWN);
    tapScoped(this.provider, u, exit, wire, DOWN);
    this.exitPacket(u, exit, wire, DOWN);
  }

  /** Releases the packets the mixed exit streams still hold (end of run). */
  flush(): void {
    this.mixed?.heap.release(Infinity);
  }

  private exitPacket(u: number, t: Micros, size: number, dir: Direction): void {
    const mixed = this.mixed;
    if (mixed === null) tapScoped(this.exit, u, t, size, dir);
    else {
      mixed.heap.push(mixed.exitOf[u], t, size, dir);
      mixed.heap.release(mixed.clock.now);
    }
  }
}

/**
 * Packets of every exit, released in time order (ties in the order they were pushed):
 * a binary heap over parallel typed arrays (time, push number, exit, size, direction),
 * grown by doubling.
 */
class TimeHeap {
  private time = new Float64Array(256);
  private order = new Float64Array(256);
  private exit = new Int32Array(256);
  private size = new Float64Array(256);
  private dir = new Uint8Array(256);
  private n = 0;
  private pushed = 0;
  private readonly sink: (exit: number, t: Micros, size: number, dir: Direction) => void;

  constructor(sink: (exit: number, t: Micros, size: number, dir: Direction) => void) {
    this.sink = sink;
  }

  push(exit: number, t: Micros, size: number, dir: Direction): void {
    if (this.n === this.time.length) this.grow();
    let i = this.n++;
    const order = this.pushed++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.time[parent] < t || (this.time[parent] === t && this.order[parent] < order)) break;
      this.move(parent, i);
      i = parent;
    }
    this.set(i, t, order, exit, size, dir);
  }

  /** Sends every packet at or before `until` to the sink, earliest first. */
  release(until: Micros): void {
    while (this.n > 0 && this.time[0] <= until) {
      const t = this.time[0];
      const exit = this.exit[0];
      const size = this.size[0];
      const dir = this.dir[0] as Direction;
      this.popTop();
      this.sink(exit, t, size, dir);
    }
  }

  private popTop(): void {
    const last = --this.n;
    if (last === 0) return;
    const t = this.time[last];
    const order = this.order[last];
    const exit = this.exit[last];
    const size = this.size[last];
    const dir = this.dir[last];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      if (c + 1 < last && this.before(c + 1, c)) c++;
      if (t < this.time[c] || (t === this.time[c] && order < this.order[c])) break;
      this.move(c, i);
      i = c;
    }
    this.set(i, t, order, exit, size, dir);
  }

  private before(a: number, b: number): boolean {
    return this.time[a] < this.time[b] || (this.time[a] === this.time[b] && this.order[a] < this.order[b]);
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from];
    this.order[to] = this.order[from];
    this.exit[to] = this.exit[from];
    this.size[to] = this.size[from];
    this.dir[to] = this.dir[from];
  }

  private set(i: number, t: Micros, order: number, exit: number, size: number, dir: number): void {
    this.time[i] = t;
    this.order[i] = order;
    this.exit[i] = exit;
    this.size[i] = size;
    this.dir[i] = dir;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const grown = <T extends Float64Array | Int32Array | Uint8Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.time = grown(this.time, new Float64Array(cap));
    this.order = grown(this.order, new Float64Array(cap));
    this.exit = grown(this.exit, new Int32Array(cap));
    this.size = grown(this.size, new Float64Array(cap));
    this.dir = grown(this.dir, new Uint8Array(cap));
  }
}

function tapScoped(g: Group, u: number, t: Micros, size: number, dir: Direction): void {
  const taps = g.taps;
  const masks = g.masks;
  for (let i = 0; i < taps.length; i++) {
    const m = masks[i];
    if (m === null || m[u] === 1) taps[i].packet(u, t, size, dir);
  }
}
