/**
 * Record padding, per user and side: the `padRecord` of each user's device-side and
 * server-side shaper (for shapers that pad records), checked against the contract
 * (an integer no smaller than the record). A padder runs outside engine calls, so its
 * slot's random stream is bound first (`sim/engine/slot-streams.ts`).
 *
 * @example
 * const pads = new RecordPadding("padme", "none", egress);
 * pads.add(deviceShaper, serverShaper); // user 0
 * pads.device(0, 1000) // => 1024
 */
import type { Shaper } from "../../shapers/shaper.ts";
import type { Egress } from "../engine/egress.ts";
import { downlinkSlot, uplinkSlot } from "./user-slots.ts";

type Pad = ((length: number) => number) | null;

export class RecordPadding {
  private readonly devicePad: Pad[] = [];
  private readonly serverPad: Pad[] = [];
  private readonly deviceName: string;
  private readonly serverName: string;
  private readonly egress: Egress;

  /** `egress` holds the shapers' random streams: a padder that draws draws from its own slot's. */
  constructor(deviceName: string, serverName: string, egress: Egress) {
    this.deviceName = deviceName;
    this.serverName = serverName;
    this.egress = egress;
  }

  /** The next user's shaper on `side`. */
  add(side: "device" | "server", shaper: Shaper): void {
    const pad = shaper.padRecord ? shaper.padRecord.bind(shaper) : null;
    (side === "device" ? this.devicePad : this.serverPad).push(pad);
  }

  /** A record of `length` bytes as user `u`'s device pads it. */
  device(u: number, length: number): number {
    const pad = this.devicePad[u];
    if (pad === null) return length;
    this.egress.bindStream(uplinkSlot(u));
    return this.check(pad(length), length, this.deviceName);
  }

  /** A record of `length` bytes as the server pads it toward user `u`. */
  server(u: number, length: number): number {
    const pad = this.serverPad[u];
    if (pad === null) return length;
    this.egress.bindStream(downlinkSlot(u));
    return this.check(pad(length), length, this.serverName);
  }

  private check(padded: number, length: number, name: string): number {
    if (!(padded >= length) || !Number.isSafeInteger(padded)) {
      throw new Error(`shaper "${name}": padRecord(${length}) returned ${padded}; expected an integer >= ${length}`);
    }
    return padded;
  }
}
