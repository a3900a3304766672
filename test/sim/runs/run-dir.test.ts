/**
 * Run directories as hostile input (issue 16, cases 4 and 9) and provenance that cannot
 * lie (issue 10, item 9).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prettyJson, sha256 } from "../../../sim/core/canonical-json.ts";
import { InputError } from "../../../sim/core/validation.ts";
import { reproduceRun, sourceNotes } from "../../../sim/runs/reproduce.ts";
import {
  outDirProblem,
  outputNameProblem,
  provenance,
  readManifest,
  readOutput,
  REPO_ROOT,
  removeDebris,
  sourceFiles,
  writeRun,
} from "../../../sim/runs/run-dir.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const CHAFF = join(ROOT, "bin/chaff.js");
const tmp = mkdtempSync(join(tmpdir(), "chaff-run-dir-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const EXP = { name: "tiny", seed: 3, defenses: [{ name: "pad", device: { shaper: "padme" }, server: { shaper: "none" } }], observers: [{ observer: "size-histogram" }] };

function problems(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).problems;
  }
  throw new Error("expected an InputError");
}

function run(id: string, files: Record<string, string> = { "metrics.json": "{}\n", "figures/a.svg": "<svg/>" }): string {
  return writeRun(tmp, id, EXP, files);
}

function editManifest(dir: string, edit: (m: Record<string, any>) => void): void {
  const p = join(dir, "manifest.json");
  const m = JSON.parse(readFileSync(p, "utf8"));
  edit(m);
  writeFileSync(p, JSON.stringify(m, null, 2));
}

describe("manifests that point outside their directory (case 4)", () => {
  it("accepts only plain relative output names", () => {
    for (const ok of ["metrics.json", "figures/roc.svg", "a_b-c+d.txt"]) expect(outputNameProblem(ok), ok).toBeNull();
    for (const bad of ["../../etc/passwd", "/dev/zero", "/etc/passwd", "a/../b", "./a", "a//b", "a\\b", "", "..", "a\u0000b", "a b", "x".repeat(256)]) {
      expect(outputNameProblem(bad), bad).not.toBeNull();
    }
  });

  it("refuses a manifest whose outputs name ../../etc/passwd or /dev/zero, one line per name, reading neither", async () => {
    const dir = run("traversal");
    editManifest(dir, (m) => {
      m.outputs["../../etc/passwd"] = "0".repeat(64);
      m.outputs["/dev/zero"] = "1".repeat(64);
    });
    const lines = problems(() => readManifest(dir));
    expect(lines).toEqual([
      expect.stringMatching(/manifest\.json: outputs\.\.\.\/\.\.\/etc\/passwd = "0{20,}.*: output name "\.\.\/\.\.\/etc\/passwd": expected a plain name inside the run directory/),
      expect.stringMatching(/manifest\.json: outputs\.\/dev\/zero = "1{20,}.*: output name "\/dev\/zero": expected a relative name inside the run directory, not an absolute path/),
    ]);
    await expect(reproduceRun(dir)).rejects.toThrow(InputError);
    const cli = spawnSync(process.execPath, [CHAFF, "reproduce", dir], { cwd: ROOT, encoding: "utf8" });
    expect(cli.status).toBe(2);
    expect(cli.stdout + cli.stderr).not.toMatch(/root:/);
    expect(cli.stderr).not.toMatch(/^\s+at /m);
    expect(cli.stderr.trim().split("\n").every((l) => l.startsWith("error: "))).toBe(true);
  });

  it("reads outputs through the directory only: a link leading outside, a device and an oversized file are refused", () => {
    const dir = run("links");
    symlinkSync("/etc/passwd", join(dir, "leak.txt"));
    symlinkSync("/dev/zero", join(dir, "zero.bin"));
    expect(problems(() => readOutput(dir, "leak.txt"))).toEqual([expect.stringMatching(/^output leak\.txt: a link leading outside the run directory \(to \/etc\/passwd\); refused$/)]);
    expect(problems(() => readOutput(dir, "zero.bin"))[0]).toMatch(/outside the run directory|not a regular file/);
    expect(problems(() => readOutput(dir, "../x"))[0]).toMatch(/expected a plain name/);
    expect(problems(() => readOutput(dir, "metrics.json", 1))[0]).toMatch(/larger than the 1 bytes accepted/);
    expect(readOutput(dir, "metrics.json")?.toString()).toBe("{}\n");
    expect(readOutput(dir, "missing.json")).toBeNull();
  });

  it("refuses a manifest without its integrity fields, and a malformed one, without a stack trace", () => {
    for (const field of ["outputs", "experiment", "experimentHash"]) {
      const dir = run(`no-${field}`);
      editManifest(dir, (m) => delete m[field]);
      expect(problems(() => readManifest(dir))).toEqual([expect.stringMatching(new RegExp(`manifest\\.json: ${field} = missing: `))]);
      const cli = spawnSync(process.execPath, [CHAFF, "report", dir], { cwd: ROOT, encoding: "utf8" });
      expect(cli.status, field).toBe(2);
      expect(cli.stderr.trim().split("\n")).toEqual([expect.stringMatching(new RegExp(`^error: .*manifest\\.json: ${field} = missing: `))]);
    }
    const bad = run("garbage");
    writeFileSync(join(bad, "manifest.json"), '{"chaff": "1", "outputs": [1, 2');
    const cli = spawnSync(process.execPath, [CHAFF, "report", bad], { cwd: ROOT, encoding: "utf8" });
    expect(cli.status).toBe(2);
    expect(cli.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^error: manifest .*manifest\.json: not valid JSON/)]);
    const deep = run("deep");
    writeFileSync(join(deep, "manifest.json"), `{"experiment":${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
    expect(problems(() => readManifest(deep))).toEqual([expect.stringMatching(/nesting deeper than 64 levels at experiment\[0\]/)]);
  });
});

describe("debris of a killed writer (case 9)", () => {
  it("the next run removes the temporary directory a SIGKILLed writer left, and nothing of live writers", async () => {
    const out = join(tmp, "debris");
    mkdirSync(out, { recursive: true });
    // A writer that made its temporary run directory (named as writeRun names it) and was killed.
    const script = `const fs=require("fs"),os=require("os"),p=require("path");const d=p.join(${JSON.stringify(out)},".x-s1-abc.tmp-"+process.pid+"@"+os.hostname());fs.mkdirSync(d);fs.writeFileSync(p.join(d,"metrics.json"),"{\\"partial");process.stdout.write("ready\\n");setInterval(()=>{},1000);`;
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "ignore"] });
    await new Promise<void>((ok) => child.stdout.once("data", () => ok()));
    const exited = new Promise((ok) => child.on("exit", ok));
    child.kill("SIGKILL");
    await exited;
    const debris = readdirSync(out).filter((n) => n.includes(".tmp-"));
    expect(debris).toEqual([`.x-s1-abc.tmp-${child.pid}@${hostname()}`]);
    // A live writer's directory (this process) and another host's are left alone.
    mkdirSync(join(out, `.y.tmp-${process.pid}@${hostname()}`));
    mkdirSync(join(out, `.z.tmp-${child.pid}@some-other-host`));
    writeRun(out, "next-s1-0123456789", EXP, { "metrics.json": "{}\n" });
    expect(readdirSync(out).sort()).toEqual([`.y.tmp-${process.pid}@${hostname()}`, `.z.tmp-${child.pid}@some-other-host`, "next-s1-0123456789"].sort());
    expect(removeDebris(out)).toEqual([]);
  });
});

describe("--out is checked before the run", () => {
  it("refuses a file, /proc/self and a path under a file; accepts a directory to be made", () => {
    const file = join(tmp, "a-file");
    writeFileSync(file, "x");
    expect(outDirProblem(file)).toBe(`--out ${JSON.stringify(file)}: is a file, not a directory`);
    expect(outDirProblem(join(file, "sub"))).toMatch(/is a file, so no directory can be made inside it/);
    expect(outDirProblem("/proc/self")).toMatch(/is inside \/proc, a kernel pseudo-filesystem/);
    expect(outDirProblem(join(tmp, "new", "deeper"))).toBeNull();
    expect(existsSync(join(tmp, "new"))).toBe(false);
  });
});

describe("provenance that cannot lie (issue 10, item 9)", () => {
  it("hashes the engine folders and the sources of every shaper and observer the run used, with their imports", () => {
    const files = sourceFiles(EXP);
    expect(files).toEqual(expect.arrayContaining(["sim/core/trace.ts", "sim/engine/egress.ts", "sim/world/world.ts", "sim/world/conversations/messaging.ts", "sim/experiment/run.ts"]));
    expect(files).toEqual(expect.arrayContaining(["shapers/padme.ts", "shapers/record-padder.ts", "shapers/none.ts", "observers/size-histogram.ts"]));
    expect(files).not.toContain("shapers/tamaraw.ts");
    const dir = run("provenance");
    const m = readManifest(dir);
    expect(Object.keys(m.code.sources ?? {})).toEqual(files);
    expect(m.code.sources?.["shapers/padme.ts"]).toBe(sha256(readFileSync(join(REPO_ROOT, "shapers/padme.ts"))));
  });

  it("counts an untracked source file as dirty, names it, and reproduce names each changed source", () => {
    const probe = "sim/core/provenance-probe.test-tmp.json";
    writeFileSync(join(REPO_ROOT, probe), "{}\n");
    let dir: string;
    try {
      const p = provenance(EXP);
      expect(p.sources?.[probe]).toBe(sha256("{}\n"));
      expect(p.dirty).toBe(true);
      expect(p.changed).toContain(`${probe} (untracked)`);
      dir = run("untracked");
      expect(readManifest(dir).code.changed).toContain(`${probe} (untracked)`);
    } finally {
      rmSync(join(REPO_ROOT, probe), { force: true });
    }
    editManifest(dir, (m) => (m.code.sources["shapers/padme.ts"] = "0".repeat(64)));
    const notes = sourceNotes(readManifest(dir));
    expect(notes).toContain(`the recording ran ${probe}, untracked at the time`);
    expect(notes).toContain(`source ${probe} was used by the recording but is gone now`);
    expect(notes).toContainEqual(expect.stringMatching(/^source shapers\/padme\.ts changed since the recording \(sha256 000000000000 then, [0-9a-f]{12} now\)$/));
    editManifest(dir, (m) => delete m.code.sources["shapers/none.ts"]);
    expect(sourceNotes(readManifest(dir))).toContain("source shapers/none.ts is new since the recording (not in its manifest)");
  });

  it("keeps prettyJson manifests readable by the schema", () => {
    const dir = run("roundtrip");
    writeFileSync(join(dir, "manifest.json"), prettyJson(readManifest(dir)));
    expect(readManifest(dir).id).toBe("roundtrip");
  });
});

describe("timings in the manifest (issue 18 item 4)", () => {
  it("are recorded beside the outputs, not as one, and checked like the rest of the manifest", () => {
    const timings = { wallSeconds: 3.5, cpuSeconds: 6.25, workers: 2, phases: { simulate: { wallSeconds: 5, cpuSeconds: 4.5, spans: 2 }, figures: { wallSeconds: 0.5, cpuSeconds: 0.5, spans: 1 } } };
    const dir = writeRun(tmp, "timed", EXP, { "metrics.json": "{}\n" }, undefined, timings);
    const m = readManifest(dir);
    expect(m.timings).toEqual(timings);
    expect(Object.keys(m.outputs)).toEqual(["metrics.json"]);
    editManifest(dir, (x) => {
      x.timings.wallSeconds = -1;
      x.timings.phases.teleport = { wallSeconds: 1, cpuSeconds: 1, spans: 1 };
    });
    const p = problems(() => readManifest(dir));
    expect(p).toHaveLength(2);
    expect(p.join("\n")).toMatch(/timings\.wallSeconds = -1/);
    expect(p.join("\n")).toMatch(/teleport/);
  });
});
