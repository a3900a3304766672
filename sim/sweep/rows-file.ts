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
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";
import { dirname } from "node:path";

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

/**
 * Reads a rows file: complete lines, plus how many bytes of torn tail follow them.
 * Throws on a malformed line that is not the last one, or on a row without a string id.
 */
export function readRows(path: string): ReadRows {
  const buf = readFileSync(path);
  const rows: { id: string; line: string }[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < buf.length) {
    const end = buf.indexOf(0x0a, start);
    lineNo++;
    const last = end === -1 || end === buf.length - 1;
    const text = buf.subarray(start, end === -1 ? buf.length : end).toString("utf8");
    let id: unknown;
    try {
      id = (JSON.parse(text) as { id?: unknown }).id;
    } catch {
      id = undefined;
    }
    if (end === -1 || typeof id !== "string") {
      if (last) return { rows, goodBytes: start, tornBytes: buf.length - start };
      throw new Error(`${path}:${lineNo}: not a complete row (malformed JSON or no id) in the middle of the file; the file is damaged`);
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
      if (ids.has(row.id)) throw new Error(`${path}: row ${row.id} appears twice; the file is damaged`);
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
