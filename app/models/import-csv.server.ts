/**
 * Reading and checking the three CSV files of the customer-base import, streaming with
 * csv-parse. Nothing here writes to the database: it turns files into checked rows and a
 * list of issues (every bad row, with its line and column).
 */
import fs from "node:fs";
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { yuanToFen } from "~/utils/money";
import { PREFERENCES, USAGES, VISIT_TYPES, VISIT_TYPE_ZH, type Usage, type VisitType } from "./domain";
import {
  IMPORT_COLUMNS, MAX_REPORTED_ISSUES,
  type ImportFile, type ImportIssue, type ImportReason,
} from "./import.schema";

/** A file to import: on disk (CLI, uploads) or in memory (tests). */
export type ImportSource = string | { path: string; name?: string } | { text: string | Buffer; name: string };

export interface CustomerRow {
  code: string; name: string; phone: string | null; gender: "M" | "F" | null; usage: Usage | null;
  dnc: 0 | 1; prefs: string[];
}
export interface VehicleRow {
  vin: string; code: string; plate: string | null; model: string | null; purchase: string | null;
  warranty: string | null; insurance: string | null; km: number | null;
}
export interface VisitRow { ro: string; vin: string; date: string; type: VisitType; fen: number }

export interface ParsedFiles {
  /** the checked rows, when no `onRows` took them */
  customers?: CustomerRow[];
  vehicles?: VehicleRow[];
  visits?: VisitRow[];
  /** checked rows per file (handed to `onRows` or kept above) */
  rowCounts: Partial<Record<ImportFile, number>>;
  fileNames: Partial<Record<ImportFile, string>>;
}

// ── value rules ────────────────────────────────────────────────────────────────

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DATE_RE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;

/** `YYYY-MM-DD` (also `YYYY/M/D`) → ISO date, or null when it is not a real calendar day. */
export function parseImportDate(raw: string): string | null {
  const m = DATE_RE.exec(raw);
  if (!m) return null;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  if (y < 1900 || y > 2199 || mo < 1 || mo > 12 || d < 1) return null;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!)) return null;
  return m[2]!.length === 2 && m[3]!.length === 2 && raw[4] === "-" && raw[7] === "-"
    ? raw
    : `${m[1]}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/**
 * Phone rule (documented in docs/decisions/005-customer-import.md):
 * - a mainland mobile number: 11 digits `1[3-9]XXXXXXXXX`, optionally written with a
 *   `+86`/`86` prefix and spaces or hyphens; stored as the 11 digits;
 * - or a landline with its area code: `0` + 2–3 digit area code + a 7–8 digit number
 *   (not starting with 0), with an optional hyphen after the area code (`0371-65432100`,
 *   `01087654321`); stored as written without spaces.
 */
export function normalizePhone(raw: string): string | null {
  const compact = raw.replace(/[\s\u00a0]/g, "");
  const mobile = compact.replace(/-/g, "").replace(/^\+?86(?=1\d{10}$)/, "");
  if (/^1[3-9]\d{9}$/.test(mobile)) return mobile;
  if (/^0\d{2,3}-?[1-9]\d{6,7}$/.test(compact)) return compact;
  return null;
}

// Maps, not objects: a value such as "constructor" must not find Object.prototype's members
const GENDER = new Map<string, "M" | "F">([["m", "M"], ["f", "F"], ["male", "M"], ["female", "F"], ["男", "M"], ["女", "F"]]);
const USAGE_ALIASES = new Map<string, Usage>(Object.entries({
  ...Object.fromEntries(USAGES.map((u) => [u, u])),
  私家车: "private", 私家: "private", 私人: "private",
  公务车: "official", 公务: "official", 公车: "official",
  营运车: "commercial", 营运: "commercial",
}) as [string, Usage][]);
/** Chinese names as in the zh-CN catalog (common.json "preferences"). */
const PREFERENCE_ZH: Record<(typeof PREFERENCES)[number], string[]> = {
  car_show: ["车展"],
  fashion_jewellery: ["时装珠宝", "时装", "珠宝"],
  wine_cigar: ["洋酒雪茄", "洋酒", "雪茄"],
  home_audio: ["家用音响", "音响"],
  art: ["艺术"],
  finance_networking: ["理财及商界联谊", "理财", "商界联谊"],
  charity_auction: ["慈善拍卖", "收藏拍卖"],
  beauty_makeup: ["美容彩妆", "彩妆"],
  golf: ["高尔夫"],
  fitness_nutrition: ["健身营养", "健身"],
  children_education: ["儿童教育"],
  test_drive: ["试驾会", "试驾"],
};
const PREFERENCE_ALIASES = new Map<string, string>([
  ...PREFERENCES.map((p) => [p, p] as [string, string]),
  ...Object.entries(PREFERENCE_ZH).flatMap(([key, names]) => names.map((n) => [n, key] as [string, string])),
]);
const FLAG = new Map<string, 0 | 1>(Object.entries({ "": 0, "0": 0, "1": 1, 否: 0, 是: 1, n: 0, y: 1, no: 0, yes: 1, false: 0, true: 1 }) as [string, 0 | 1][]);
const TYPE_ALIASES = new Map<string, VisitType>([
  ...VISIT_TYPES.map((t) => [t, t] as [string, VisitType]),
  ...VISIT_TYPES.map((t) => [VISIT_TYPE_ZH[t], t] as [string, VisitType]),
]);

/** Amount text → fen, or the reason it is refused. */
export function parseAmount(raw: string): number | "negativeAmount" | "badAmount" {
  const s = raw.replace(/^[¥￥]/, "").trim();
  if (s.startsWith("-")) return yuanToFen(s.slice(1)) === null ? "badAmount" : "negativeAmount";
  return yuanToFen(s) ?? "badAmount";
}

// ── headers ────────────────────────────────────────────────────────────────────

const normaliseHeader = (h: string) => h.trim().toLowerCase().replace(/[\s_\-（）()]/g, "");

function headerMap(file: ImportFile): Map<string, string> {
  const map = new Map<string, string>();
  for (const [column, aliases] of Object.entries(IMPORT_COLUMNS[file])) {
    map.set(normaliseHeader(column), column);
    for (const a of aliases as readonly string[]) map.set(normaliseHeader(a), column);
  }
  return map;
}

// ── the reader ─────────────────────────────────────────────────────────────────

export class IssueList {
  readonly items: ImportIssue[] = [];
  count = 0;
  add(issue: ImportIssue) {
    this.count += 1;
    if (this.items.length < MAX_REPORTED_ISSUES) this.items.push(issue);
  }
}

export function sourceName(source: ImportSource, file: ImportFile): string {
  if (typeof source === "string") source = { path: source };
  if ("path" in source) return source.name ?? source.path.split(/[\\/]/).pop() ?? `${file}.csv`;
  return source.name;
}

export function sourceSize(source: ImportSource): number {
  if (typeof source === "string") return fs.statSync(source).size;
  if ("path" in source) return fs.statSync(source.path).size;
  return typeof source.text === "string" ? Buffer.byteLength(source.text) : source.text.length;
}

/** Column positions of a file once its header is read, and a way to report an issue. */
interface Columns {
  /** position of a canonical column in each record */
  at: Record<string, number>;
  issue: (rec: string[], line: number, column: string, reason: ImportReason, value?: string, extra?: Partial<ImportIssue>) => void;
}
type RowHandler = (rec: string[], line: number) => void;

/**
 * Streams one file: checks its header, then calls the row handler for every non-blank
 * record with its line number (lines spanned by quoted newlines are counted). Returns
 * false when the header is unusable (the rows are then not read).
 */
async function readFile(
  file: ImportFile,
  source: ImportSource,
  issues: IssueList,
  onBytes: (n: number) => void,
  makeHandler: (columns: Columns) => RowHandler,
  /** after each record: a promise when rows are being handed on (reading pauses until it settles) */
  afterRecord: () => Promise<void> | null = () => null,
): Promise<boolean> {
  const fileName = sourceName(source, file);
  if (typeof source === "string") source = { path: source };
  const input: Readable = "path" in source
    ? fs.createReadStream(source.path, { highWaterMark: 256 * 1024 })
    : Readable.from([Buffer.from(source.text)]);
  input.on("data", (chunk: Buffer) => onBytes(chunk.length));
  let line = 1;
  let lastBadCsvLine = -1;
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_records_with_error: true,
    record_delimiter: ["\r\n", "\n"],
    // called while parsing, ahead of the records being consumed: the parser's own line count
    on_skip: (err) => {
      const at = (err as { lines?: number } | undefined)?.lines ?? line;
      if (at === lastBadCsvLine) return; // one broken quote is often reported twice
      lastBadCsvLine = at;
      issues.add({ file, fileName, line: at, column: "", value: String(err?.message ?? "").slice(0, 200), reason: "badCsv" });
    },
  });
  input.on("error", (e: Error) => parser.destroy(e));
  input.pipe(parser);

  let width = -1;
  let handler: RowHandler | null = null;
  let headerCells: string[] = [];
  let headerRefused = false;
  /** one record, in file order; false once the header is refused */
  const onRecord = (rec: string[]): boolean => {
    const recordLine = line;
    line += 1;
    for (let i = 0; i < rec.length; i++) {
      const f = rec[i]!;
      if (f.length > 0 && f.includes("\n")) line += f.split("\n").length - 1;
    }
    if (rec.length === 1 && rec[0]!.trim() === "") return true; // blank line
    if (!handler) {
      const columns = readHeader(file, fileName, rec, recordLine, issues);
      if (!columns) return false;
      headerCells = rec;
      width = rec.length;
      handler = makeHandler(columns);
      return true;
    }
    if (rec.length !== width) {
      // a spreadsheet may add empty trailing cells: tolerate those only
      const extraEmpty = rec.length > width && rec.slice(width).every((v) => v.trim() === "");
      if (!extraEmpty) {
        issues.add({ file, fileName, line: recordLine, column: "", value: String(rec.length), reason: "columnCount" });
        return true;
      }
    }
    // Control characters (NUL above all, which PostgreSQL cannot store in text) are never
    // part of a name, a code or a note: the row is refused on either engine alike.
    const bad = rec.findIndex((v) => CONTROL_CHARS.test(v));
    if (bad >= 0) {
      issues.add({ file, fileName, line: recordLine, column: headerCells[bad]?.trim() ?? "", value: JSON.stringify(rec[bad]).slice(1, -1).slice(0, 200), reason: "controlChar" });
      return true;
    }
    handler(rec, recordLine);
    return true;
  };
  // records are taken in batches as the parser makes them (no promise per record); reading
  // pauses while a batch of rows is handed on (staged), and resumes when it is stored
  await new Promise<void>((resolve, reject) => {
    let handing: Promise<void> | null = null;
    let ended = false;
    const fail = (e: unknown) => {
      input.destroy();
      parser.destroy();
      reject(e);
    };
    const pump = () => {
      let rec: string[] | null;
      while (!headerRefused && !handing && (rec = parser.read() as string[] | null) !== null) {
        if (!onRecord(rec)) {
          headerRefused = true;
          input.destroy();
          parser.destroy();
          resolve();
          return;
        }
        const next = afterRecord();
        if (next) {
          handing = next.then(() => {
            handing = null;
            if (ended) resolve();
            else pump();
          }, fail);
        }
      }
    };
    parser.on("readable", pump);
    parser.once("end", () => {
      ended = true;
      if (!handing) resolve();
    });
    parser.once("error", reject);
  });
  if (headerRefused) return false;
  if (!handler) {
    issues.add({ file, fileName, line: 1, column: "", value: "", reason: "emptyFile" });
    return false;
  }
  return true;
}

function readHeader(file: ImportFile, fileName: string, header: string[], line: number, issues: IssueList): Columns | null {
  const known = headerMap(file);
  const at: Record<string, number> = {};
  let ok = true;
  header.forEach((h, i) => {
    const name = normaliseHeader(h);
    if (name === "") return; // an empty header cell (spreadsheet export): ignored
    const canonical = known.get(name);
    if (!canonical) {
      issues.add({ file, fileName, line, column: h.trim(), value: h, reason: "unknownColumn" });
      ok = false;
    } else if (canonical in at) {
      issues.add({ file, fileName, line, column: h.trim(), value: h, reason: "duplicateColumn" });
      ok = false;
    } else at[canonical] = i;
  });
  for (const column of Object.keys(IMPORT_COLUMNS[file])) {
    if (!(column in at)) {
      issues.add({ file, fileName, line, column, value: "", reason: "missingColumn" });
      ok = false;
    }
  }
  if (!ok) return null;
  return {
    at,
    issue: (rec, recordLine, column, reason, value, extra) => {
      const i = at[column]!;
      issues.add({ file, fileName, line: recordLine, column: header[i]!.trim(), value: value ?? rec[i] ?? "", reason, ...extra });
    },
  };
}

const hasBadEncoding = (v: string) => v.includes("\uFFFD");
// C0 controls and DEL, except tab, line feed and carriage return (quoted fields may hold line breaks)
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const cell = (rec: string[], i: number) => {
  const v = rec[i];
  return v === undefined ? "" : v.trim();
};

/**
 * A text cell: the value, null when empty and optional, undefined when refused (the issue
 * is recorded).
 */
function textCell(c: Columns, rec: string[], line: number, column: string, max: number, required: boolean): string | null | undefined {
  const v = cell(rec, c.at[column]!);
  if (v === "") {
    if (required) c.issue(rec, line, column, "required");
    return required ? undefined : null;
  }
  if (hasBadEncoding(v)) { c.issue(rec, line, column, "badEncoding"); return undefined; }
  if (v.length > max) { c.issue(rec, line, column, "tooLong"); return undefined; }
  return v;
}

function dateCell(c: Columns, rec: string[], line: number, column: string, required: boolean): string | null | undefined {
  const v = cell(rec, c.at[column]!);
  if (v === "") {
    if (required) c.issue(rec, line, column, "required");
    return required ? undefined : null;
  }
  const d = parseImportDate(v);
  if (!d) c.issue(rec, line, column, "badDate");
  return d ?? undefined;
}

/** Remembers the line of each key; reports a key seen before. */
function checkDuplicate(seen: Map<string, number>, key: string, c: Columns, rec: string[], line: number, column: string) {
  const first = seen.get(key);
  if (first !== undefined) c.issue(rec, line, column, "duplicateKey", undefined, { firstLine: first });
  else seen.set(key, line);
}

export interface ReadOptions {
  /** customer codes / VINs already on file for the store (for reference checks) */
  existingCodes: () => Promise<Set<string>>;
  existingVins: () => Promise<Set<string>>;
  onProgress?: (done: number, total: number) => void;
  /**
   * Takes the checked rows in batches while the files are read (in file order, positions from
   * 1 per file), instead of keeping them all in memory; called only while no issue was found.
   */
  onRows?: (file: ImportFile, rows: (CustomerRow | VehicleRow | VisitRow)[], firstSeq: number) => Promise<void>;
  /** rows per batch handed to onRows (may change between batches) */
  batchRows?: (file: ImportFile) => number;
}

/** Reads and checks the files; rows are only returned when there is no issue at all. */
export async function readImportFiles(
  files: Partial<Record<ImportFile, ImportSource>>,
  opts: ReadOptions,
): Promise<{ parsed: ParsedFiles; issues: IssueList }> {
  const issues = new IssueList();
  const parsed: ParsedFiles = { fileNames: {}, rowCounts: {} };
  /** hands checked rows on in batches (opts.onRows); returns the rows to keep in memory */
  const batcher = <T extends CustomerRow | VehicleRow | VisitRow>(file: ImportFile, rows: T[]) => {
    let handed = 0;
    const hand = (): Promise<void> => {
      const batch = rows.splice(0);
      const first = handed + 1;
      handed += batch.length;
      return opts.onRows!(file, batch, first);
    };
    return {
      afterRecord: (): Promise<void> | null =>
        opts.onRows && issues.count === 0 && rows.length >= (opts.batchRows?.(file) ?? 2000) ? hand() : null,
      finish: async () => {
        if (opts.onRows && issues.count === 0 && rows.length) await hand();
        parsed.rowCounts[file] = handed + rows.length;
      },
    };
  };
  const total = Object.values(files).reduce((n, s) => n + (s ? sourceSize(s) : 0), 0);
  let done = 0;
  let lastReport = 0;
  const onBytes = (n: number) => {
    done += n;
    if (opts.onProgress && (done - lastReport > 512 * 1024 || done === total)) {
      lastReport = done;
      opts.onProgress(done, total);
    }
  };
  // a file whose header is unusable cannot vouch for the keys later files refer to
  let referencesReliable = true;

  const fileCodes = new Set<string>();
  if (files.customers) {
    parsed.fileNames.customers = sourceName(files.customers, "customers");
    const rows: CustomerRow[] = [];
    const batches = batcher("customers", rows);
    const seen = new Map<string, number>();
    const ok = await readFile("customers", files.customers, issues, onBytes, (c) => {
      const { at } = c;
      return (rec, line) => {
        const before = issues.count;
        const code = textCell(c, rec, line, "customer_code", 64, true);
        if (code) {
          checkDuplicate(seen, code, c, rec, line, "customer_code");
          fileCodes.add(code);
        }
        const name = textCell(c, rec, line, "name", 100, true);
        const phoneRaw = cell(rec, at.phone!);
        const phone = phoneRaw === "" ? null : normalizePhone(phoneRaw);
        if (phone === null && phoneRaw !== "") c.issue(rec, line, "phone", "badPhone");
        const g = cell(rec, at.gender!);
        const gender = g === "" ? null : GENDER.get(g.toLowerCase());
        if (gender === undefined) c.issue(rec, line, "gender", "badGender");
        const u = cell(rec, at.usage!);
        const usage = u === "" ? null : USAGE_ALIASES.get(u.toLowerCase());
        if (usage === undefined) c.issue(rec, line, "usage", "badUsage");
        const prefs: string[] = [];
        const p = cell(rec, at.preferences!);
        if (p !== "") {
          for (const item of p.split(/[;；、|]/)) {
            const key = item.trim();
            if (key === "") continue;
            const pref = PREFERENCE_ALIASES.get(key.toLowerCase()) ?? PREFERENCE_ALIASES.get(key);
            if (!pref) c.issue(rec, line, "preferences", "badPreference", key);
            else if (!prefs.includes(pref)) prefs.push(pref);
          }
        }
        const dnc = FLAG.get(cell(rec, at.do_not_contact!).toLowerCase());
        if (dnc === undefined) c.issue(rec, line, "do_not_contact", "badFlag");
        if (issues.count === before && issues.count === 0) {
          rows.push({ code: code!, name: name!, phone, gender: gender!, usage: usage!, dnc: dnc!, prefs: prefs.sort() });
        }
      };
    }, batches.afterRecord);
    await batches.finish();
    if (!ok) referencesReliable = false;
    parsed.customers = rows;
  }

  const fileVins = new Set<string>();
  if (files.vehicles) {
    parsed.fileNames.vehicles = sourceName(files.vehicles, "vehicles");
    const knownCodes = await opts.existingCodes();
    const rows: VehicleRow[] = [];
    const batches = batcher("vehicles", rows);
    const seen = new Map<string, number>();
    const ok = await readFile("vehicles", files.vehicles, issues, onBytes, (c) => {
      const { at } = c;
      return (rec, line) => {
        const before = issues.count;
        const vinText = textCell(c, rec, line, "vin", 32, true);
        const vin = vinText ? vinText.toUpperCase() : undefined;
        if (vin) {
          checkDuplicate(seen, vin, c, rec, line, "vin");
          fileVins.add(vin);
        }
        const code = textCell(c, rec, line, "customer_code", 64, true);
        if (code && referencesReliable && !fileCodes.has(code) && !knownCodes.has(code)) c.issue(rec, line, "customer_code", "unknownCustomer");
        const plate = textCell(c, rec, line, "plate", 32, false);
        const model = textCell(c, rec, line, "model", 64, false);
        const purchase = dateCell(c, rec, line, "purchase_date", false);
        const warranty = dateCell(c, rec, line, "warranty_end", false);
        const insurance = dateCell(c, rec, line, "insurance_expiry", false);
        const kmRaw = cell(rec, at.mileage_km!).replace(/,/g, "");
        const km = kmRaw === "" ? null : /^\d{1,9}$/.test(kmRaw) ? Number(kmRaw) : undefined;
        if (km === undefined) c.issue(rec, line, "mileage_km", "badNumber");
        if (issues.count === before && issues.count === 0) {
          rows.push({ vin: vin!, code: code!, plate: plate!, model: model!, purchase: purchase!, warranty: warranty!, insurance: insurance!, km: km! });
        }
      };
    }, batches.afterRecord);
    await batches.finish();
    if (!ok) referencesReliable = false;
    parsed.vehicles = rows;
  }

  if (files.visits) {
    parsed.fileNames.visits = sourceName(files.visits, "visits");
    const knownVins = await opts.existingVins();
    const rows: VisitRow[] = [];
    const batches = batcher("visits", rows);
    const seen = new Map<string, number>();
    await readFile("visits", files.visits, issues, onBytes, (c) => {
      const { at } = c;
      return (rec, line) => {
        const before = issues.count;
        const ro = textCell(c, rec, line, "ro_number", 64, true);
        if (ro) checkDuplicate(seen, ro, c, rec, line, "ro_number");
        const vinText = textCell(c, rec, line, "vin", 32, true);
        const vin = vinText ? vinText.toUpperCase() : undefined;
        if (vin && referencesReliable && !fileVins.has(vin) && !knownVins.has(vin)) c.issue(rec, line, "vin", "unknownVin");
        const date = dateCell(c, rec, line, "visit_date", true);
        const typeRaw = cell(rec, at.type!);
        const type = typeRaw === "" ? undefined : TYPE_ALIASES.get(typeRaw) ?? TYPE_ALIASES.get(typeRaw.toLowerCase());
        if (typeRaw === "") c.issue(rec, line, "type", "required");
        else if (!type) c.issue(rec, line, "type", "unknownType");
        const amountRaw = cell(rec, at.amount!);
        const fen = amountRaw === "" ? "required" : parseAmount(amountRaw);
        if (typeof fen === "string") c.issue(rec, line, "amount", fen);
        if (issues.count === before && issues.count === 0) rows.push({ ro: ro!, vin: vin!, date: date!, type: type!, fen: fen as number });
      };
    }, batches.afterRecord);
    await batches.finish();
    parsed.visits = rows;
  }
  opts.onProgress?.(total, total);
  return { parsed, issues };
}
