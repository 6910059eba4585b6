import { describe, expect, it } from "vitest";
import { localeFromAcceptLanguage, NAMESPACES } from "./i18n";
import { resources } from "./i18n-resources.server";

function keys(obj: unknown, prefix = ""): string[] {
  if (typeof obj !== "object" || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}
/** zh has no plural forms: en's `x_one`/`x_other` pair matches zh's `x_other`. */
const normalise = (list: string[]) => [...new Set(list.map((k) => k.replace(/_(one|other)$/, "")))].sort();

describe("message catalogs", () => {
  it.each(NAMESPACES)("%s has the same keys in zh-CN and en", (ns) => {
    expect(normalise(keys(resources["zh-CN"][ns]))).toEqual(normalise(keys(resources.en[ns])));
  });
  it("has no empty strings", () => {
    for (const lng of ["en", "zh-CN"] as const) {
      for (const ns of NAMESPACES) {
        const empty = keys(resources[lng][ns]).filter((k) => {
          const v = k.split(".").reduce<any>((o, p) => o?.[p], resources[lng][ns]);
          return typeof v === "string" && v.trim() === "";
        });
        expect(empty, `${lng}/${ns}`).toEqual([]);
      }
    }
  });
});

describe("localeFromAcceptLanguage", () => {
  it.each([
    ["en-US,en;q=0.9", "en"],
    ["zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"],
    ["zh-TW", "zh-CN"],
    ["fr-FR,en;q=0.5", "en"],
    ["en;q=0.4,zh;q=0.8", "zh-CN"],
    ["de", "zh-CN"],
    ["", "zh-CN"],
    [null, "zh-CN"],
  ])("%s → %s", (header, expected) => {
    expect(localeFromAcceptLanguage(header)).toBe(expected);
  });
});
