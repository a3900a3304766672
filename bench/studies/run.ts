/**
 * `npm run study -- <name> [--out FILE]`: the full-scale versions of the slow tests'
 * physics checks. A slow test checks its property at the smallest scale where it still
 * holds with its interval, so the suite stays quick; the study measures the same property
 * at the scale the experiment file states (a simulated week, 200 users, ...) and writes
 * its figures as one JSON object (default results/studies/<name>.json) for the README to
 * quote. Studies take CPU minutes to an hour; they are never part of `npm test` or CI.
 *
 *   npm run study                  list the studies
 *   npm run study -- long-term     run one and write results/studies/long-term.json
 *
 * Each study is a module of this folder exporting `study: Study`; the figures carry the
 * date, the machine's load and the CPU seconds the study took, so a figure is never
 * quoted without where it came from.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, resolve } from "node:path";
import type { Study } from "./study.ts";

const STUDIES: Record<string, () => Promise<{ study: Study }>> = {
  "long-term": () => import("./long-term.ts"),
  "adaptive-activity": () => import("./adaptive-activity.ts"),
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outAt = args.indexOf("--out");
  const out = outAt >= 0 ? args[outAt + 1] : undefined;
  const names = args.filter((a, i) => !a.startsWith("--") && !(outAt >= 0 && i === outAt + 1));
  if (names.length === 0) {
    for (const [name, load] of Object.entries(STUDIES)) console.log(`${name}: ${(await load()).study.description}`);
    return;
  }
  if (names.length > 1 && out) throw new Error("--out names one file: give one study with it");
  for (const name of names) {
    const load = STUDIES[name];
    if (!load) {
      console.error(`error: no study named ${JSON.stringify(name)}; expected one of ${Object.keys(STUDIES).join(", ")}`);
      process.exit(2);
    }
    const { study } = await load();
    const start = process.cpuUsage();
    const loadStart = loadavg()[0];
    const figures = await study.run((line) => console.error(line));
    const cpu = process.cpuUsage(start);
    const record = {
      study: name,
      description: study.description,
      test: study.test,
      date: new Date().toISOString(),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
      loadAverageStart: loadStart,
      loadAverageEnd: loadavg()[0],
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      figures,
    };
    const file = resolve(out ?? `results/studies/${name}.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(record, null, 2) + "\n");
    console.log(file);
  }
}

await main();
