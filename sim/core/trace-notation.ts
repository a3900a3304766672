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
 * Every value must fit its column: times are whole microseconds from 0 up to 2^53 − 1
 * (no negative times), sizes and payloads 0 … 2^31 − 1 (Int32), flows −2^31 … 2^31 − 1.
 * Anything else is refused with an `InputError` naming the packet, never stored to wrap
 * around in a typed array. So for every text `parseTrace` accepts,
 * `parseTrace(printTrace(parseTrace(s)))` equals `parseTrace(s)` row for row, and
 * `printTrace` refuses (RangeError) a trace it could not print back exactly.
 *
 * @example
 * printTrace(parseTrace("0 s1200, 20ms r80, 25ms s1500/1200#3, 1s s1500p"))
 * // => "0 s1200, 20ms r80, 25ms s1500/1200#3, 1s s1500p"
 */
import { formatDuration, parseDuration } from "./time.ts";
import { Trace } from "./trace.ts";
import { COVER, DOWN, PADDING, REAL, UP, type Direction, type Kind } from "./kinds.ts";
import { InputError } from "./validation.ts";

const PACKET = /^(\S+)\s+([sr])(\d+)(?:\/(\d+))?([pc])?(?:#(-?\d+))?$/;

/** Largest value of an Int32 column (size, payload, flow). */
export const INT32_MAX = 2 ** 31 - 1;
export const INT32_MIN = -(2 ** 31);

/** How a packet is quoted in a problem line: shortened, so a huge input stays one short line. */
function quote(part: string): string {
  return JSON.stringify(part.length > 40 ? `${part.slice(0, 37)}...` : part);
}

/** Parses the notation; throws an InputError naming the first bad packet and what was expected. */
export function parseTrace(text: string): Trace {
  const trace = new Trace();
  const parts = text.split(",").map((p) => p.trim()).filter((p) => p.length > 0);
  let previous = 0;
  parts.forEach((part, index) => {
    const at = `trace packet ${index + 1} ${quote(part)}`;
    const m = PACKET.exec(part);
    if (!m) throw new InputError([`${at}: expected "<time> <s|r><size>[/<payload>][p|c][#flow]", e.g. "20ms s1200/1000#3"`]);
    let time: number;
    try {
      time = parseDuration(m[1]);
    } catch {
      throw new InputError([`${at}: time ${quote(m[1])}: expected a number with an optional unit us, ms, s, min or h, from 0 to ${Number.MAX_SAFE_INTEGER}us`]);
    }
    if (time < 0 || Object.is(time, -0)) throw new InputError([`${at}: time ${quote(m[1])} is negative (expected >= 0)`]);
    if (!Number.isSafeInteger(time)) throw new InputError([`${at}: time ${quote(m[1])} is out of range (expected at most ${Number.MAX_SAFE_INTEGER}us)`]);
    if (time < previous) throw new InputError([`${at}: time goes backwards (expected >= ${formatDuration(previous)})`]);
    previous = time;
    const dir: Direction = m[2] === "s" ? UP : DOWN;
    const size = Number(m[3]);
    if (!(size <= INT32_MAX)) throw new InputError([`${at}: size ${m[3].length > 20 ? `${m[3].slice(0, 17)}...` : m[3]} is out of range (expected 0 to ${INT32_MAX} bytes)`]);
    const kind: Kind = m[5] === "p" ? PADDING : m[5] === "c" ? COVER : REAL;
    if (m[4] !== undefined && !(Number(m[4]) <= INT32_MAX)) {
      throw new InputError([`${at}: payload ${m[4].length > 20 ? `${m[4].slice(0, 17)}...` : m[4]} is out of range (expected 0 to ${INT32_MAX} bytes)`]);
    }
    const payload = m[4] !== undefined ? Number(m[4]) : kind === REAL ? size : 0;
    if (payload > size) throw new InputError([`${at}: payload ${payload} exceeds wire size ${size}`]);
    if (kind !== REAL && payload !== 0) throw new InputError([`${at}: padding and cover carry no payload`]);
    const flow = m[6] !== undefined ? Number(m[6]) : -1;
    if (!(flow >= INT32_MIN && flow <= INT32_MAX)) {
      throw new InputError([`${at}: flow ${m[6].length > 20 ? `${m[6].slice(0, 17)}...` : m[6]} is out of range (expected ${INT32_MIN} to ${INT32_MAX})`]);
    }
    trace.push(time, size, payload, dir, kind, flow);
  });
  return trace;
}

/** Prints a trace in canonical notation; throws a RangeError on a row the notation cannot hold exactly. */
export function printTrace(trace: Trace): string {
  const out: string[] = [];
  let previous = 0;
  for (let i = 0; i < trace.length; i++) {
    const kind = trace.kind[i];
    const t = trace.time[i];
    if (!Number.isSafeInteger(t) || t < 0 || t < previous) {
      throw new RangeError(`printTrace: row ${i} has time ${t}; expected whole microseconds, >= 0 and not before the previous row`);
    }
    previous = t;
    if (trace.dir[i] !== UP && trace.dir[i] !== DOWN) throw new RangeError(`printTrace: row ${i} has direction ${trace.dir[i]}`);
    if (kind !== REAL && kind !== PADDING && kind !== COVER) throw new RangeError(`printTrace: row ${i} has kind ${kind}`);
    if (trace.size[i] < 0 || trace.payload[i] < 0 || trace.payload[i] > trace.size[i] || (kind !== REAL && trace.payload[i] !== 0)) {
      throw new RangeError(`printTrace: row ${i} has size ${trace.size[i]} and payload ${trace.payload[i]} (${kind === REAL ? "real" : "padding or cover"}), which the notation cannot hold`);
    }
    let s = `${formatDuration(trace.time[i])} ${trace.dir[i] === UP ? "s" : "r"}${trace.size[i]}`;
    if (kind === REAL && trace.payload[i] !== trace.size[i]) s += `/${trace.payload[i]}`;
    if (kind === PADDING) s += "p";
    if (kind === COVER) s += "c";
    if (trace.flow[i] !== -1) s += `#${trace.flow[i]}`;
    out.push(s);
  }
  return out.join(", ");
}
