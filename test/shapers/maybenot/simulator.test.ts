/**
 * Conformance: maybenot-simulator's deterministic test vectors (tests/simulator.rs: 40
 * input/expected pairs; tests/network.rs: 14 pairs plus three structural tests) run in
 * chaff's Maybenot-compatible simulator (shapers/maybenot/simulator.ts). Every machine
 * in them uses constant distributions and probability-1 transitions, so the outcome
 * does not depend on the random source. The expected string is compared as a prefix,
 * as the reference's `run_test_sim` does.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { machineFromJson } from "../../../shapers/maybenot/json.ts";
import { parseMachine, serializeMachine } from "../../../shapers/maybenot/codec.ts";
import { TunnelRecv, TunnelSent } from "../../../shapers/maybenot/event.ts";
import { formatTrace, parseTrace, queueFromNotation, simulate, type SimulatorArgs } from "../../../shapers/maybenot/simulator.ts";
import { VECTORS, testRng } from "./helpers.ts";

interface Vector {
  name: string;
  input: string;
  expected: string;
  delayMicros: number;
  clientMachines: unknown[];
  serverMachines: unknown[];
  view: "client" | "server";
  maxTraceLength: number;
  onlyPackets: boolean;
  asMs: boolean;
}

function load(file: string): { vectors: Vector[]; ratio3Machine?: unknown } {
  return JSON.parse(readFileSync(join(VECTORS, file), "utf8"));
}

function args(delay: number, maxTraceLength: number, onlyNetworkActivity: boolean): SimulatorArgs {
  return { network: { delay }, maxTraceLength, onlyNetworkActivity, clientRng: testRng(1), serverRng: testRng(2) };
}

function runVector(v: Vector): string {
  const delay = v.delayMicros * 1000;
  // machines go through the string codec too: what runs is what a client would parse
  const machines = (list: unknown[]) => list.map((m) => parseMachine(serializeMachine(machineFromJson(m))));
  const trace = simulate(machines(v.clientMachines), machines(v.serverMachines), queueFromNotation(v.input, delay, v.asMs), {
    ...args(delay, v.maxTraceLength, v.onlyPackets),
    continueAfterAllNormalPacketsProcessed: true,
  });
  const got = formatTrace(trace, v.view === "client", v.asMs);
  return got.length > v.expected.length ? got.slice(0, v.expected.length) : got;
}

for (const file of ["simulator.json", "network.json"]) {
  const { vectors } = load(file);
  describe(`maybenot simulator vectors: ${file}`, () => {
    it("has the reference's count", () => {
      expect(vectors.length).toBe(file === "simulator.json" ? 40 : 14);
    });
    it.each(vectors.map((v) => [v.name, v] as const))("%s", (_name, v) => {
      expect(runVector(v)).toBe(v.expected);
    });
  });
}

describe("maybenot simulator: network.rs structural tests", () => {
  const MS = 1_000_000;

  it("excessive delay: 10 ms gives client events; 10 s gives none within 10,000 events and all 21,574 within 100,000", () => {
    const text = readFileSync(join(VECTORS, "EARLY_TEST_TRACE.log"), "utf8");
    const client = (delay: number, max: number) =>
      simulate([], [], parseTrace(text, { delay }), args(delay, max, true)).filter((e) => e.client).length;
    expect(client(10 * MS, 10_000)).toBeGreaterThan(0);
    expect(client(10_000 * MS, 10_000)).toBe(0);
    expect(client(10_000 * MS, 100_000)).toBe(21_574);
  });

  it("bottleneck: at 3 pps the 4th to 6th packets reach the server 1/3 s apart", () => {
    const network = { delay: 3 * MS, pps: 3 };
    const trace = simulate([], [], parseTrace("0,sn\n0,sn\n0,sn\n0,sn\n0,sn\n0,sn\n", network), { ...args(3 * MS, 20, true), network });
    const client = trace.filter((e) => e.client);
    const server = trace.filter((e) => !e.client);
    expect(client).toHaveLength(6);
    expect(client[0].time).toBe(client[5].time);
    expect(server).toHaveLength(6);
    expect(server[0].time).toBe(server[2].time);
    for (let i = 3; i < 6; i++) expect(server[i].time - server[i - 1].time).toBe(333_333_333);
  });

  it("ratio3 constant-rate machine on BE000 (50 ms): the reference's event sequence", () => {
    const text = readFileSync(join(VECTORS, "BE000.log"), "utf8");
    const ratio3 = machineFromJson(load("network.json").ratio3Machine);
    const delay = 50 * MS;
    const trace = simulate([ratio3], [], parseTrace(text, { delay }), args(delay, 10_000, true));
    const c = trace.filter((e) => e.client);
    expect(c).toHaveLength(40);
    const recv = (i: number) => expect(c[i].event, `event ${i}`).toBe(TunnelRecv);
    const sentReal = (i: number) => {
      expect(c[i].event, `event ${i}`).toBe(TunnelSent);
      expect(c[i].containsPadding, `event ${i} padding`).toBe(false);
    };
    [0, 1, 2, 3].forEach(recv);
    sentReal(4);
    for (let i = 5; i < 12; i++) recv(i);
    sentReal(12);
    for (let i = 13; i < 16; i++) recv(i);
    expect(c[16].event).toBe(TunnelSent);
    recv(17);
    recv(18);
    recv(19);
    sentReal(20);
    recv(21);
    recv(22);
    for (let i = 23; i < 26; i++) recv(i);
    sentReal(26);
    for (let i = 27; i < 31; i++) recv(i);
    sentReal(31);
    for (let i = 32; i < 35; i++) recv(i);
  });
});
