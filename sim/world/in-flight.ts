/**
 * What the world keeps about messages on their way, beside the ground truth's table (same
 * ids): packets still to finish on the current hop, the record length after the device's
 * padding, and how many fan-out copies a group message has; and the scratch a message's
 * packets are cut into.
 *
 * @example
 * flight.open(id); // make room for message `id`
 * const n = flight.segment(transport, bytes, padded); // flight.segWire[0 .. n), flight.segReal[0 .. n)
 */
import { grown } from "../core/grown.ts";
import type { Transport } from "./transport.ts";

export class InFlight {
  /** Packets of the message still to complete on its current hop. */
  left = new Int32Array(1024);
  /** Record length after the sending device's padding. */
  padded = new Int32Array(1024);
  /** Fan-out copies (ids origin .. origin + copies - 1), for the first copy; 1 otherwise. */
  copies = new Int32Array(1024);
  /** The packets of the last `segment`: wire bytes and real bytes. */
  segWire = new Int32Array(64);
  segReal = new Int32Array(64);

  /** Makes room for message `id` (ids come in order) and counts it as one copy. */
  open(id: number): void {
    if (id >= this.left.length) {
      this.left = grown(this.left);
      this.padded = grown(this.padded);
      this.copies = grown(this.copies);
    }
    this.copies[id] = 1;
  }

  /** Cuts a message of `bytes` application bytes, padded to a record of `padded`, into packets; returns how many. */
  segment(transport: Transport, bytes: number, padded: number): number {
    const need = transport.packetCount(padded) + 1;
    if (need > this.segWire.length) {
      let cap = this.segWire.length;
      while (cap < need) cap *= 2;
      this.segWire = new Int32Array(cap);
      this.segReal = new Int32Array(cap);
    }
    return transport.segmentMessage(bytes, padded, this.segWire, this.segReal);
  }
}
