/**
 * Which egress slot is whose: user `u`'s device uplink is slot 2u, the downlink toward
 * user `u` (leaving the server or the VPN) is slot 2u + 1.
 *
 * @example
 * downlinkSlot(3) // => 7
 * slotUser(7) // => 3
 * isUplink(7) // => false
 */

/** User `u`'s device uplink. */
export function uplinkSlot(u: number): number {
  return 2 * u;
}

/** The downlink toward user `u`. */
export function downlinkSlot(u: number): number {
  return 2 * u + 1;
}

/** The user a slot belongs to. */
export function slotUser(slot: number): number {
  return slot >> 1;
}

/** Whether a slot is a device uplink. */
export function isUplink(slot: number): boolean {
  return (slot & 1) === 0;
}

/** The slot at the other end of a slot's user's access link (uplink ↔ downlink). */
export function peerSlot(slot: number): number {
  return slot ^ 1;
}

/** The counter group of a slot: 0 for device uplinks, 1 for downlinks. */
export function slotSide(slot: number): 0 | 1 {
  return (slot & 1) as 0 | 1;
}
