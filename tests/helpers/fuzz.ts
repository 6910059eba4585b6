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

/** fc.oneof over [weight, arbitrary] pairs. */
const weighted = <T>(...choices: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> =>
  fc.oneof(...choices.map(([weight, arbitrary]) => ({ weight, arbitrary })));

/** Valid entries with one field replaced by a hostile value, dropped, or sent twice (the second time hostile). */
function oneFieldBroken<V>(validEntries: fc.Arbitrary<[string, V][]>, names: string[], hostile: fc.Arbitrary<V>): fc.Arbitrary<[string, V][]> {
  return fc
    .tuple(validEntries, fc.constantFrom(...names), hostile, fc.constantFrom("replace", "drop", "repeat"))
    .map(([v, name, bad, how]) =>
      how === "drop" ? v.filter(([k]) => k !== name)
        : how === "repeat" ? [...v, [name, bad] as [string, V]]
          : v.map(([k, val]): [string, V] => [k, k === name ? bad : val]),
    );
}

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
  const oneBad = oneFieldBroken(validEntries, names, hostileText());
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
  return weighted([1, valid], [2, oneBad], [2, chaos]);
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

// ── JSON bodies and CSV files (action fuzzing: tests/integration/fuzz-actions.test.ts) ──

/** JSON object text from entries in order: keys may repeat (the last one wins in JSON.parse) and may be `__proto__`. */
export function jsonObjectText(entries: [string, unknown][]): string {
  const parts: string[] = [];
  for (const [k, v] of entries) {
    const value = JSON.stringify(v);
    if (value !== undefined) parts.push(`${JSON.stringify(k)}:${value}`);
  }
  return `{${parts.join(",")}}`;
}

/**
 * A JSON request body (as text) for an endpoint whose body has `fields` (each with an
 * arbitrary of valid values, of any JSON type). The same mix as hostileForm — a valid body
 * plus extra hostile keys; one field replaced with any hostile value (a string, number,
 * nested object, array, null…), dropped or repeated; every field hostile or missing — plus
 * bodies that are not an object at all (an array, a string, null, text that is not JSON,
 * a truncated body) and prototype-pollution keys.
 */
export const hostileJsonBody = (fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<string> => {
  const names = Object.keys(fields);
  const validRecord = fc.record(fields);
  const validEntries = validRecord.map((rec) => names.map((n): [string, unknown] => [n, rec[n]]));
  const extras = fc.array(fc.tuple(hostileKey(), hostileValue()), { maxLength: 3 });
  // extras first: a valid field named again by an extra keeps its valid value (the last key wins)
  const valid = fc.tuple(validEntries, extras).map(([v, x]) => jsonObjectText([...x, ...v]));
  const oneBad = oneFieldBroken(validEntries, names, hostileValue()).map(jsonObjectText);
  const chaos = fc.tuple(
    ...names.map((name) =>
      fc.oneof(
        fc.constant<[string, unknown][]>([]),
        fc.oneof(fields[name]!, hostileValue()).map((v): [string, unknown][] => [[name, v]]),
      ),
    ),
    extras,
  ).map(([...parts]) => jsonObjectText((parts as [string, unknown][][]).flat()));
  const polluting = validEntries.map((v) =>
    `${jsonObjectText(v).slice(0, -1)}${v.length ? "," : ""}"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}`);
  const notAnObject = fc.oneof(
    hostileValue().map((v) => JSON.stringify(v) ?? ""),
    hostileString(),
    fc.tuple(validEntries, fc.nat()).map(([v, n]) => { const t = jsonObjectText(v); return t.slice(0, n % t.length); }),
    fc.constantFrom("", "{", "}", "[", "null", "true", "0", "\"\"", "[]", "{}", "{\"a\":}", "{'a':1}", "\u0000", "{\"to\":\"yes\"", "NaN"),
  );
  return weighted([2, valid], [2, oneBad], [1, chaos], [1, polluting], [1, notAnObject]);
};

/** A CSV field, always quoted (quotes doubled): it reads back as exactly `cell`. */
export const csvCell = (cell: string): string => `"${cell.replace(/"/g, '""')}"`;
/** CSV text of rows of cells, each quoted; `eol` between records. */
export const csvText = (rows: string[][], eol = "\n"): string => rows.map((r) => r.map(csvCell).join(",")).join(eol) + eol;

export interface HostileCsv {
  text: string;
  /** the records as written (header first) when the text is well-formed CSV, else null */
  rows: string[][] | null;
}

/**
 * A small CSV file with `header` and 1–3 rows of `cells` (each column with an arbitrary of
 * valid values): valid files, files with one cell hostile (control characters, lone
 * surrogates, 100 KB cut to 2 KB, formula injection, quotes, line breaks inside a cell…),
 * a hostile or incomplete header, rows with the wrong number of cells, and text that is not
 * well-formed CSV (a stray quote, CRLF mixed with LF, a BOM, NUL). Every string stays small.
 */
export const hostileCsv = (header: string[], cells: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<HostileCsv> => {
  const small = hostileString().map((s) => s.slice(0, 2000));
  const row = fc.tuple(...header.map((h) => cells[h] ?? fc.constant("")));
  const rows = fc.array(row, { minLength: 1, maxLength: 3 });
  const valid = fc.tuple(rows, fc.constantFrom("\n", "\r\n"), fc.boolean()).map(([rs, eol, bom]): HostileCsv => {
    const all = [header, ...rs];
    return { text: (bom ? "\ufeff" : "") + csvText(all, eol), rows: all };
  });
  const oneBadCell = fc.tuple(rows, fc.nat(), fc.nat(), small).map(([rs, r, c, bad]): HostileCsv => {
    const copy = rs.map((x) => [...x]);
    copy[r % copy.length]![c % header.length] = bad;
    const all = [header, ...copy];
    return { text: csvText(all), rows: all };
  });
  const badHeader = fc.tuple(
    fc.array(fc.oneof(fc.constantFrom(...header), small, hostileKey()), { minLength: 0, maxLength: header.length + 2 }),
    rows,
  ).map(([h, rs]): HostileCsv => ({ text: csvText([h, ...rs]), rows: [h, ...rs] }));
  const ragged = fc.tuple(rows, fc.nat()).map(([rs, n]): HostileCsv => {
    const all = [header, ...rs.map((r, i) => (i === n % rs.length ? r.slice(0, Math.max(0, r.length - 1 - (n % 2))) : r))];
    return { text: csvText(all), rows: null };
  });
  const broken = fc.tuple(rows, small, fc.constantFrom('"', '"a"b"', "\r", "\u0000", "\ufeff", "\n\n\n", ",,,,", '""')).map(([rs, junk, glitch]): HostileCsv => ({
    text: `${header.join(",")}\n${rs.map((r) => r.join(",")).join("\n")}\n${glitch}${junk}${glitch}\n`,
    rows: null,
  }));
  return weighted<HostileCsv>([3, valid], [3, oneBadCell], [1, badHeader], [1, ragged], [1, broken]);
};
