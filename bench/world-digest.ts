/**
 * A fingerprint of what the engine and the world compute, for checking that a
 * refactoring of `sim/engine` or `sim/world/world.ts` changes nothing: for a fixed
 * experiment, every defense's world is built (`buildArm`) and run, and its packet and
 * event counts, per-user byte totals, side totals, per-message timings, timeline traces,
 * every packet each tap saw and every device's radio energy are hashed (SHA-256), one
 * hash per defense and one over all.
 *
 * Four fixed experiments: the built-in default (200 users, one hour, seven defenses),
 * every shaper of the library with its default parameters on both sides (plus two
 * budgeted defenses), once without and once with a VPN (all four vantages tapped), and a
 * day of 40 sleeping users (messages held overnight, wake-up pushes).
 *
 *   npx tsx bench/world-digest.ts [default|library|vpn|sleep ...] [--acks-off]   (default: all four)
 *
 * `--acks-off` runs them with `transport.acks.enabled: false` (no TCP ACKs on the wire),
 * which must reproduce the digests of the lab before ACKs were emitted.
 *
 * Not a benchmark (`npm run bench` runs only `*.bench.ts`): compare its output before
 * and after a change.
 */
import { createHash, type Hash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseExperiment } from "../sim/experiment/parse.ts";
import { buildArm } from "../sim/experiment/build-arm.ts";
import { loadShapers } from "../sim/experiment/registries.ts";
import { SECOND } from "../sim/core/time.ts";

function put(h: Hash, a: ArrayLike<number> & { buffer?: ArrayBufferLike }, n = a.length): void {
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) f[i] = a[i];
  h.update(new Uint8Array(f.buffer));
}

async function digest(raw: Record<string, unknown>): Promise<string> {
  const exp = await parseExperiment(raw);
  const all = createHash("sha256");
  const duration = exp.durationSeconds * SECOND;
  for (const defense of exp.defenses) {
    const h = createHash("sha256");
    const { world, observers, radio, population } = await buildArm(exp, defense, duration);
    // every packet each tap sees, in the order it sees them
    for (const o of observers) {
      const tap = o.observer.tap;
      const inner = tap.packet.bind(tap);
      const seen = createHash("sha256");
      let count = 0;
      const row = new Float64Array(4);
      tap.packet = (e, t, size, dir) => {
        row[0] = e;
        row[1] = t;
        row[2] = size;
        row[3] = dir;
        seen.update(new Uint8Array(row.buffer));
        count++;
        inner(e, t, size, dir);
      };
      (o as unknown as { seen: Hash; count: () => number }).seen = seen;
      (o as unknown as { count: () => number }).count = () => count;
    }
    const r = world.run();
    h.update(JSON.stringify({ packets: r.packets, events: r.events, device: r.device, server: r.server }));
    for (const a of [r.userWireBytes, r.userRealBytes, r.deviceWireBytes, r.deviceRealBytes, r.serverWireBytes, r.serverRealBytes]) put(h, a);
    const m = r.truth.messages;
    h.update(`messages ${m.length}`);
    for (const a of [m.from, m.to, m.type, m.bytes, m.created, m.atServer, m.delivered, m.added]) put(h, a, m.length);
    for (const [u, t] of [...r.traces].sort((a, b) => a[0] - b[0])) {
      h.update(`trace ${u} ${t.length}`);
      for (const a of [t.time, t.size, t.payload, t.dir, t.kind, t.flow]) put(h, a, t.length);
    }
    for (const o of observers) {
      const x = o as unknown as { seen: Hash; count: () => number };
      h.update(`tap ${o.index} ${o.vantage} ${x.count()} ${x.seen.digest("hex")}`);
    }
    if (radio) {
      radio.finish(duration);
      const e = new Float64Array(population.size);
      for (let d = 0; d < population.size; d++) e[d] = radio.energyJoules(d) + 1e6 * radio.wakeups(d);
      put(h, e);
    }
    const hex = h.digest("hex");
    all.update(hex);
    console.log(`  ${defense.name.padEnd(24)} ${String(r.packets).padStart(9)} packets  ${hex}`);
  }
  return all.digest("hex");
}

async function library(vpn: boolean): Promise<Record<string, unknown>> {
  const defenses: Record<string, unknown>[] = [];
  for (const def of (await loadShapers()).values()) {
    if (!def.schema.safeParse({}).success) continue;
    defenses.push({ name: def.name, device: { shaper: def.name }, server: { shaper: def.name } });
  }
  const tamaraw = { shaper: "tamaraw", budget: { maxAddedDelaySeconds: 0.05, maxPaddingFraction: 0.5 } };
  const cover = { shaper: "poisson-cover", budget: { maxPaddingRate: 3, maxPaddingFraction: 0.3 } };
  defenses.push({ name: "budgeted-tamaraw", device: tamaraw, server: tamaraw });
  defenses.push({ name: "budgeted-cover", device: cover, server: cover });
  const observers = [
    { observer: "volume-correlation", vantage: "isp" },
    { observer: "size-content", vantage: "local" },
    { observer: "volume-correlation", vantage: "server" },
    ...(vpn ? [{ observer: "volume-correlation", vantage: "vpn-exit" }] : []),
  ];
  return {
    name: vpn ? "digest-vpn" : "digest-library",
    purpose: "engine fingerprint",
    seed: 3,
    durationSeconds: 900,
    population: { users: 80 },
    conversations: [{ model: "messaging" }, { model: "group" }, { model: "voice-call" }, { model: "background" }],
    ...(vpn ? { transport: { mtu: 1600, vpn: { tunnelMtu: 1500 } } } : {}),
    defenses,
    observers,
    traceUsers: [0, 1, 5],
  };
}

/** A day of 40 users who sleep at night: what waits at the server overnight and the pushes that wake them. */
function sleepDay(): Record<string, unknown> {
  return {
    name: "digest-sleep",
    purpose: "engine fingerprint",
    seed: 5,
    durationSeconds: 86_400,
    population: { users: 40, sleep: {} },
    conversations: [{ model: "messaging" }, { model: "group" }, { model: "background" }],
    defenses: [{ name: "none" }, { name: "poisson-cover", device: { shaper: "poisson-cover" }, server: { shaper: "poisson-cover" } }],
    observers: [{ observer: "volume-correlation", vantage: "isp" }],
    traceUsers: [0],
  };
}

const acksOff = process.argv.includes("--acks-off");
const which = process.argv.slice(2).filter((a) => a !== "--acks-off");
/** The experiment with ACKs switched off when `--acks-off` is given. */
function withAcks(raw: Record<string, unknown>): Record<string, unknown> {
  if (!acksOff) return raw;
  const transport = (raw.transport ?? {}) as Record<string, unknown>;
  return { ...raw, transport: { ...transport, acks: { enabled: false } } };
}
const want = (k: string) => which.length === 0 || which.includes(k);
const total = createHash("sha256");
if (want("default")) {
  const raw = JSON.parse(readFileSync(new URL("../sim/experiment/builtin/default.json", import.meta.url), "utf8"));
  delete raw.$schema;
  console.log("default");
  const d = await digest(withAcks(raw));
  console.log(`default: ${d}`);
  total.update(d);
}
for (const vpn of [false, true]) {
  const k = vpn ? "vpn" : "library";
  if (!want(k)) continue;
  console.log(k);
  const d = await digest(withAcks(await library(vpn)));
  console.log(`${k}: ${d}`);
  total.update(d);
}
if (want("sleep")) {
  console.log("sleep");
  const d = await digest(withAcks(sleepDay()));
  console.log(`sleep: ${d}`);
  total.update(d);
}
console.log(`all: ${total.digest("hex")}`);
