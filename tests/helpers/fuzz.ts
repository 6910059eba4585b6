/**
 * Hostile input for property-based tests (fast-check): strings, numbers, dates, wrong types
 * and extra fields, plus discovery of every zod schema in app/models/*.schema.ts.
 * Used by tests/integration/fuzz-*.test.ts; action targets are declared there.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { z } from "zod";

/** How many cases each property tries (FUZZ_RUNS=2000 for a long local run). */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS || 100);

const KB100 = "界".repeat(100 * 1024 / 3) + "ab"; // ~100 KB of UTF-8

/** Strings that break naive code: empty, huge, control characters, emoji, RTL, SQL, HTML, odd Unicode. */
export const HOSTILE_STRINGS: string[] = [
  "", " ", "   ", "\t", "\n", "\r\n", "a".repeat(100 * 1024), KB100,
  "\u0000", "a\u0000b", "\u0001\u0002\u0003\u001b[31m\u007f", "\u0008\u000b\u000c",
  "🚗", "👨‍👩‍👧‍👦", "🏳️‍🌈", "𠮷野家", "e\u0301", "\ufeffBOM", "\u200b\u200c\u200d", "\u00a0nbsp",
  "مرحبا", "שלום עולם", "\u202Eevil\u202C", "\u2066isolate\u2069",
  "'; DROP TABLE customers; --", "\" OR 1=1 --", "1' OR '1'='1", "%' OR 1=1; --", "\\", "\\'", "$1", "?", ":name",
  "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&lt;&amp;&gt;", "{{7*7}}", "${7*7}", "</textarea>",
  "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\t=1",
  "null", "undefined", "true", "false", "NaN", "[]", "{}", "__proto__", "constructor", "toString",
  "\ud800", "\udfff", "a\ud800b", "ＡＢＣ", "ǅ", "İ", "ß", "ﬀ", "../../etc/passwd", "C:\\Windows", "%00", "%2e%2e%2f",
];

/** Number-like text as forms send it. */
export const HOSTILE_NUMBER_TEXT: string[] = [
  "NaN", "Infinity", "-Infinity", "1e308", "1e309", "-1e308", "-0", "0", "9007199254740993", "9007199254740992",
  "-9007199254740993", "0.1", "1e-308", "5e-324", "1,000", "1 000", "１２３", "0x10", "0b11", "1e3", " 42 ", "42abc",
  "-", "+", ".", "1.", ".5", "00012", "1_000", "٣", "2147483648", "-2147483649", "18446744073709551616",
];

export const HOSTILE_NUMBERS: unknown[] = [NaN, Infinity, -Infinity, 1e308, -1e308, -0, 2 ** 53 + 1, -(2 ** 53) - 1, Number.MIN_VALUE, 0.1, 2 ** 31, -1];

export const HOSTILE_DATES: string[] = [
  "2026-02-30", "2026-02-29", "2024-02-29", "0000-00-00", "0001-01-01", "9999-12-31", "10000-01-01", "2026-13-01",
  "2026-00-10", "2026-1-1", "26-01-01", "20260101", "2026/01/01", "2026-01-01T00:00:00Z", "2026-01-01T25:00",
  "2026-W01", "-2026-01-01", "2026-01-01\n", " 2026-01-01", "1970-01-01", "2038-01-19", "today", "",
];

export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 10 })).map(([a, b]) => `${b}${a.slice(0, 2000)}${b}`) },
  );

export const hostileNumberText = (): fc.Arbitrary<string> =>
  fc.oneof(fc.constantFrom(...HOSTILE_NUMBER_TEXT), fc.double().map(String), fc.integer().map(String), fc.bigInt().map(String));

export const hostileDateText = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...HOSTILE_DATES),
    fc.tuple(fc.integer({ min: 0, max: 10000 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(
      ([y, m, d]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`,
    ),
  );

/** Any text a form field could carry. */
export const hostileText = (): fc.Arbitrary<string> => fc.oneof(hostileString(), hostileNumberText(), hostileDateText());

/** Any JSON-ish value, of any type, nested a little (for JSON bodies and direct schema calls). */
export const hostileValue = (): fc.Arbitrary<unknown> =>
  fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      hostileText(),
      fc.constantFrom(...HOSTILE_NUMBERS),
      fc.constantFrom(null, undefined, true, false, 0, 1, "", [], {}),
      fc.array(tie("v"), { maxLength: 4 }),
      fc.dictionary(fc.oneof(hostileKey(), fc.string({ maxLength: 8 })), tie("v"), { maxKeys: 4 }),
      fc.date({ noInvalidDate: false }),
    ),
  })).v;

/** Field names that attack form parsing: prototype keys, dotted paths, array indexes. */
export const HOSTILE_KEYS = [
  "__proto__", "__proto__.polluted", "constructor.prototype.polluted", "prototype", "a.0.b", "a.99999", "0", "",
  "name.0", "name.__proto__", "toString", "hasOwnProperty", "valueOf", "x".repeat(1000), "intent", "id", "store_id", "storeId", "role",
];
export const hostileKey = (): fc.Arbitrary<string> => fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 12 }));

/** An object with `keys` holding hostile values (some missing), plus extra hostile fields. */
export const hostileObject = (keys: string[]): fc.Arbitrary<Record<string, unknown>> =>
  fc.tuple(
    fc.record(Object.fromEntries(keys.map((k) => [k, hostileValue()])), { requiredKeys: [] }),
    fc.dictionary(hostileKey(), hostileValue(), { maxKeys: 3 }),
  ).map(([known, extra]) => ({ ...extra, ...known }));

/**
 * A form body (entries in order) for a form with `fields` (each with an arbitrary of valid
 * values). A mix of: a valid form plus extra hostile fields; a valid form with one field
 * replaced, dropped or repeated with hostile text; and chaos (every field hostile, missing
 * or repeated). The valid cases make sure accepted posts are exercised too.
 */
export const hostileForm = (fields: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<[string, string][]> => {
  const names = Object.keys(fields);
  const validEntries = fc.record(fields).map((rec) => names.map((n): [string, string] => [n, rec[n]!]));
  const extras = fc.array(fc.tuple(hostileKey(), hostileText()), { maxLength: 3 });
  const valid = fc.tuple(validEntries, extras).map(([v, x]) => [...v, ...x]);
  const oneBad = fc
    .tuple(validEntries, fc.constantFrom(...names), hostileText(), fc.constantFrom("replace", "drop", "repeat"))
    .map(([v, name, bad, how]) =>
      how === "drop" ? v.filter(([k]) => k !== name)
        : how === "repeat" ? [...v, [name, bad] as [string, string]]
          : v.map(([k, val]): [string, string] => [k, k === name ? bad : val]),
    );
  const chaos = fc.tuple(
    ...names.map((name) =>
      fc.oneof(
        fc.constant<[string, string][]>([]),
        fc.oneof(fields[name]!, hostileText()).map((v): [string, string][] => [[name, v]]),
        fc.array(fc.oneof(fields[name]!, hostileText()), { minLength: 2, maxLength: 3 }).map((vs) => vs.map((v): [string, string] => [name, v])),
      ),
    ),
    extras,
  ).map((parts) => parts.flat() as [string, string][]);
  return fc.oneof({ weight: 1, arbitrary: valid }, { weight: 2, arbitrary: oneBad }, { weight: 2, arbitrary: chaos });
};

// ── schema discovery ──

const MODELS = path.resolve(__dirname, "../../app/models");

export interface FoundSchema {
  name: string;
  schema: z.ZodType;
  /** top-level keys when the schema is (or wraps) an object */
  keys: string[];
}

/** Top-level object keys of a schema, through pipes, effects, optional/default wrappers. */
export function schemaKeys(schema: unknown, depth = 0): string[] {
  const def = (schema as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
  if (!def || depth > 10) return [];
  if (def.type === "object" && def.shape) return Object.keys(def.shape as object);
  for (const inner of ["in", "innerType", "schema", "out"]) {
    const keys = schemaKeys(def[inner], depth + 1);
    if (keys.length) return keys;
  }
  if (Array.isArray(def.options)) return [...new Set((def.options as unknown[]).flatMap((o) => schemaKeys(o, depth + 1)))];
  if (def.left || def.right) return [...new Set([...schemaKeys(def.left, depth + 1), ...schemaKeys(def.right, depth + 1)])];
  return [];
}

/** Every exported zod schema of app/models/*.schema.ts (new files are picked up automatically). */
export async function discoverSchemas(): Promise<FoundSchema[]> {
  const files = fs.readdirSync(MODELS).filter((f) => f.endsWith(".schema.ts")).sort();
  const out: FoundSchema[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(MODELS, file)).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (value instanceof z.ZodType) out.push({ name: `${file.replace(/\.ts$/, "")}.${name}`, schema: value, keys: schemaKeys(value) });
    }
  }
  return out;
}

/** Object.prototype must never gain a key from user input. */
export function prototypeIsClean(): string[] {
  return [Object.prototype, Array.prototype, Function.prototype].flatMap((p) =>
    Object.getOwnPropertyNames(p).filter((k) => /polluted/.test(k) || (p === Object.prototype && !ORIGINAL_OBJECT_KEYS.has(k))),
  );
}
const ORIGINAL_OBJECT_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));
