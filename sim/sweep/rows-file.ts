/**
 * An append-only, crash-safe JSON Lines file: the rows of a sweep shard.
 *
 * Each row is written with one `write` of the whole line (newline included) and then
 * `fsync`ed, so after a crash (even SIGKILL or power loss) the file holds whole rows
 * followed by at most one torn line: a prefix of the row being written. Opening the file
 * drops that torn tail (truncating the file to its last complete, parseable line), and
 * the point it belonged to is simply run again. A malformed line anywhere else is not a
 * crash artefact and is reported, never silently dropped.
 *
 * @example
 * const rows = openRowsFile("out/rows.jsonl");   // creates it if missing
 * rows.ids.has(point.id);                          // already done?
 * rows.append(line);                               // durable once this returns
 * rows.close();
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, truncateSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { readCapped } from "../core/json-input.ts";
import { InputError } from "../core/validation.ts";

/** A row id: a SHA-256 in hex (see `plan.ts`). Tests may use shorter word ids. */
const ROW_ID = /^[0-9A-Za-z_-]{1,64}$/;

/** Rows nest a few levels (row → metrics → entry → value); anything deeper is not a row. */
const MAX_ROW_DEPTH = 32;

/** True when brackets nest deeper than MAX_ROW_DEPTH (strings skipped). */
function tooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_ROW_DEPTH) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

export interface RowsFile {
  /** Ids of the complete rows present when the file was opened, plus those appended since. */
  readonly ids: Set<string>;
  /** Bytes of a torn last line that opening dropped (0 when the file was clean). */
  readonly droppedBytes: number;
  append(line: string): void;
  close(): void;
}

export interface ReadRows {
  /** Complete rows, parsed, in file order. */
  rows: { id: string; line: string }[];
  /** Byte length of the complete rows (where a torn tail starts). */
  goodBytes: number;
  /** Bytes after the last complete row. */
  tornBytes: number;
}

/** Largest rows file read, bytes (a million points of a large experiment fit well below it). */
export const MAX_ROWS_FILE_BYTES = 2 ** 31 - 1;

/** Longest row accepted, bytes. */
export const MAX_ROW_BYTES = 64 * 1024 * 1024;

/**
 * Reads a rows file: complete lines, plus how many bytes of torn tail follow them.
 * Throws an InputError on a malformed line that is not the last one, on a row without a
 * string id, or on a file that is not a regular file or is too large.
 */
export function readRows(path: string): ReadRows {
  return parseRows(readCapped(path, { maxBytes: MAX_ROWS_FILE_BYTES, label: "rows file" }), path);
}

/** `readRows` on bytes already read; `name` names the file in problem lines. */
export function parseRows(buf: Buffer, name: string): ReadRows {
  const path = name;
  const rows: { id: string; line: string }[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < buf.length) {
    const end = buf.indexOf(0x0a, start);
    lineNo++;
    const last = end === -1 || end === buf.length - 1;
    const stop = end === -1 ? buf.length : end;
    const text = stop - start <= MAX_ROW_BYTES ? buf.subarray(start, stop).toString("utf8") : "";
    let id: unknown;
    try {
      const row = text && !tooDeep(text) ? (JSON.parse(text) as unknown) : null;
      id = row !== null && typeof row === "object" && !Array.isArray(row) ? (row as { id?: unknown }).id : undefined;
    } catch {
      id = undefined;
    }
    if (end === -1 || typeof id !== "string" || !ROW_ID.test(id)) {
      if (last) return { rows, goodBytes: start, tornBytes: buf.length - start };
      throw new InputError([`${path}:${lineNo}: not a complete row (malformed JSON or no id) in the middle of the file; the file is damaged`]);
    }
    rows.push({ id, line: `${text}\n` });
    start = end + 1;
  }
  return { rows, goodBytes: start, tornBytes: 0 };
}

/** Opens (or creates) a rows file for appending, after dropping a torn last line. */
export function openRowsFile(path: string): RowsFile {
  mkdirSync(dirname(path), { recursive: true });
  let droppedBytes = 0;
  const ids = new Set<string>();
  const created = !existsSync(path);
  if (!created) {
    const r = readRows(path);
    for (const row of r.rows) {
      if (ids.has(row.id)) throw new InputError([`${path}: row ${row.id} appears twice; the file is damaged`]);
      ids.add(row.id);
    }
    if (r.tornBytes > 0) {
      truncateSync(path, r.goodBytes);
      droppedBytes = r.tornBytes;
    }
  }
  const fd = openSync(path, "a");
  fsyncSync(fd);
  if (created) syncDir(dirname(path));
  return {
    ids,
    droppedBytes,
    append(line: string) {
      if (!line.endsWith("\n") || line.indexOf("\n") !== line.length - 1) throw new Error("a row must be exactly one newline-terminated line");
      const data = Buffer.from(line, "utf8");
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
      fsyncSync(fd);
      const id = (JSON.parse(line) as { id: string }).id;
      ids.add(id);
    },
    close() {
      closeSync(fd);
    },
  };
}

/** fsyncs a directory so a newly created entry survives a crash (a no-op where unsupported). */
export function syncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the file's own fsync still holds.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
