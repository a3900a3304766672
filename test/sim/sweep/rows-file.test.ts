import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openRowsFile, readRows } from "../../../sim/sweep/rows-file.ts";

const row = (id: string, x = 1) => `${JSON.stringify({ id, x })}\n`;

describe("rows file", () => {
  it("appends whole lines and remembers their ids across openings", () => {
    const p = join(mkdtempSync(join(tmpdir(), "chaff-rows-")), "sub", "rows.jsonl");
    const a = openRowsFile(p);
    expect(a.ids.size).toBe(0);
    a.append(row("a"));
    a.append(row("b"));
    a.close();
    const b = openRowsFile(p);
    expect([...b.ids]).toEqual(["a", "b"]);
    expect(b.droppedBytes).toBe(0);
    expect(() => b.append('{"id":"c"}')).toThrow(/newline-terminated/);
    expect(() => b.append('{"id":"c"}\n{"id":"d"}\n')).toThrow(/exactly one/);
    b.close();
  });

  it("drops a torn last line (a prefix of a row, or a whole line that does not parse) and nothing else", () => {
    const dir = mkdtempSync(join(tmpdir(), "chaff-rows-"));
    const p = join(dir, "rows.jsonl");
    writeFileSync(p, row("a") + row("b"));
    const full = readFileSync(p);
    const torn = row("c").slice(0, 7);
    appendFileSync(p, torn);
    const r = openRowsFile(p);
    expect(r.droppedBytes).toBe(torn.length);
    expect([...r.ids]).toEqual(["a", "b"]);
    expect(readFileSync(p).equals(full)).toBe(true);
    r.append(row("c"));
    r.close();
    expect(readRows(p).rows.map((x) => x.id)).toEqual(["a", "b", "c"]);

    appendFileSync(p, "{garbage\n");
    const s = openRowsFile(p);
    expect(s.droppedBytes).toBe("{garbage\n".length);
    expect(s.ids.size).toBe(3);
    s.close();
  });

  it("refuses a file damaged in the middle, or holding one id twice", () => {
    const dir = mkdtempSync(join(tmpdir(), "chaff-rows-"));
    const p = join(dir, "rows.jsonl");
    writeFileSync(p, row("a") + "{oops\n" + row("b"));
    expect(() => openRowsFile(p)).toThrow(/rows\.jsonl:2: not a complete row/);
    writeFileSync(p, row("a") + row("a", 2));
    expect(() => openRowsFile(p)).toThrow(/row a appears twice/);
  });
});
