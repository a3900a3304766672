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
 * engine's `HeapEventQueue`, one class, so ties leave in push order: the engine learns
 * of core-link times ahead of time and out of order across users; a packet is released
 * once the engine's clock passes it, since every later report is at or after the clock);
 * `flush` releases what it still holds at the end of the run.
 *
 * @example
 * const taps = new VantageTaps(placements, false, 2_000);
 * taps.accessUp(u, finish, arrival, size, size); // local, isp and server taps in scope see it
 */
import type { Tap, VantageName } from "../../observers/observer.ts";
import type { Micros } from "../core/time.ts";
import { DOWN, UP, type Direction } from "../core/kinds.ts";
import { HeapEventQueue } from "../engine/event-queue.ts";

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
  private readonly mixed: { exitOf: Int32Array; start: Int32Array; members: Int32Array; heap: HeapEventQueue; clock: { readonly now: Micros } } | null = null;

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
        this.mixed = { exitOf: exits.exit, start, members, heap: new HeapEventQueue(256), clock: exits.clock };
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
    this.release(Infinity);
  }

  private exitPacket(u: number, t: Micros, size: number, dir: Direction): void {
    const mixed = this.mixed;
    if (mixed === null) tapScoped(this.exit, u, t, size, dir);
    else {
      // the exit is `a`, the size `b` (whole bytes), the direction the type
      mixed.heap.push(t, 0, dir, mixed.exitOf[u], size);
      this.release(mixed.clock.now);
    }
  }

  /** Sends every held exit packet at or before `until` to each user of its exit, earliest first. */
  private release(until: Micros): void {
    const mixed = this.mixed;
    if (mixed === null) return;
    const { heap, start, members } = mixed;
    while (heap.count > 0 && heap.times[0] <= until) {
      heap.pop();
      const e = heap.a;
      for (let k = start[e]; k < start[e + 1]; k++) tapScoped(this.exit, members[k], heap.time, heap.b, heap.type as Direction);
    }
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
