/**
 * Fuzzes the pcap and pcapng readers and the capture import with fast-check: random
 * bytes, random bytes behind a valid file header, and valid files (chaff's writers in
 * every variant, the hand-built and the real-tool fixtures) mutated by byte flips,
 * interesting 32-bit values at random offsets, cuts, insertions, deletions and
 * duplicated slices. Every case must either read or throw the readers' own
 * `CaptureError`; anything else (RangeError, TypeError, a hang) is a failure, printed
 * with the shrunk input in hex.
 *
 *   npx tsx bench/fuzz/capture.ts [--cases N] [--seed S]     (default 100000 cases)
 *
 * Exits 1 on a failure. `test/sim/capture/fuzz.test.ts` runs a smaller count in npm test.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import fc from "fast-check";
import { CaptureError } from "../../sim/capture/capture-error.ts";
import { openCapture } from "../../sim/capture/capture-file.ts";
import { encodeIp, fragmentIp, TCP_SYN } from "../../sim/capture/ip.ts";
import { frameFor, LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_NULL, LINKTYPE_RAW } from "../../sim/capture/link-layer.ts";
import { writePcap, type PacketToWrite } from "../../sim/capture/pcap.ts";
import { writePcapng } from "../../sim/capture/pcapng.ts";
import { importCapture } from "../../sim/capture/to-trace.ts";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../../test/sim/capture/fixtures");

function packetsFor(linkType: number): PacketToWrite[] {
  const ips = [
    encodeIp({ src: "10.0.0.1", dst: "10.0.0.2", protocol: "tcp", srcPort: 40000, dstPort: 443, payload: 0, tcpFlags: TCP_SYN, tcpOptions: 8 }),
    encodeIp({ src: "10.0.0.2", dst: "10.0.0.1", protocol: "tcp", srcPort: 443, dstPort: 40000, payload: 90, ipOptions: 4 }),
    encodeIp({ src: "2001:db8::1", dst: "2001:db8::2", protocol: "udp", srcPort: 5000, dstPort: 3478, payload: 30, extensionHeaders: [0, 60] }),
    ...fragmentIp(encodeIp({ src: "10.0.0.1", dst: "10.0.0.3", protocol: "udp", srcPort: 1, dstPort: 2, payload: 100 }), 48, 7),
    ...fragmentIp(encodeIp({ src: "::1", dst: "::2", protocol: "tcp", srcPort: 1, dstPort: 2, payload: 60 }), 40, 9),
  ];
  return ips.map((ip, i) => ({ seconds: 1_700_000_000 + i, nanos: i * 123_457, data: frameFor(linkType, ip, { vlan: i === 1 ? [5] : undefined }) }));
}

/** Valid files to mutate: every writer variant, plus the committed fixtures. */
export function corpus(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const linkType of [LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW, LINKTYPE_NULL]) {
    const p = packetsFor(linkType);
    out.push(writePcap(p, { linkType }), writePcap(p, { linkType, bigEndian: true, nanos: true }), writePcap(p, { linkType, snaplen: 40 }));
    const epb = p.map((x) => ({ type: "epb" as const, iface: 0, seconds: x.seconds, nanos: x.nanos, data: x.data }));
    out.push(
      writePcapng([{ blocks: [{ type: "idb", linkType, tsresol: 9, tsoffset: 10 }, ...epb] }]),
      writePcapng([
        { bigEndian: true, blocks: [{ type: "idb", linkType, snaplen: 48 }, { type: "spb", data: p[0].data }, ...epb.slice(1, 3)] },
        { blocks: [{ type: "idb", linkType, tsresol: 0x80 | 20 }, { type: "raw", blockType: 5, body: new Uint8Array(16) }, ...epb.slice(3)] },
      ]),
    );
  }
  try {
    for (const f of readdirSync(FIXTURES)) if (/\.pcap(ng)?$/.test(f)) out.push(new Uint8Array(readFileSync(join(FIXTURES, f))));
  } catch {
    // fixtures absent: the generated corpus still runs
  }
  return out;
}

const INTERESTING = [0, 1, 4, 8, 11, 12, 16, 28, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff, 0x0a0d0d0a, 0x1a2b3c4d, 0x4d3c2b1a, 262_145];

type Mutation =
  | { op: "flip"; at: number; value: number }
  | { op: "u32"; at: number; value: number; le: boolean }
  | { op: "cut"; at: number }
  | { op: "insert"; at: number; bytes: Uint8Array }
  | { op: "delete"; at: number; n: number }
  | { op: "dup"; at: number; n: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("flip" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("u32" as const), at: fc.nat(), value: fc.constantFrom(...INTERESTING), le: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("cut" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("delete" as const), at: fc.nat(), n: fc.integer({ min: 1, max: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("dup" as const), at: fc.nat(), n: fc.integer({ min: 1, max: 64 }) }) },
);

function apply(file: Uint8Array, ms: Mutation[]): Uint8Array {
  let b: Uint8Array = file.slice();
  for (const m of ms) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    switch (m.op) {
      case "flip":
        b[at] = m.value;
        break;
      case "u32":
        if (at + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(at, m.value >>> 0, m.le);
        break;
      case "cut":
        b = b.slice(0, at);
        break;
      case "insert":
        b = concat(b.subarray(0, at), m.bytes, b.subarray(at));
        break;
      case "delete":
        b = concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + m.n)));
        break;
      case "dup":
        b = concat(b.subarray(0, at), b.subarray(at, at + m.n), b.subarray(at));
        break;
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const PCAP_HEADER = writePcap([], { linkType: LINKTYPE_ETHERNET });
const PCAPNG_HEADER = writePcapng([{ blocks: [{ type: "idb", linkType: LINKTYPE_RAW }] }]);

export function inputs(files: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(PCAP_HEADER, PCAPNG_HEADER), fc.uint8Array({ maxLength: 512 })).map(([h, t]) => concat(h, t)) },
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...files), fc.array(mutation, { minLength: 1, maxLength: 6 })).map(([f, ms]) => apply(f, ms)) },
  );
}

export interface FuzzResult {
  cases: number;
  /** Cases read to the end without an error. */
  read: number;
  /** Cases that threw a CaptureError. */
  cleanErrors: number;
  /** The slowest single case, ms. */
  slowestMs: number;
  /** The first unexpected exception, shrunk, or null. */
  failure: string | null;
}

/** Runs `cases` fuzz cases; never throws, returns what happened. */
export function fuzzCaptureReaders(cases: number, seed = 1): FuzzResult {
  const files = corpus();
  let read = 0;
  let cleanErrors = 0;
  let slowestMs = 0;
  let n = 0;
  const details = fc.check(
    fc.property(inputs(files), fc.constantFrom("error" as const, "previous" as const), fc.constantFrom("error" as const, "skip" as const), (bytes, spbTime, malformed) => {
      n++;
      const start = performance.now();
      try {
        const file = openCapture(bytes, "fuzz");
        for (const _ of file.packets());
        importCapture(bytes, { source: "fuzz", spbTime, malformed });
        read++;
      } catch (e) {
        if (!(e instanceof CaptureError)) throw e;
        cleanErrors++;
      } finally {
        slowestMs = Math.max(slowestMs, performance.now() - start);
      }
    }),
    { numRuns: cases, seed, endOnFailure: true },
  );
  let failure: string | null = null;
  if (details.failed) {
    const [bytes] = (details.counterexample ?? [new Uint8Array(0)]) as [Uint8Array];
    const err = details.errorInstance as Error | undefined;
    failure = `${err?.stack ?? String(details.errorInstance)}\ninput (${bytes.length} bytes): ${Buffer.from(bytes).toString("hex")}`;
  }
  return { cases: n, read, cleanErrors, slowestMs, failure };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string, def: number) => {
    const i = process.argv.indexOf(name);
    if (i < 0) return def;
    const v = Number(process.argv[i + 1]);
    if (!Number.isSafeInteger(v) || v < 1) {
      process.stderr.write(`error: ${name} = ${JSON.stringify(process.argv[i + 1])}: expected a positive integer\n`);
      process.exit(2);
    }
    return v;
  };
  const cases = arg("--cases", 100_000);
  const seed = arg("--seed", 1);
  const t0 = performance.now();
  const r = fuzzCaptureReaders(cases, seed);
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  process.stdout.write(
    `capture fuzz: ${r.cases} cases (seed ${seed}) in ${s} s: ${r.read} read, ${r.cleanErrors} clean CaptureErrors, slowest case ${r.slowestMs.toFixed(1)} ms\n`,
  );
  if (r.failure) {
    process.stdout.write(`FAILED: an exception other than CaptureError:\n${r.failure}\n`);
    process.exit(1);
  }
}
