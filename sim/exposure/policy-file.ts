/**
 * A policy file: one network policy as `chaff exposure` runs it. It names the policy,
 * says in one line what it is for, and holds the policy itself (sim/world/policy.ts:
 * DNS, SNI, addressing, VPN, proxy), the VPN tunnel's framing when the policy uses a VPN
 * (`vpn`, as `transport.vpn`: WireGuard-like, optional pad-to-MTU) and optionally a
 * shaper pair (`shaper`: a device side and a server side, as in a defense). The shaper is
 * run as a second arm beside an unshaped one over the same people, so what it buys is a
 * paired difference (policy-experiment.ts).
 *
 * Bad input is one line per problem naming the field, the value and what was expected
 * (`InputError`), with the file's own paths (`shaper.device.shaper`, not the
 * experiment's `defenses[1]…`).
 *
 * @example
 * const p = await parsePolicyFile({ name: "vpn", purpose: "…", policy: { vpn: { mode: "always-on" }, dns: { mode: "doh", resolver: "vpn" } } });
 * p.vpn // => { padToMtu: false, tunnelMtu: 1420 } (filled in: the policy uses a VPN)
 */
import { z } from "zod";
import { InputError, issueLines, unknownName } from "../core/validation.ts";
import { getShaper, loadShapers, validateShaperParams } from "../experiment/registries.ts";
import { policySchema, type Policy } from "../world/policy.ts";
import { transportSchema } from "../world/transport.ts";

const sideSchema = z
  .object({
    shaper: z.string().min(1).describe("shaper name (chaff shapers lists them)"),
    params: z.record(z.string(), z.unknown()).default({}).describe("the shaper's parameters; see `chaff shapers`"),
  })
  .strict();

const vpnSchema = transportSchema.shape.vpn.unwrap();

export const policyFileSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).max(48).regex(/^[a-z0-9][a-z0-9-]*$/, "expected lower-case letters, digits and '-'").describe("the policy's name (the run is called exposure-<name>)"),
    purpose: z.string().min(1).max(400).describe("one line: what this policy is and what it is meant to hide"),
    policy: policySchema.describe("DNS, SNI, addressing, VPN and proxy (sim/world/policy.ts)"),
    vpn: vpnSchema.optional().describe("the tunnel's framing (transport.vpn); filled with its defaults when the policy's vpn.mode is not off"),
    shaper: z
      .object({ device: sideSchema.describe("the shaper on each device's uplink"), server: sideSchema.describe("the shaper on the server (or VPN) side of each link") })
      .strict()
      .optional()
      .describe("a shaper pair, run as a second arm beside the unshaped one"),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.policy.vpn.mode === "off" && f.vpn !== undefined) ctx.addIssue({ code: "custom", path: ["vpn"], message: "expected no tunnel settings when policy.vpn.mode is \"off\"" });
    if (f.policy.vpn.mode === "off" && f.policy.dns.resolver === "vpn") ctx.addIssue({ code: "custom", path: ["policy", "dns", "resolver"], message: "expected isp or public: the vpn resolver needs policy.vpn.mode on or always-on" });
    if (new Set(f.policy.proxy.separate).size !== f.policy.proxy.separate.length) ctx.addIssue({ code: "custom", path: ["policy", "proxy", "separate"], message: "expected each traffic class at most once" });
  });

export interface PolicyFile {
  name: string;
  purpose: string;
  policy: Policy;
  /** The tunnel's framing; present exactly when policy.vpn.mode is not off. */
  vpn?: z.infer<typeof vpnSchema>;
  shaper?: { device: { shaper: string; params: Record<string, unknown> }; server: { shaper: string; params: Record<string, unknown> } };
}

/**
 * Validates a raw policy file: the shape, then the shapers' names and parameters against
 * their own schemas. Throws an InputError, one line per problem, each starting with
 * `label` and the field's path.
 */
export async function parsePolicyFile(raw: unknown, label = "policy file: "): Promise<PolicyFile> {
  const r = policyFileSchema.safeParse(raw);
  if (!r.success) throw new InputError(issueLines(r.error.issues, raw).map((l) => `${label}${l}`));
  const f = r.data;
  const problems: string[] = [];
  let shaper: PolicyFile["shaper"];
  if (f.shaper) {
    const names = [...(await loadShapers()).keys()].sort();
    for (const side of ["device", "server"] as const) {
      const s = f.shaper[side];
      if (!names.includes(s.shaper)) {
        problems.push(`${label}${unknownName("shaper", `shaper.${side}.shaper`, s.shaper, names)}`);
        continue;
      }
      try {
        validateShaperParams(await getShaper(s.shaper), s.params);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        problems.push(...e.problems.map((p) => `${label}shaper.${side}: ${p}`));
      }
    }
    shaper = { device: { shaper: f.shaper.device.shaper, params: f.shaper.device.params }, server: { shaper: f.shaper.server.shaper, params: f.shaper.server.params } };
  }
  if (problems.length > 0) throw new InputError(problems);
  const out: PolicyFile = { name: f.name, purpose: f.purpose, policy: f.policy };
  if (f.policy.vpn.mode !== "off") out.vpn = f.vpn ?? vpnSchema.parse({});
  if (shaper) out.shaper = shaper;
  return out;
}
