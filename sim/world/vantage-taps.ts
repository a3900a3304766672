/**
 * The observers' taps, by vantage point, and what each vantage sees of a packet.
 *
 * - `local` (the user's Wi-Fi) and `isp` (the user's access network; `global` sits here
 *   too) see the access link: the outer (tunnel) size, uplink packets when they finish
 *   serializing on the device's link, downlink packets when they arrive; the ISP's clock
 *   is `ispOffset` further along the path.
 * - `server` sees packets as the messaging server handles them: without a VPN, uplink
 *   packets on arrival and downlink packets when they are sent, at their inner size; with
 *   a VPN, at the far end of the VPN's core links.
 * - `vpn-exit` (only with a VPN) sees the core links: uplink packets as they leave the
 *   VPN, downlink packets as they reach it.
 *
 * Taps are plain function calls, in the order of the vantages above.
 *
 * @example
 * const taps = new VantageTaps(placements, false, 2_000);
 * taps.accessUp(u, finish, arrival, size, size); // local, isp and server taps see it
 */
import type { Tap, VantageName } from "../../observers/observer.ts";
import type { Micros } from "../core/time.ts";
import { DOWN, UP, type Direction } from "../core/kinds.ts";

export interface TapPlacement {
  readonly vantage: VantageName;
  readonly tap: Tap;
}

export class VantageTaps {
  private readonly local: Tap[];
  private readonly isp: Tap[];
  private readonly server: Tap[];
  private readonly exit: Tap[];
  private readonly vpn: boolean;
  private readonly ispOffset: Micros;

  constructor(taps: readonly TapPlacement[], vpn: boolean, ispOffset: Micros) {
    const pick = (...v: VantageName[]) => taps.filter((t) => v.includes(t.vantage)).map((t) => t.tap);
    this.local = pick("local");
    this.isp = pick("isp", "global");
    this.server = pick("server");
    this.exit = pick("vpn-exit");
    if (this.exit.length > 0 && !vpn) {
      throw new Error('observer vantage "vpn-exit": this experiment has no VPN (set transport.vpn)');
    }
    this.vpn = vpn;
    this.ispOffset = ispOffset;
  }

  /** User `u`'s device sent a packet: `size` bytes inside, `outer` on the access link; it finished serializing at `finish` and arrives at `arrival`. */
  accessUp(u: number, finish: Micros, arrival: Micros, size: number, outer: number): void {
    tapAll(this.local, u, finish, outer, UP);
    tapAll(this.isp, u, finish + this.ispOffset, outer, UP);
    if (!this.vpn) tapAll(this.server, u, arrival, size, UP);
  }

  /** A packet for user `u` left the first hop at `sent` and arrives at the device at `arrival`. */
  accessDown(u: number, sent: Micros, arrival: Micros, size: number, outer: number): void {
    tapAll(this.local, u, arrival, outer, DOWN);
    tapAll(this.isp, u, arrival - this.ispOffset, outer, DOWN);
    if (!this.vpn) tapAll(this.server, u, sent, size, DOWN);
  }

  /** With a VPN: user `u`'s packet of `wire` bytes left the VPN on its core link at `exit` and reached the server at `server`. */
  coreUp(u: number, exit: Micros, server: Micros, wire: number): void {
    tapAll(this.exit, u, exit, wire, UP);
    tapAll(this.server, u, server, wire, UP);
  }

  /** With a VPN: a packet of `wire` bytes for user `u` left the server at `server` and reached the VPN at `exit`. */
  coreDown(u: number, server: Micros, exit: Micros, wire: number): void {
    tapAll(this.server, u, server, wire, DOWN);
    tapAll(this.exit, u, exit, wire, DOWN);
  }
}

function tapAll(taps: Tap[], u: number, t: Micros, size: number, dir: Direction): void {
  for (let i = 0; i < taps.length; i++) taps[i].packet(u, t, size, dir);
}
