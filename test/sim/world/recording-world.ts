/**
 * A world that records every packet on the access links, for tests that check what the
 * wire carried (acks.test.ts, sleep.test.ts).
 */
import type { Micros } from "../../../sim/core/time.ts";
import type { Kind } from "../../../sim/core/kinds.ts";
import { World } from "../../../sim/world/world.ts";
import { isUplink, slotUser } from "../../../sim/world/user-slots.ts";

export interface RecordedPacket {
  user: number;
  up: boolean;
  sent: Micros;
  arrival: Micros;
  size: number;
  kind: Kind;
  flow: number;
}

export class RecordingWorld extends World {
  readonly seen: RecordedPacket[] = [];
  override onWire(slot: number, sent: Micros, finish: Micros, arrival: Micros, size: number, payload: number, kind: Kind, flow: number): void {
    this.seen.push({ user: slotUser(slot), up: isUplink(slot), sent, arrival, size, kind, flow });
    super.onWire(slot, sent, finish, arrival, size, payload, kind, flow);
  }
}
