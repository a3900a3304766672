/**
 * `chaff import`, `export` and `model-check`. Each command line behaviour (a file and a
 * summary written, bad input as one `error:` line and exit 2, the note on stderr, exit 1
 * from `--max-d`) runs once in a child process; the other cases call the same command
 * functions in this process, with standard output and error captured (a child process
 * costs about 0.7 CPU-s of start-up; six were checking what an in-process call checks).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { InputError } from "../../../sim/core/validation.ts";
import { printTrace } from "../../../sim/core/trace-notation.ts";
import { readChaffTrace } from "../../../sim/capture/formats/chaff-jsonl.ts";
import { TRACE_FORMATS } from "../../../sim/capture/formats/index.ts";
import { shapedLoopback } from "./shaped.ts";
import { printChaffTrace } from "../../../sim/capture/formats/chaff-jsonl.ts";
import { exportCommand } from "../../../sim/cli/commands/export.ts";
import { importCommand } from "../../../sim/cli/commands/import.ts";
import { modelCheckCommand } from "../../../sim/cli/commands/model-check.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const FIXTURES = join(import.meta.dirname, "fixtures");

function chaff(args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, "bin/chaff.js"), ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "1" } });
}

/** What a command function writes to standard output and error while it runs in this process. */
async function captured(run: () => unknown): Promise<{ stdout: string; stderr: string }> {
  const out = { stdout: "", stderr: "" };
  const grab = (key: "stdout" | "stderr") =>
    vi.spyOn(process[key], "write").mockImplementation((chunk: string | Uint8Array) => {
      out[key] += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      return true;
    });
  const spies = [grab("stdout"), grab("stderr")];
  try {
    await run();
  } finally {
    for (const s of spies) s.mockRestore();
  }
  return out;
}

describe("chaff import / export / model-check", () => {
  it("imports a capture to a trace file, with a summary of flows and skips on stderr", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "chaff-import-"));
    const out = join(dir, "lo.jsonl");
    const r = chaff(["import", join(FIXTURES, "lo.dumpcap.pcapng"), "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/pcapng → 32 packets/);
    expect(r.stderr).toMatch(/flow 1: tcp \[::1\]:\d+ → \[::1\]:47002 \(client by syn\)/);
    const f = readChaffTrace(readFileSync(out, "utf8"));
    expect(f.trace.length).toBe(32);
    expect(f.meta.flows).toHaveLength(3);
    // without --out the trace goes to standard output (in this process: the same command function)
    const piped = await captured(() => importCommand(join(FIXTURES, "lo.tcpdump.pcap"), { quiet: true }));
    expect(piped.stderr).toBe("");
    expect(printTrace(readChaffTrace(piped.stdout).trace)).toBe(printTrace(f.trace));
    const byClient = await captured(() => importCommand(join(FIXTURES, "lo.tcpdump.pcap"), { client: ["::1"], quiet: true }));
    expect(readChaffTrace(byClient.stdout).meta.flows).toHaveLength(1);
  });

  it("bad input: one line naming the problem, exit 2, nothing written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chaff-bad-"));
    const bad = join(dir, "cut.pcapng");
    writeFileSync(bad, readFileSync(join(FIXTURES, "lo.dumpcap.pcapng")).subarray(0, 1000));
    const out = join(dir, "never.jsonl");
    const r = chaff(["import", bad, "--out", out]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: cut\.pcapng: at byte \d+: expected a block of \d+ bytes/);
    expect(existsSync(out)).toBe(false);
    // More bad input, in this process: an InputError is what the command line turns into
    // one `error:` line and exit 2, as the child process above shows.
    expect(() => importCommand(join(FIXTURES, "lo.tcpdump.pcap"), { client: ["nope"] })).toThrow(InputError);
    expect(() => importCommand(join(FIXTURES, "lo.tcpdump.pcap"), { client: ["nope"] })).toThrow(/expected --client to be an IPv4 or IPv6 address, found "nope"/);
    expect(() => exportCommand(join(FIXTURES, "lo.tcpdump.pcap"), { to: "pcapx" })).toThrow(InputError);
    expect(() => exportCommand(join(FIXTURES, "lo.tcpdump.pcap"), { to: "pcapx" })).toThrow(/--to = "pcapx": expected one of /);
    expect(() => exportCommand(join(FIXTURES, "lo.tcpdump.pcap"), {})).toThrow(/--to: missing/);
    expect(() => importCommand(join(FIXTURES, "lo.tcpdump.pcap"), { spbTime: "later" })).toThrow(/--spb-time = "later": expected error or previous/);
    await expect(modelCheckCommand(join(FIXTURES, "lo.tcpdump.pcap"), join(FIXTURES, "nope.pcap"), {})).rejects.toThrow(/nope\.pcap: no such file or directory/);
  }, 120_000);

  it("exports a shaped trace to every format and imports each back to the same trace (less what the format cannot carry)", () => {
    const dir = mkdtempSync(join(tmpdir(), "chaff-export-"));
    const shaped = shapedLoopback();
    const src = join(dir, "shaped.jsonl");
    writeFileSync(src, printChaffTrace(shaped));
    for (const format of TRACE_FORMATS) {
      const file = join(dir, `shaped.${format.name}`);
      exportCommand(src, { to: format.name, out: file, quiet: true });
      const back = join(dir, `back.${format.name}.jsonl`);
      importCommand(file, { from: format.name, out: back, quiet: true });
      expect({ format: format.name, trace: printTrace(readChaffTrace(readFileSync(back, "utf8")).trace) }).toEqual({ format: format.name, trace: printTrace(format.project(shaped)) });
    }
    // and once through the command line, with the note on what Maybenot drops
    const e = chaff(["export", src, "--to", "maybenot", "--out", join(dir, "cli.log")]);
    expect(e.status, e.stderr).toBe(0);
    expect(e.stderr).toMatch(/^note: maybenot cannot carry payload bytes/);
    expect(readFileSync(join(dir, "cli.log"), "utf8")).toBe(readFileSync(join(dir, "shaped.maybenot"), "utf8"));
  }, 120_000);

  it("splits a capture into one WF file per flow, each starting at 0 with --rebase", () => {
    const dir = mkdtempSync(join(tmpdir(), "chaff-split-"));
    exportCommand(join(FIXTURES, "any.tcpdump.pcap"), { to: "wf-cell", split: dir, rebase: true, quiet: true });
    expect(readdirSync(dir).sort()).toEqual(["0.cell", "1.cell", "2.cell"]);
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), "utf8").startsWith("0.000000\t1\n")).toBe(true);
  });

  it("model-check compares a run's timeline with a capture: table, JSON and QQ figure, and --max-d as a gate", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "chaff-mc-"));
    const run = join(dir, "run");
    mkdirSync(run);
    // a run directory's timeline.json, as chaff run writes it (times in seconds)
    const arm = (defense: string, baseline: boolean, scale: number) => ({
      defense,
      baseline,
      packets: 40,
      truncated: false,
      t: Array.from({ length: 40 }, (_, i) => i * 0.01 * scale),
      size: Array.from({ length: 40 }, (_, i) => 52 + (i % 5) * 300),
      payload: Array.from({ length: 40 }, (_, i) => (i % 5) * 300),
      dir: Array.from({ length: 40 }, (_, i) => i % 2),
      kind: Array.from({ length: 40 }, () => 0),
    });
    writeFileSync(join(run, "timeline.json"), JSON.stringify({ kind: "chaff-timeline", version: 1, durationSeconds: 1, users: [{ user: 3, arms: [arm("padme", false, 2), arm("none", true, 1)] }] }));
    const out = join(dir, "mc");
    // in this process: a failed check would set process.exitCode (exit 1), as the gate below does in a child process
    const exitCode = process.exitCode;
    const r = await captured(() => modelCheckCommand(run, join(FIXTURES, "lo.dumpcap.pcapng"), { out }));
    expect(process.exitCode, r.stderr).toBe(exitCode);
    expect(r.stdout).toMatch(/model: run user 3 none \(40 packets\)/);
    expect(r.stdout).toMatch(/size \(B\)\s+up\s+20\s+18/);
    expect(r.stdout).toMatch(/KS D/);
    const json = JSON.parse(readFileSync(join(out, "model-check.json"), "utf8"));
    expect(json.rows).toHaveLength(4);
    expect(json.rows[0].qq).toHaveLength(99);
    expect(readFileSync(join(out, "qq.svg"), "utf8")).toMatch(/^<svg/);
    const gate = chaff(["model-check", run, join(FIXTURES, "lo.dumpcap.pcapng"), "--max-d", "0.01"]);
    expect(gate.status).toBe(1);
    expect(gate.stderr).toMatch(/model check failed: size up D = /);
    const self = await captured(() => modelCheckCommand(join(FIXTURES, "lo.tcpdump.pcap"), join(FIXTURES, "lo.dumpcap.pcapng"), { maxD: "0", json: true }));
    expect(process.exitCode, self.stderr).toBe(exitCode);
    expect(JSON.parse(self.stdout).rows.every((row: { ks: { d: number } }) => row.ks.d === 0)).toBe(true);
    await expect(modelCheckCommand(run, join(FIXTURES, "lo.dumpcap.pcapng"), { user: "4" })).rejects.toThrow(/--user = 4: not traced in this run \(expected one of 3/);
  });
});
