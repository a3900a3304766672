import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatPath, getPath, parsePath, pathProblem, pathSyntaxProblem, setPath, tryParsePath } from "../../../sim/sweep/param-path.ts";
import { applyParams } from "../../../sim/sweep/plan.ts";
import { InputError } from "../../../sim/core/validation.ts";

describe("parameter paths", () => {
  it("parses keys and indices and prints them back", () => {
    expect(parsePath("defenses[1].device.params.coverRate")).toEqual(["defenses", 1, "device", "params", "coverRate"]);
    expect(formatPath(["defenses", 1, "device", "params", "coverRate"])).toBe("defenses[1].device.params.coverRate");
  });

  it("round-trips any well-formed path", () => {
    const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,6}$/);
    const step = fc.oneof(key, fc.nat({ max: 999 }));
    fc.assert(
      fc.property(key, fc.array(step, { maxLength: 6 }), (first, rest) => {
        const keys = [first, ...rest];
        expect(parsePath(formatPath(keys))).toEqual(keys);
      }),
    );
  });

  it("rejects what is not a path", () => {
    for (const bad of ["", "[0]", "a..b", "a.", "a[01]", "a[-1]", "a b", "1a", "a[x]", ".a"]) expect(tryParsePath(bad), bad).toBeNull();
    expect(() => parsePath("a..b")).toThrow(/not a parameter path/);
  });

  it("sets a copy and leaves the input unchanged", () => {
    const root = { a: [{ b: 1 }, { b: 2 }] };
    const out = setPath(root, parsePath("a[1].b"), 5);
    expect(out).toEqual({ a: [{ b: 1 }, { b: 5 }] });
    expect(root.a[1].b).toBe(2);
    expect(getPath(out, ["a", 1, "b"])).toBe(5);
    expect(getPath(out, ["a", "x"])).toBeUndefined();
  });

  it("allows a new last key but never creates containers, and says why", () => {
    const root = { a: [{ b: 1 }], c: 3 };
    expect(pathProblem(root, parsePath("a[0].z"))).toBeNull();
    expect(pathProblem(root, parsePath("a[3].b"))).toMatch(/a has 1 entries, so it has no \[3\]/);
    expect(pathProblem(root, parsePath("c.d"))).toMatch(/c is not an object/);
    expect(pathProblem(root, parsePath("x.y"))).toMatch(/x is not an object/);
    expect(pathProblem(root, parsePath("a.b"))).toMatch(/a is not an object/);
    expect(() => setPath(root, parsePath("a[3].b"), 1)).toThrow(/cannot set a\[3\]\.b/);
  });

  it("refuses __proto__, constructor and prototype by name, and never touches Object.prototype (issue 16, case 5)", () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const toString = Object.prototype.toString;
    for (const key of ["__proto__", "constructor", "prototype"]) {
      for (const path of [`${key}.polluted`, `defenses[0].${key}.toString`, `a.${key}`, key]) {
        expect(tryParsePath(path), path).toBeNull();
        expect(pathSyntaxProblem(path)).toBe(`the key "${key}" is not allowed in a parameter path (it would reach Object.prototype)`);
        expect(() => parsePath(path)).toThrow(InputError);
        expect(() => parsePath(path)).toThrow(new RegExp(`the key "${key}" is not allowed`));
        expect(() => applyParams({ defenses: [{}], a: {} }, { [path]: "pwned" })).toThrow(InputError);
      }
      // Followed from keys given directly (not parsed), the same refusal.
      expect(pathProblem({ a: {} }, ["a", key, "x"])).toMatch(new RegExp(`"${key}" is not allowed`));
      expect(() => setPath({ a: {} }, [key, "polluted"], 1)).toThrow(/not allowed/);
      expect(getPath({}, [key])).toBeUndefined();
    }
    expect(pathSyntaxProblem("defenses[1].device.params.coverRate")).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.toString).toBe(toString);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });

  it("follows own properties only", () => {
    expect(getPath({}, ["toString"])).toBeUndefined();
    expect(pathProblem({}, ["toString", "x"])).toMatch(/toString is not an object/);
  });
});
