/**
 * Every zod schema exported from app/models/*.schema.ts, fed hostile values, hostile objects
 * and hostile form bodies: safeParse always returns a result (never throws), and parsing a
 * form never touches Object.prototype.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formDataToObject, parseFormData } from "~/utils/form";
import { discoverSchemas, FUZZ_RUNS, hostileForm, hostileObject, hostileText, hostileValue, prototypeIsClean } from "../helpers/fuzz";

const schemas = await discoverSchemas();

function safeParseNeverThrows(schema: { safeParse(x: unknown): { success: boolean } }, input: unknown) {
  let result: { success: boolean };
  try {
    result = schema.safeParse(input);
  } catch (e) {
    throw new Error(`safeParse threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  expect(typeof result.success).toBe("boolean");
}

describe("zod schemas under hostile input", () => {
  it("finds the schemas of app/models/*.schema.ts", () => {
    expect(schemas.map((s) => s.name)).toEqual(expect.arrayContaining(["auth.schema.LoginSchema", "settings.schema.StoreSettingsSchema"]));
  });

  for (const { name, schema, keys } of schemas) {
    it(`${name}: safeParse returns a result for any value and any object`, () => {
      fc.assert(fc.property(fc.oneof(hostileValue(), hostileObject(keys)), (input) => safeParseNeverThrows(schema, input)), { numRuns: FUZZ_RUNS });
    });

    if (keys.length) {
      it(`${name}: a hostile form body parses to a result and leaves Object.prototype alone`, () => {
        const form = hostileForm(Object.fromEntries(keys.map((k) => [k, hostileText()])));
        fc.assert(
          fc.property(form, (entries) => {
            const fd = new FormData();
            for (const [k, v] of entries) fd.append(k, v);
            let parsed;
            try {
              parsed = parseFormData(schema, fd);
            } catch (e) {
              throw new Error(`parseFormData threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
            }
            expect(typeof parsed.ok).toBe("boolean");
            expect(prototypeIsClean()).toEqual([]);
          }),
          { numRuns: FUZZ_RUNS },
        );
      });
    }
  }

  it("form parsing ignores prototype keys", () => {
    const fd = new FormData();
    for (const k of ["__proto__.polluted", "constructor.prototype.polluted", "a.__proto__.polluted", "__proto__"]) fd.append(k, "yes");
    fd.append("name", "ok");
    const obj = formDataToObject(fd);
    expect(prototypeIsClean()).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(obj.name).toBe("ok");
  });
});
