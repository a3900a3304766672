/**
 * Walkie-Talkie — Wang & Goldberg, "Walkie-Talkie: An Efficient Defense Against Passive
 * Website Fingerprinting Attacks", USENIX Security 2017 (defenses.md §3.7).
 *
 * Rule (paper): (1) half-duplex — an endpoint does not send while the other side's burst
 * is still arriving, so traffic becomes a clean alternation of bursts; (2) burst molding
 * — each burst is padded up to the matching burst of a decoy page (the supersequence of
 * real and decoy), so two pages give identical burst sequences.
 *
 * Messaging adaptation (ours; there is no decoy page database for conversations):
 * - half-duplex: a received packet closes the gate; real packets wait until
 *   `burstGapSeconds` pass without a received packet, then leave together as this side's
 *   burst (the shaper listens to received packets);
 * - molding: an outgoing burst ends when `burstGapSeconds` pass without a send, or when
 *   the peer starts sending; its byte count B is then padded up to the next size of a
 *   geometric ladder m·q^k ≥ B (m = `minBurstBytes`, q = `ratio`), in MTU-size padding
 *   packets plus one remainder. Every burst in a rung of the ladder looks the same size:
 *   a fixed supersequence in place of a per-page decoy. Ratio 2 is "pad to the next
 *   power of k = 2", the window-filling rule of Shen et al. (defenses.md §3.13).
 * Defaults are ours: 50 ms burst gap, m = 1500 B, q = 2.
 *
 * @example
 * molded(1000, 1500, 2) // => 1500
 * molded(3001, 1500, 2) // => 6000
 * // "0 s1000, 10ms r80, 20ms s500" → the 500-byte packet waits for the downlink burst to
 * // end (60 ms) and the first burst is molded to 1500 bytes at 10 ms.
 */
import { z } from "zod";
import { seconds, type Micros } from "../sim/core/time.ts";
import { PADDING, REAL, type Kind } from "../sim/core/kinds.ts";
import { bytes, duration, number } from "./params.ts";
import { BaseShaper, type ShaperActions, type ShaperDeclaration, type ShaperDefinition, declare } from "./shaper.ts";

const NAME = "walkie-talkie";
const RX_TIMER = 0;
const BURST_TIMER = 1;

const schema = z
  .object({
    burstGapSeconds: duration({ max: 60 }).default(0.05).describe("a burst ends after this long without a packet in its direction, seconds"),
    minBurstBytes: bytes({ min: 1, max: 1 << 30 }).default(1500).describe("m: the smallest molded burst, bytes"),
    ratio: number({ gt: 1, max: 16 }, "ratio").default(2).describe("q: each molded burst size is q times the next smaller one (a ratio)"),
  })
  .strict();

export type WalkieTalkieParams = z.infer<typeof schema>;

/** The smallest m·q^k (k ≥ 0, rounded up to whole bytes) that is ≥ b. */
export function molded(b: number, min: number, ratio: number): number {
  let m = min;
  while (m < b) m = Math.ceil(m * ratio);
  return m;
}

const declaration: ShaperDeclaration = declare({ delays: true, injects: true, listensToReceive: true });

class WalkieTalkie extends BaseShaper {
  readonly declaration = declaration;
  private readonly gap: Micros;
  private readonly min: number;
  private readonly ratio: number;
  private receiving = false;
  private burstBytes = 0;

  constructor(p: WalkieTalkieParams) {
    super();
    this.gap = seconds(p.burstGapSeconds);
    this.min = p.minBurstBytes;
    this.ratio = p.ratio;
  }

  override onReceived(now: Micros, _size: number, _kind: Kind, out: ShaperActions): void {
    if (!this.receiving) {
      this.receiving = true;
      out.hold();
      if (this.burstBytes > 0) {
        out.cancelTimer(BURST_TIMER);
        this.mold(out);
      }
    }
    out.setTimer(RX_TIMER, now + this.gap);
  }

  override onSent(now: Micros, size: number, kind: Kind, out: ShaperActions): void {
    if (kind !== REAL) return;
    this.burstBytes += size;
    out.setTimer(BURST_TIMER, now + this.gap);
  }

  override onTimer(_now: Micros, id: number, out: ShaperActions): void {
    if (id === RX_TIMER) {
      this.receiving = false;
      out.release();
    } else if (this.burstBytes > 0) {
      this.mold(out);
    }
  }

  private mold(out: ShaperActions): void {
    let deficit = molded(this.burstBytes, this.min, this.ratio) - this.burstBytes;
    this.burstBytes = 0;
    const mtu = out.mtu;
    while (deficit > 0) {
      const size = deficit < mtu ? deficit : mtu;
      out.sendPadding(size, PADDING);
      deficit -= size;
    }
  }
}

export const definition: ShaperDefinition<WalkieTalkieParams> = {
  name: NAME,
  summary: "Walkie-Talkie for messaging: half-duplex (hold sends while a downlink burst arrives) and bursts molded to a geometric ladder",
  citation: "Wang & Goldberg, Walkie-Talkie: An Efficient Defense Against Passive Website Fingerprinting Attacks, USENIX Security 2017",
  schema,
  declaration,
  create: (p) => new WalkieTalkie(p),
};
