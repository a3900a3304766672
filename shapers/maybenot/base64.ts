/**
 * Standard base64 (RFC 4648 §4, alphabet `A–Z a–z 0–9 + /`, `=` padding) as the
 * `base64` crate's STANDARD engine reads it for Maybenot machine strings
 * (maybenot-io/maybenot `crates/maybenot/src/machine.rs`): canonical padding required,
 * no whitespace, no URL-safe characters, and the unused bits of the last character
 * must be zero. Own code so `shapers/` needs no `node:buffer` (browser-safe).
 */
import { MachineError } from "./error.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

function sextet(s: string, i: number): number {
  const c = s.charCodeAt(i);
  const v = c < 128 ? DECODE[c] : -1;
  if (v < 0) throw new MachineError(`base64: character ${JSON.stringify(s[i])} at ${i}: expected A-Z, a-z, 0-9, + or /`);
  return v;
}

export function base64Decode(s: string): Uint8Array {
  if (s.length % 4 !== 0) throw new MachineError(`base64: length ${s.length}: expected a multiple of 4 (padded with =)`);
  let pad = 0;
  if (s.endsWith("==")) pad = 2;
  else if (s.endsWith("=")) pad = 1;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const last = i + 4 === s.length;
    const a = sextet(s, i);
    const b = sextet(s, i + 1);
    if (last && pad === 2) {
      if ((b & 0x0f) !== 0) throw new MachineError(`base64: non-zero trailing bits at ${i + 1}`);
      out[o++] = (a << 2) | (b >> 4);
      break;
    }
    const c = sextet(s, i + 2);
    if (last && pad === 1) {
      if ((c & 0x03) !== 0) throw new MachineError(`base64: non-zero trailing bits at ${i + 2}`);
      out[o++] = (a << 2) | (b >> 4);
      out[o++] = ((b & 0x0f) << 4) | (c >> 2);
      break;
    }
    const d = sextet(s, i + 3);
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 0x0f) << 4) | (c >> 2);
    out[o++] = ((c & 0x03) << 6) | d;
  }
  return out;
}

export function base64Encode(bytes: Uint8Array): string {
  let s = "";
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    s += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    s += `${ALPHABET[n >> 18]}${ALPHABET[(n >> 12) & 63]}==`;
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    s += `${ALPHABET[n >> 18]}${ALPHABET[(n >> 12) & 63]}${ALPHABET[(n >> 6) & 63]}=`;
  }
  return s;
}
