#!/usr/bin/env node
// The `chaff` command: registers tsx so Node 20 can load the TypeScript sources, then
// hands over to the CLI. Works as `npx chaff …` from the repository root.
import { register } from "tsx/esm/api";

register();
await import("../sim/cli/index.ts");
