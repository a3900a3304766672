import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeText, encodeText, exportText } from "../../../sim/cli/commands/machine.ts";
import { exportShaper } from "../../../shapers/maybenot/export.ts";
import { parseMachine } from "../../../shapers/maybenot/codec.ts";
import { InputError } from "../../../sim/core/validation.ts";
import { DATA } from "./helpers.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const NOOP = "02eNpjYEAHjOgCAAA0AAI=";

describe("chaff machine decode / encode", () => {
  it("decodes a string to canonical JSON and encodes it back to the same machine", () => {
    const json = decodeText(NOOP);
    expect(JSON.parse(json)).toMatchObject({ allowedPaddingPackets: "0", states: [{ action: null, transitions: {} }] });
    expect(parseMachine(encodeText(json).trim())).toEqual(parseMachine(NOOP));
  });

  it("reads files: DAITA's four machines decode to an array and encode to four lines", () => {
    const file = join(DATA, "daita-v2-machines.txt");
    const list = JSON.parse(decodeText(file)) as unknown[];
    expect(list).toHaveLength(4);
    const dir = mkdtempSync(join(tmpdir(), "chaff-machine-"));
    writeFileSync(join(dir, "m.json"), JSON.stringify(list));
    const lines = encodeText(join(dir, "m.json")).trim().split("\n");
    expect(lines).toHaveLength(4);
    const original = decodeText(file);
    writeFileSync(join(dir, "m.txt"), lines.join("\n"));
    expect(decodeText(join(dir, "m.txt"))).toBe(original);
  });

  it("bad input is an InputError naming the machine and the field", () => {
    expect(() => decodeText("02eNpjYEAHjOgCAAA0AAJ=")).toThrow(InputError);
    expect(() => decodeText("no-such-file")).toThrow(/neither inline input nor an existing file/);
    expect(() => encodeText('[{"states": []}]')).toThrow(/machine 0\.allowedPaddingPackets: missing|machine 0: unknown|missing/);
    expect(() => encodeText("{nope")).toThrow(InputError);
  });

  it("exports a chaff shaper to machine strings, refusing what has no machine equivalent", () => {
    const text = exportText("constant-rate", '{"intervalSeconds": 0.1}');
    expect(text.trim()).toBe(exportShaper("constant-rate", { intervalSeconds: 0.1 })[0]);
    expect(exportText("front", '{"maxPadding": 50, "windowMinSeconds": 2, "windowMaxSeconds": 2}').trim().split("\n")).toHaveLength(2);
    expect(() => exportText("jitter")).toThrow(InputError);
    expect(() => exportText("front", "{")).toThrow(/not valid JSON/);
  });

  it("runs from the command line, exit 2 on bad input", () => {
    const ok = spawnSync(process.execPath, [join(ROOT, "bin/chaff.js"), "machine", "decode", NOOP], { cwd: ROOT, encoding: "utf8" });
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).states).toHaveLength(1);
    const bad = spawnSync(process.execPath, [join(ROOT, "bin/chaff.js"), "machine", "decode", "03abcd"], { cwd: ROOT, encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/error: machine: version "03": expected "02"/);
  });
});
