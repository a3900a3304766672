import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { forbiddenKeyPaths, parseJsonText, readCapped, readJsonFile } from "../../../sim/core/json-input.ts";
import { InputError } from "../../../sim/core/validation.ts";

/** Bytes the reader under test pulled through readSync: "without reading it" is checked on this count, not on a clock. */
const reads = vi.hoisted(() => ({ bytes: 0 }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const readSync = ((...args: Parameters<typeof fs.readSync>) => {
    const n = (fs.readSync as (...a: Parameters<typeof fs.readSync>) => number)(...args);
    reads.bytes += n;
    return n;
  }) as typeof fs.readSync;
  return { ...fs, default: { ...fs, readSync }, readSync };
});

const tmp = mkdtempSync(join(tmpdir(), "chaff-json-input-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The problems of the InputError `f` throws (`errorClass`: the class of a freshly imported copy of the module). */
function problems(f: () => unknown, errorClass: typeof InputError = InputError): string[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(errorClass);
    return (e as InputError).problems;
  }
  throw new Error("expected an InputError");
}

describe("JSON input files", () => {
  it("reads a regular JSON file", () => {
    const p = join(tmp, "ok.json");
    writeFileSync(p, '{"a":[1,{"b":2}]}');
    expect(readJsonFile(p)).toEqual({ a: [1, { b: 2 }] });
  });

  it("refuses a file above the size cap with one line, without reading it (a sparse 300 MB file)", async () => {
    // A fresh copy of the reader, so it reads through the counting readSync even when an
    // earlier test file in this process loaded it before the mock (fast tests share modules).
    vi.resetModules();
    const fresh = await import("../../../sim/core/json-input.ts");
    const { InputError: FreshInputError } = await import("../../../sim/core/validation.ts");
    // The count is live: a file under the cap is read through it, byte for byte.
    const ok = join(tmp, "counted.json");
    writeFileSync(ok, "[1,2,3]");
    reads.bytes = 0;
    expect(fresh.readJsonFile(ok)).toEqual([1, 2, 3]);
    expect(reads.bytes).toBe(7);
    const p = join(tmp, "big.json");
    writeFileSync(p, "");
    truncateSync(p, 300 * 1024 * 1024);
    reads.bytes = 0;
    expect(problems(() => fresh.readJsonFile(p, { label: "experiment file" }), FreshInputError)).toEqual([`experiment file ${p}: 300 MiB, larger than the 16 MiB accepted`]);
    expect(reads.bytes).toBe(0);
    const q = join(tmp, "small-cap.json");
    writeFileSync(q, "[1,2,3]");
    expect(problems(() => readJsonFile(q, { maxBytes: 4 }))).toEqual([`file ${q}: 7 bytes, larger than the 4 bytes accepted`]);
  });

  it("refuses devices, directories, FIFOs and missing files with one line each, never reading without bound or blocking", () => {
    expect(problems(() => readJsonFile("/dev/zero", { label: "experiment file" }))).toEqual(["experiment file /dev/zero: not a regular file (a device, pipe or socket); expected a file"]);
    expect(problems(() => readJsonFile("/proc/self"))).toEqual(["file /proc/self: is a directory (expected a file)"]);
    expect(problems(() => readJsonFile(join(tmp, "nope.json")))).toEqual([`file ${join(tmp, "nope.json")}: does not exist`]);
    const fifo = join(tmp, "fifo");
    if (spawnSync("mkfifo", [fifo]).status === 0) {
      expect(problems(() => readCapped(fifo))[0]).toMatch(/not a regular file/);
    }
    // A /proc file reports size 0 but has content: the read is still capped.
    expect(problems(() => readCapped("/proc/self/status", { maxBytes: 16 }))[0]).toMatch(/larger than the 16 bytes accepted/);
  });

  it("refuses nesting beyond the depth cap with one line naming where, before parsing (issue 16, case 7)", () => {
    expect(problems(() => parseJsonText('{"a":[[[1]]]}', { maxDepth: 3, label: "x" }))).toEqual(["x: nesting deeper than 3 levels at a[0][0] (expected at most 3)"]);
    const deep = `{"notes":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
    const lines = problems(() => parseJsonText(deep, { label: "experiment file e.json" }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^experiment file e\.json: nesting deeper than 64 levels at notes\[0\]\[0\]/);
    // Brackets inside strings do not count.
    expect(parseJsonText(`{"s":"${"[".repeat(100)}"}`)).toEqual({ s: "[".repeat(100) });
  });

  it("refuses __proto__, constructor and prototype keys by name, with their paths (issue 16, case 5)", () => {
    const text = '{"defenses":[{"device":{"params":{"__proto__":{"polluted":1}}}}],"x":{"constructor":{"prototype":{}}}}';
    expect(problems(() => parseJsonText(text, { label: "experiment file e.json" }))).toEqual([
      'experiment file e.json: defenses[0].device.params.__proto__: the key "__proto__" is not allowed (it would reach Object.prototype)',
      'experiment file e.json: x.constructor: the key "constructor" is not allowed (it would reach Object.prototype)',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(forbiddenKeyPaths({ a: [{ b: 1 }] })).toEqual([]);
  });

  it("says what is wrong with malformed JSON without quoting the file's content", () => {
    const p = join(tmp, "passwd.json");
    writeFileSync(p, "root:x:0:0:root:/root:/bin/bash\n");
    const [line] = problems(() => readJsonFile(p));
    expect(line).toMatch(/^file .*passwd\.json: not valid JSON \(Unexpected token 'r'\)$/);
    expect(line).not.toContain("root:x");
    const bin = join(tmp, "bin.json");
    writeFileSync(bin, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(problems(() => readJsonFile(bin))[0]).toMatch(/not UTF-8 text/);
  });
});
