/**
 * Packet directions and kinds: the only vocabulary the shaping core and the lab share
 * about a packet besides its time and size.
 *
 * Direction is seen from the device: `UP` is sent by the device (the uplink, "s" in the
 * trace notation), `DOWN` is received by it ("r"). Kind says what a packet carries:
 * `REAL` application bytes, `PADDING` added by a shaper (no payload), or `COVER`
 * traffic a shaper sends on its own schedule. Observers never see the kind.
 *
 * Plain integer constants, so that typed-array columns and hot loops compare numbers.
 *
 * @example
 * const k: Kind = PADDING; // 1
 */

export const UP = 0;
export const DOWN = 1;
export type Direction = typeof UP | typeof DOWN;

export const REAL = 0;
export const PADDING = 1;
export const COVER = 2;
export type Kind = typeof REAL | typeof PADDING | typeof COVER;
