/**
 * Import rules of chaff, checked by `test/architecture/imports.test.ts` (dependency-cruiser).
 *
 * The pipeline reads left to right; a folder may import the folders to its left:
 *
 *   shapers/ ─┐
 *   sim/core ─┼─ sim/engine ── sim/world ── sim/experiment ── sim/sweep ── sim/cli
 *   observers/┘                 sim/capture ─┘        sim/runs ── sim/report ─┘
 *
 * - shapers/ is the shaping core that ships to devices: it imports its own files, its
 *   npm dependencies, and only the pure core types sim/core/time.ts and sim/core/kinds.ts;
 *   never a node:* module.
 * - observers/ import their own files and sim/core/ only: labels, rows and worker pools
 *   reach them through their contract, not from the world or the lab.
 * - sim/core/ imports nothing of the lab.
 * - No module imports another that (transitively) imports it back.
 */
const LAB = "^sim/(engine|world|capture|experiment|sweep|runs|report|cli|parallel)/";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "a cycle makes load order matter and hides which concept depends on which",
      from: {},
      to: { circular: true },
    },
    {
      name: "shapers-stay-portable",
      severity: "error",
      comment: "the shaping core ships alone: no node:* module",
      from: { path: "^shapers/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "shapers-import-only-core-types",
      severity: "error",
      comment: "the shaping core may use the lab's time and packet-kind types, nothing else of sim/",
      from: { path: "^shapers/" },
      to: { path: "^(sim|observers)/", pathNot: "^sim/core/(time|kinds)\\.ts$" },
    },
    {
      name: "observers-see-only-their-contract",
      severity: "error",
      comment: "observers get labels, rows and pools through their contract, not from the lab",
      from: { path: "^observers/" },
      to: { path: `${LAB}|^shapers/` },
    },
    {
      name: "core-is-pure",
      severity: "error",
      comment: "sim/core/ is the vocabulary every stage shares; it depends on no stage",
      from: { path: "^sim/core/" },
      to: { path: `${LAB}|^shapers/|^observers/` },
    },
    {
      name: "engine-below-world",
      severity: "error",
      from: { path: "^sim/engine/" },
      to: { path: "^sim/(world|capture|experiment|sweep|runs|report|cli|parallel)/|^observers/" },
    },
    {
      name: "world-below-experiment",
      severity: "error",
      from: { path: "^sim/(world|capture)/" },
      to: { path: "^sim/(experiment|sweep|runs|report|cli|parallel)/" },
    },
    {
      name: "experiment-below-sweep-and-cli",
      severity: "error",
      from: { path: "^sim/experiment/" },
      to: { path: "^sim/(sweep|report|cli)/", pathNot: "^sim/sweep/param-path\\.ts$" },
    },
    {
      name: "reports-below-cli",
      severity: "error",
      from: { path: "^sim/(runs|report)/" },
      to: { path: "^sim/cli/" },
    },
    {
      name: "no-test-code-in-the-product",
      severity: "error",
      from: { path: "^(sim|shapers|observers|bin)/" },
      to: { path: "^(test|bench)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".mjs", ".js"] },
  },
};
