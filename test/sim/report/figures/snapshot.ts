/**
 * SVG snapshot testing in the manner of Observable Plot's own tests: the SVG is
 * normalised (numbers rounded to 3 decimals, ids renumbered in document order,
 * pretty-printed one element per line) and compared with the committed file
 * `test/output/figures/<name>.svg`.
 *
 * - A missing snapshot fails, unless UPDATE_SNAPSHOTS=1 is set, which writes it.
 * - A mismatch writes `<name>-changed.svg` next to it (git-ignored) for review and fails;
 *   with UPDATE_SNAPSHOTS=1 it overwrites the snapshot instead.
 * - In CI (`CI` set) snapshots are never written.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const SNAPSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "output", "figures");

/** Rounds decimals to 3 places, renumbers ids and pretty-prints. */
export function normalizeSvg(svg: string): string {
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) if (!ids.has(m[1])) ids.set(m[1], `id${ids.size}`);
  let s = svg.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (all, head: string, id: string) => (ids.has(id) ? `${head}${ids.get(id)}` : all));
  s = s.replace(/-?\d+\.\d{4,}/g, (m) => {
    const r = Number(Number(m).toFixed(3));
    return String(Object.is(r, -0) ? 0 : r);
  });
  return prettyXml(s);
}

/** One tag per line, indented by depth; an element holding only text stays on one line. */
export function prettyXml(xml: string): string {
  const tokens = xml.match(/<[^>]+>|[^<]+/g) ?? [];
  const lines: string[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t.startsWith("<")) {
      if (t.trim()) lines.push(`${"  ".repeat(depth)}${t.trim()}`);
      continue;
    }
    if (t.startsWith("</")) {
      depth = Math.max(0, depth - 1);
      lines.push(`${"  ".repeat(depth)}${t}`);
      continue;
    }
    const selfClosing = t.endsWith("/>") || /^<(meta|br|img|link|input)\b/i.test(t);
    const text = tokens[i + 1];
    const close = tokens[i + 2];
    if (!selfClosing && text !== undefined && !text.startsWith("<") && close?.startsWith("</")) {
      lines.push(`${"  ".repeat(depth)}${t}${text}${close}`);
      i += 2;
      continue;
    }
    lines.push(`${"  ".repeat(depth)}${t}`);
    if (!selfClosing) depth++;
  }
  return `${lines.join("\n")}\n`;
}

/** Compares `svg` with the committed snapshot `<name>.svg`; throws on a mismatch. */
export function expectSvgSnapshot(name: string, svg: string): void {
  const update = process.env.UPDATE_SNAPSHOTS === "1" && !process.env.CI;
  const file = join(SNAPSHOT_DIR, `${name}.svg`);
  const changed = join(SNAPSHOT_DIR, `${name}-changed.svg`);
  const actual = normalizeSvg(svg);
  mkdirSync(SNAPSHOT_DIR, { recursive: true });
  if (!existsSync(file)) {
    if (update) {
      writeFileSync(file, actual);
      return;
    }
    writeFileSync(changed, actual);
    throw new Error(`no snapshot ${file}; review ${changed} and run with UPDATE_SNAPSHOTS=1 to accept it`);
  }
  const expected = readFileSync(file, "utf8");
  if (expected === actual) {
    rmSync(changed, { force: true });
    return;
  }
  if (update) {
    writeFileSync(file, actual);
    rmSync(changed, { force: true });
    return;
  }
  writeFileSync(changed, actual);
  const a = expected.split("\n");
  const b = actual.split("\n");
  let line = 0;
  while (line < Math.min(a.length, b.length) && a[line] === b[line]) line++;
  throw new Error(
    `${name}.svg differs from its snapshot at line ${line + 1}:\n  expected: ${a[line] ?? "(end)"}\n  actual:   ${b[line] ?? "(end)"}\n` +
      `wrote ${changed}; if the change is intended, run with UPDATE_SNAPSHOTS=1`,
  );
}
