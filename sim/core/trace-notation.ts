/**
 * The trace notation: a compact text form of a `Trace` for tests, in the spirit of
 * RxJS marble diagrams and Maybenot's `t,sn` strings.
 *
 * Packets are separated by commas. Each is `<time> <dir><size>[/<payload>][p|c][#<flow>]`:
 * - time: absolute, `0`, `250us`, `20ms`, `1.5s` (a bare number is microseconds);
 * - dir: `s` sent by the device (uplink) or `r` received by it (downlink);
 * - size: wire bytes; `/payload` gives the real bytes carried when they differ from the
 *   size (a padded real packet); padding and cover carry 0 payload bytes;
 * - `p` marks padding, `c` cover; no mark means a real packet;
 * - `#flow` the flow or message id.
 *
 * `printTrace(parseTrace(s))` returns `s` in canonical form, and
 * `parseTrace(printTrace(t))` equals `t` row for row.
 *
 * @example
 * printTrace(parseTrace("0 s1200, 20ms r80, 25ms s1500/1200#3, 1s s1500p"))
 * // => "0 s1200, 20ms r80, 25ms s1500/1200#3, 1s s1500p"
 */
import { formatDuration, parseDuration } from "./time.ts";
import { Trace } from "./trace.ts";
import { COVER, DOWN, PADDING, REAL, UP, type Direction, type Kind } from "./kinds.ts";

const PACKET = /^(\S+)\s+([sr])(\d+)(?:\/(\d+))?([pc])?(?:#(-?\d+))?$/;

export function parseTrace(text: string): Trace {
  const trace = new Trace();
  const parts = text.split(",").map((p) => p.trim()).filter((p) => p.length > 0);
  let previous = -Infinity;
  parts.forEach((part, index) => {
    const m = PACKET.exec(part);
    if (!m) {
      throw new Error(
        `trace packet ${index + 1} "${part}": expected "<time> <s|r><size>[/<payload>][p|c][#flow]", e.g. "20ms s1200/1000#3"`,
      );
    }
    const time = parseDuration(m[1]);
    if (time < previous) throw new Error(`trace packet ${index + 1} "${part}": time goes backwards (expected >= ${formatDuration(previous)})`);
    previous = time;
    const dir: Direction = m[2] === "s" ? UP : DOWN;
    const size = Number(m[3]);
    const kind: Kind = m[5] === "p" ? PADDING : m[5] === "c" ? COVER : REAL;
    const payload = m[4] !== undefined ? Number(m[4]) : kind === REAL ? size : 0;
    if (payload > size) throw new Error(`trace packet ${index + 1} "${part}": payload ${payload} exceeds wire size ${size}`);
    if (kind !== REAL && payload !== 0) throw new Error(`trace packet ${index + 1} "${part}": padding and cover carry no payload`);
    trace.push(time, size, payload, dir, kind, m[6] !== undefined ? Number(m[6]) : -1);
  });
  return trace;
}

export function printTrace(trace: Trace): string {
  const out: string[] = [];
  for (let i = 0; i < trace.length; i++) {
    const kind = trace.kind[i];
    let s = `${formatDuration(trace.time[i])} ${trace.dir[i] === UP ? "s" : "r"}${trace.size[i]}`;
    if (kind === REAL && trace.payload[i] !== trace.size[i]) s += `/${trace.payload[i]}`;
    if (kind === PADDING) s += "p";
    if (kind === COVER) s += "c";
    if (trace.flow[i] !== -1) s += `#${trace.flow[i]}`;
    out.push(s);
  }
  return out.join(", ");
}
