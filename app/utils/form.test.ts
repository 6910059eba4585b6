import { describe, expect, it } from "vitest";
import { formDataToObject } from "./form";
import { MAX_DEPTH, MAX_REPEATS } from "./limits";

const formOf = (pairs: [string, string][]) => {
  const fd = new FormData();
  for (const [k, v] of pairs) fd.append(k, v);
  return fd;
};

describe("formDataToObject", () => {
  it("nests dotted names and gathers repeated names, in order", () => {
    expect(formDataToObject(formOf([["a", "1"], ["lines.0.id", "7"], ["lines.1.id", "8"], ["x", "1"], ["x", "2"], ["x", "3"]])))
      .toEqual({ a: "1", lines: [{ id: "7" }, { id: "8" }], x: ["1", "2", "3"] });
  });

  it("takes 20,000 repeats of one name in one pass, keeping the first MAX_REPEATS", () => {
    // Copying the array on each repeat made this cost 13 s (quadratic); the test's timeout is the bound.
    const out = formDataToObject(formOf(Array.from({ length: 20_000 }, (_, i) => ["z", String(i)] as [string, string])));
    expect(out.z).toHaveLength(MAX_REPEATS);
    expect((out.z as string[])[MAX_REPEATS - 1]).toBe(String(MAX_REPEATS - 1));
  });

  it("leaves out names nested deeper than MAX_DEPTH, and prototype keys", () => {
    const deep = Array.from({ length: MAX_DEPTH + 1 }, (_, i) => `k${i}`).join(".");
    const ok = Array.from({ length: MAX_DEPTH }, (_, i) => `k${i}`).join(".");
    expect(formDataToObject(formOf([[deep, "x"]]))).toEqual({});
    expect(Object.keys(formDataToObject(formOf([[ok, "x"]])))).toEqual(["k0"]);
    expect(formDataToObject(formOf([["a." + "b.".repeat(50_000) + "c", "x"], ["__proto__.p", "1"]]))).toEqual({});
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });
});
