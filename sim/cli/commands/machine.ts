/**
 * `chaff machine decode <string|file>`, `chaff machine encode <json|file>` and
 * `chaff machine export <shaper> [params]`: Maybenot
 * v2 machine strings (maybenot-io/maybenot `crates/maybenot/src/machine.rs`) to chaff's
 * canonical JSON (shapers/maybenot/json.ts) and back.
 *
 * decode: the argument is a machine string ("02…") or a file of them, one per line
 * (`#` comments and blank lines skipped, as DAITA's machine files); prints one JSON
 * object for one machine, a JSON array for several. encode: the argument is JSON text
 * or a file holding one machine object or an array of them; prints one machine string
 * per line. Bad input: one line naming the machine, the field and what was expected,
 * exit code 2.
 *
 * export: a chaff shaper that fits the machine model (constant-rate, poisson-cover,
 * front; shapers/maybenot/export.ts) and its parameters as JSON, to the machine
 * strings that do the same on a device running Maybenot, one per line.
 *
 * @example
 * chaff machine decode 02eNpjYEAHjOgCAAA0AAI=   # the no-op machine as JSON
 * chaff machine decode machines.txt | chaff machine encode /dev/stdin
 * chaff machine export constant-rate '{"intervalSeconds": 0.1}'
 */
import { existsSync, readFileSync } from "node:fs";
import type { Command } from "commander";
import { MachineError, parseMachine, serializeMachine } from "../../../shapers/maybenot/codec.ts";
import { exportShaper } from "../../../shapers/maybenot/export.ts";
import { machineFromJson, machineToJson } from "../../../shapers/maybenot/json.ts";
import { InputError } from "../../core/validation.ts";

function readArg(arg: string, looksInline: (s: string) => boolean): { text: string; from: string } {
  const trimmed = arg.trim();
  if (looksInline(trimmed)) return { text: trimmed, from: "argument" };
  if (!existsSync(arg)) throw new InputError([`${JSON.stringify(arg)}: neither inline input nor an existing file`]);
  return { text: readFileSync(arg, "utf8"), from: arg };
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith("#"));
}

function asInput<T>(from: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof MachineError) throw new InputError([from === "argument" ? e.message : `${from}: ${e.message}`]);
    throw e;
  }
}

/** The canonical JSON text of the machines in a string or file. */
export function decodeText(arg: string): string {
  const { text, from } = readArg(arg, (s) => /^\d\d[A-Za-z0-9+/=]*$/.test(s));
  const list = lines(text);
  if (list.length === 0) throw new InputError([`${from}: no machine strings found`]);
  const machines = asInput(from, () => list.map((s, i) => machineToJson(parseMachine(s, list.length > 1 ? `machine ${i}` : "machine"))));
  return `${JSON.stringify(machines.length === 1 ? machines[0] : machines, null, 2)}\n`;
}

/** Machine strings, one per line, for the JSON in a string or file. */
export function encodeText(arg: string): string {
  const { text, from } = readArg(arg, (s) => s.startsWith("{") || s.startsWith("["));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError([`${from}: not valid JSON (${(e as Error).message})`]);
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new InputError([`${from}: an empty list, expected a machine object or a list of them`]);
  const strings = asInput(from, () => list.map((m, i) => serializeMachine(machineFromJson(m, Array.isArray(value) ? `machine ${i}` : "machine"))));
  return `${strings.join("\n")}\n`;
}

/** Machine strings, one per line, for a chaff shaper and its parameters (JSON text, default `{}`). */
export function exportText(shaper: string, params = "{}"): string {
  let value: unknown;
  try {
    value = JSON.parse(params);
  } catch (e) {
    throw new InputError([`parameters ${JSON.stringify(params)}: not valid JSON (${(e as Error).message})`]);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new InputError([`parameters ${params}: expected a JSON object`]);
  return `${asInput("argument", () => exportShaper(shaper, value as Record<string, unknown>)).join("\n")}\n`;
}

export function register(program: Command): void {
  const machine = program.command("machine").description("Maybenot machine strings: decode to canonical JSON, encode from it");
  machine
    .command("decode")
    .argument("<string|file>", "a v2 machine string (02…) or a file with one per line")
    .description("print a machine string as canonical JSON (u64 fields as decimal strings)")
    .action((arg: string) => {
      process.stdout.write(decodeText(arg));
    });
  machine
    .command("encode")
    .argument("<json|file>", "a machine as canonical JSON (object, or array of them), inline or in a file")
    .description("print the v2 machine string of each machine, one per line")
    .action((arg: string) => {
      process.stdout.write(encodeText(arg));
    });
  machine
    .command("export")
    .argument("<shaper>", "constant-rate, poisson-cover or front")
    .argument("[params]", "the shaper's parameters as JSON", "{}")
    .description("print the machine strings that do what a chaff shaper does (one per line)")
    .action((shaper: string, params: string) => {
      process.stdout.write(exportText(shaper, params));
    });
}
