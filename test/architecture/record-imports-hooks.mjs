// Module-loader hooks for record-imports.mjs (they run on Node's loader thread): every
// module the ESM loader loads — TypeScript sources, ES modules and the entry files of
// CommonJS packages imported from them — is appended, as its URL, to the file named in
// the registration data, one per line.
import { appendFileSync } from "node:fs";

let log = "";

export function initialize(data) {
  log = data.log;
}

export async function load(url, context, nextLoad) {
  appendFileSync(log, `${url}\n`);
  return nextLoad(url, context);
}
