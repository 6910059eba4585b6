/**
 * Reading and checking the three files of the customer-base import, streaming: text through
 * csv-parse (decoded first when it is not UTF-8), workbooks through exceljs' streaming reader,
 * both into the same row checks (import-decode.server.ts decides which, docs/decisions/020).
 * Nothing here writes to the database: it turns files into checked rows and a list of issues
 * (every bad row, with its line and column).
 */
import fs from "node:fs";
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import type ExcelJS from "exceljs";
import type { Usage, VisitType } from "./domain";
import { detectFormat, textDecoderStream, type ByteSource, type FileFormat } from "./import-decode.server";
import {
  numberCellText, parseAmount, toHalfWidth, parseFlag, parseGender, parseImportDate, parseMileage, parsePhone, parsePreferences,
  parseUsage, parseVisitType, unquotedThousands,
} from "./import-values";
import {
  IMPORT_COLUMNS, IMPORT_REQUIRED, MAX_REPORTED_ISSUES,
  type ColumnMapping, type ImportFile, type ImportIssue, type ImportReason,
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
  /** how each file was read: xlsx, or its text encoding */
  formats: Partial<Record<ImportFile, FileFormat>>;
  /** optional columns a file does not have: the values on file are kept for them */
  absent: Partial<Record<ImportFile, string[]>>;
}

// ── value rules: app/models/import-values.ts ─────────────────────────────────────────

export { normalizePhone, parseImportDate, parseAmount } from "./import-values";

// ── headers ────────────────────────────────────────────────────────────────────

/** Header matching ignores case, full width, spaces, "_", "-", brackets and a required-field mark `*`. */
const normaliseHeader = (h: string) => toHalfWidth(h).trim().toLowerCase().replace(/[\s_\-（）()*]/g, "");

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
  /** position of a canonical column in each record (absent: an optional column the file does not have) */
  at: Record<string, number | undefined>;
  issue: (rec: string[], line: number, column: string, reason: ImportReason, value?: string, extra?: Partial<ImportIssue>) => void;
}
type RowHandler = (rec: string[], line: number) => void;

/** The bytes of a source, from the start, as many times as asked (format detection reads the file before it is parsed). */
function byteSource(source: ImportSource): ByteSource {
  if (typeof source === "string") source = { path: source };
  if ("path" in source) {
    const file = source.path;
    return () => fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  }
  const buf = Buffer.from(source.text);
  return () => Readable.from([buf]);
}

/** A workbook cell's value → the text the row checks read (dates as `YYYY-MM-DD`, numbers as Excel shows them). */
export function xlsxCellText(v: ExcelJS.CellValue | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return numberCellText(v);
  if (typeof v === "boolean") return v ? "1" : "0";
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return "";
    const iso = v.toISOString(); // exceljs gives the cell's wall-clock time as UTC
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  }
  if (typeof v === "object") {
    if ("richText" in v) return v.richText.map((r) => r.text).join("");
    if ("formula" in v || "sharedFormula" in v) return xlsxCellText((v as { result?: ExcelJS.CellValue }).result);
    if ("text" in v) return typeof v.text === "string" ? v.text : xlsxCellText(v.text as ExcelJS.CellValue);
    if ("error" in v) return String(v.error);
  }
  return String(v);
}

/**
 * Streams one file: checks its header, then calls the row handler for every non-blank
 * record with its line number (lines spanned by quoted newlines are counted; a workbook's
 * row number). Returns how the file was read, or false when it is unreadable or its header
 * unusable (the rows are then not read).
 */
async function readFile(
  file: ImportFile,
  source: ImportSource,
  issues: IssueList,
  onBytes: (n: number) => void,
  makeHandler: (columns: Columns) => RowHandler,
  /** after each record: a promise when rows are being handed on (reading pauses until it settles) */
  afterRecord: () => Promise<void> | null = () => null,
  mapping: ColumnMapping = [],
  /** the worksheet of a workbook to read (name or 1-based position); the first when absent */
  sheet?: string,
): Promise<{ format: FileFormat | null; absent: string[] } | false> {
  const fileName = sourceName(source, file);
  const bytes = byteSource(source);
  const detected = await detectFormat(bytes);
  if (detected.format === null) {
    issues.add({ file, fileName, line: detected.line, column: "", value: "", reason: "undecodable" });
    return false;
  }
  // loaded on the first workbook (exceljs takes ~0.2 s to load, which every server start would
  // pay), and before the file is opened: its bytes start flowing as soon as they are counted
  const excel = detected.format === "xlsx" ? (await import("exceljs")).default : null;
  const input = bytes() as Readable;
  input.on("data", (chunk: Buffer) => onBytes(chunk.length));

  let width = -1;
  let handler: RowHandler | null = null;
  let headerCells: string[] = [];
  let absent: string[] = [];
  /** one record, in file order; false once the header is refused */
  const onRecord = (rec: string[], recordLine: number): boolean => {
    if (rec.every((v) => v.trim() === "")) return true; // blank line
    if (!handler) {
      const columns = readHeader(file, fileName, rec, recordLine, issues, mapping);
      if (!columns) return false;
      headerCells = rec;
      width = rec.length;
      absent = Object.keys(IMPORT_COLUMNS[file]).filter((c) => columns.at[c] === undefined);
      handler = makeHandler(columns);
      return true;
    }
    if (rec.length !== width) {
      // a spreadsheet may add or drop empty trailing cells: tolerate those only
      const extraEmpty = rec.length > width && rec.slice(width).every((v) => v.trim() === "");
      const fewerInWorkbook = detected.format === "xlsx" && rec.length < width;
      if (!extraEmpty && !fewerInWorkbook) {
        const amount = unquotedThousands(rec, width);
        issues.add(amount !== null
          ? { file, fileName, line: recordLine, column: "", value: amount, reason: "unquotedThousands" }
          : { file, fileName, line: recordLine, column: "", value: String(rec.length), reason: "columnCount" });
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

  const ok = detected.format === "xlsx"
    ? await readWorkbookRows(excel!, file, fileName, input, issues, onRecord, afterRecord, sheet)
    : await readCsvRows(file, fileName, input, detected, issues, onRecord, afterRecord);
  if (!ok) return false;
  if (!handler) {
    issues.add({ file, fileName, line: 1, column: "", value: "", reason: "emptyFile" });
    return false;
  }
  return { format: detected.format, absent };
}

type OnRecord = (rec: string[], line: number) => boolean;

/**
 * Whether a worksheet is the one asked for: its name exactly, else (a number) its position in
 * the workbook's tab order, 1 for the first. No choice: the first sheet.
 */
export function isChosenSheet(wanted: string | undefined, sheet: { name: string; position: number }): boolean {
  if (wanted === undefined) return sheet.position === 1;
  if (sheet.name === wanted) return true;
  return /^[1-9]\d{0,3}$/.test(wanted.trim()) && Number(wanted.trim()) === sheet.position;
}

/**
 * One worksheet of a workbook (the first, or `sheet`), row by row (exceljs' streaming reader:
 * the workbook is never held whole; the sheets before it are skipped unread).
 */
async function readWorkbookRows(
  excel: typeof ExcelJS, file: ImportFile, fileName: string, input: Readable, issues: IssueList, onRecord: OnRecord, afterRecord: () => Promise<void> | null,
  sheet?: string,
): Promise<boolean> {
  const reader = new excel.stream.xlsx.WorkbookReader(input, {
    worksheets: "emit", sharedStrings: "cache", styles: "cache", hyperlinks: "ignore", entries: "ignore",
  });
  let sheets = 0;
  let found = false;
  const names: string[] = [];
  try {
    for await (const ws of reader) {
      sheets++;
      const w = ws as unknown as { id: number | string; name: string };
      // the tab order is the workbook's list of sheets (xl/workbook.xml), not the files' order
      const order = (reader as unknown as { model?: { sheets?: { id: number | string }[] } }).model?.sheets ?? [];
      const at = order.findIndex((s) => String(s.id) === String(w.id));
      const position = at >= 0 ? at + 1 : sheets;
      names.push(w.name);
      if (!isChosenSheet(sheet, { name: w.name, position })) continue;
      found = true;
      for await (const row of ws) {
        const values = Array.isArray(row.values) ? row.values : [];
        const rec: string[] = [];
        for (let i = 1; i < values.length; i++) rec.push(xlsxCellText(values[i] as ExcelJS.CellValue | undefined));
        if (!onRecord(rec, row.number)) {
          input.destroy();
          return false;
        }
        const next = afterRecord();
        if (next) await next;
      }
      break; // one sheet only
    }
  } catch (e) {
    input.destroy();
    issues.add({ file, fileName, line: 1, column: "", value: String((e as Error)?.message ?? e).slice(0, 200), reason: "badWorkbook" });
    return false;
  }
  input.destroy();
  if (sheets === 0) {
    issues.add({ file, fileName, line: 1, column: "", value: "", reason: "emptyFile" });
    return false;
  }
  if (!found) {
    issues.add({ file, fileName, line: 1, column: "", value: `"${sheet}" (${names.map((n) => `"${n}"`).join(", ")})`.slice(0, 200), reason: "sheetNotFound" });
    return false;
  }
  return true;
}

/** A text file through csv-parse (decoded first when it is not UTF-8). */
async function readCsvRows(
  file: ImportFile, fileName: string, input: Readable, detected: { format: FileFormat; delimiter: "," | "\t" },
  issues: IssueList, onRecord: OnRecord, afterRecord: () => Promise<void> | null,
): Promise<boolean> {
  let line = 1;
  let lastBadCsvLine = -1;
  const parser = parse({
    bom: true,
    delimiter: detected.delimiter,
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
  const decoder = detected.format === "xlsx" ? null : textDecoderStream(detected.format);
  input.on("error", (e: Error) => parser.destroy(e));
  if (decoder) {
    decoder.on("error", (e: Error) => parser.destroy(e));
    input.pipe(decoder).pipe(parser);
  } else input.pipe(parser);

  let headerRefused = false;
  const record = (rec: string[]): boolean => {
    const recordLine = line;
    line += 1;
    for (let i = 0; i < rec.length; i++) {
      const f = rec[i]!;
      if (f.length > 0 && f.includes("\n")) line += f.split("\n").length - 1;
    }
    return onRecord(rec, recordLine);
  };
  // records are taken in batches as the parser makes them (no promise per record); reading
  // pauses while a batch of rows is handed on (staged), and resumes when it is stored
  await new Promise<void>((resolve, reject) => {
    let handing: Promise<void> | null = null;
    let ended = false;
    const stop = () => {
      input.destroy();
      decoder?.destroy();
      parser.destroy();
    };
    const fail = (e: unknown) => {
      stop();
      reject(e);
    };
    const pump = () => {
      let rec: string[] | null;
      while (!headerRefused && !handing && (rec = parser.read() as string[] | null) !== null) {
        if (!record(rec)) {
          headerRefused = true;
          stop();
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
  return !headerRefused;
}

/**
 * Header cells → canonical columns: a mapping given for the file first (`--map
 * visits.visit_date=出厂日期`), then the names and aliases of import.schema.ts. An unknown
 * column or two cells naming one column refuse the file (data would otherwise be dropped
 * silently); an optional column may be absent, a required one may not.
 */
function readHeader(file: ImportFile, fileName: string, header: string[], line: number, issues: IssueList, mapping: ColumnMapping): Columns | null {
  const known = headerMap(file);
  const at: Record<string, number | undefined> = {};
  const mapped = new Set<number>();
  let ok = true;
  for (const m of mapping.filter((x) => x.file === file)) {
    const i = header.findIndex((h) => h.trim() === m.header.trim() || normaliseHeader(h) === normaliseHeader(m.header));
    if (i < 0) {
      issues.add({ file, fileName, line, column: m.header, value: m.header, reason: "mappedColumnMissing" });
      ok = false;
      continue;
    }
    mapped.add(i);
    if (m.field !== "ignore") at[m.field] = i;
  }
  header.forEach((h, i) => {
    if (mapped.has(i)) return;
    const name = normaliseHeader(h);
    if (name === "") return; // an empty header cell (spreadsheet export): ignored
    const canonical = known.get(name);
    if (!canonical) {
      issues.add({ file, fileName, line, column: h.trim(), value: h, reason: "unknownColumn" });
      ok = false;
    } else if (mapping.some((m) => m.file === file && m.field === canonical)) {
      // the mapping chose another column for this field: this one is not read
    } else if (at[canonical] !== undefined) {
      issues.add({ file, fileName, line, column: h.trim(), value: h, reason: "duplicateColumn" });
      ok = false;
    } else at[canonical] = i;
  });
  for (const column of IMPORT_REQUIRED[file] as readonly string[]) {
    if (at[column] === undefined) {
      issues.add({ file, fileName, line, column, value: "", reason: "missingColumn" });
      ok = false;
    }
  }
  if (!ok) return null;
  return {
    at,
    issue: (rec, recordLine, column, reason, value, extra) => {
      const i = at[column];
      issues.add({ file, fileName, line: recordLine, column: i === undefined ? column : header[i]!.trim(), value: value ?? (i === undefined ? "" : rec[i] ?? ""), reason, ...extra });
    },
  };
}

const hasBadEncoding = (v: string) => v.includes("\uFFFD");
// C0 controls and DEL, except tab, line feed and carriage return (quoted fields may hold line breaks)
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const cell = (rec: string[], i: number | undefined) => {
  const v = i === undefined ? undefined : rec[i];
  return v === undefined ? "" : v.trim();
};

/**
 * A text cell: the value, null when empty and optional, undefined when refused (the issue
 * is recorded).
 */
function textCell(c: Columns, rec: string[], line: number, column: string, max: number, required: boolean): string | null | undefined {
  const v = cell(rec, c.at[column]);
  if (v === "") {
    if (required) c.issue(rec, line, column, "required");
    return required ? undefined : null;
  }
  if (hasBadEncoding(v)) { c.issue(rec, line, column, "badEncoding"); return undefined; }
  if (v.length > max) { c.issue(rec, line, column, "tooLong"); return undefined; }
  return v;
}

function dateCell(c: Columns, rec: string[], line: number, column: string, required: boolean): string | null | undefined {
  const v = cell(rec, c.at[column]);
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
  /** header cells chosen for fields (or ignored), before the names and aliases */
  mapping?: ColumnMapping;
  /** the worksheet read from each workbook (name or 1-based position); the first when absent */
  sheet?: string;
}

/** Reads and checks the files; rows are only returned when there is no issue at all. */
export async function readImportFiles(
  files: Partial<Record<ImportFile, ImportSource>>,
  opts: ReadOptions,
): Promise<{ parsed: ParsedFiles; issues: IssueList }> {
  const issues = new IssueList();
  const parsed: ParsedFiles = { fileNames: {}, rowCounts: {}, formats: {}, absent: {} };
  const read = async (file: ImportFile, source: ImportSource, makeHandler: (columns: Columns) => RowHandler, afterRecord: () => Promise<void> | null) => {
    const result = await readFile(file, source, issues, onBytes, makeHandler, afterRecord, opts.mapping, opts.sheet);
    if (!result) return false;
    if (result.format) parsed.formats[file] = result.format;
    parsed.absent[file] = result.absent;
    return true;
  };
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
    const ok = await read("customers", files.customers, (c) => {
      const { at } = c;
      return (rec, line) => {
        const before = issues.count;
        const code = textCell(c, rec, line, "customer_code", 64, true);
        if (code) {
          checkDuplicate(seen, code, c, rec, line, "customer_code");
          fileCodes.add(code);
        }
        const name = textCell(c, rec, line, "name", 100, true);
        const phoneRaw = cell(rec, at.phone);
        const phone = phoneRaw === "" ? null : parsePhone(phoneRaw);
        if (phone === "badPhone" || phone === "scientificNumber") c.issue(rec, line, "phone", phone);
        const g = cell(rec, at.gender);
        const gender = g === "" ? null : parseGender(g);
        if (gender === undefined) c.issue(rec, line, "gender", "badGender");
        const u = cell(rec, at.usage);
        const usage = u === "" ? null : parseUsage(u);
        if (usage === undefined) c.issue(rec, line, "usage", "badUsage");
        const { prefs, unknown } = parsePreferences(cell(rec, at.preferences));
        for (const key of unknown) c.issue(rec, line, "preferences", "badPreference", key);
        const dnc = parseFlag(cell(rec, at.do_not_contact));
        if (dnc === undefined) c.issue(rec, line, "do_not_contact", "badFlag");
        if (issues.count === before && issues.count === 0) {
          rows.push({ code: code!, name: name!, phone: phone as string | null, gender: gender!, usage: usage!, dnc: dnc!, prefs });
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
    const ok = await read("vehicles", files.vehicles, (c) => {
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
        const kmRaw = cell(rec, at.mileage_km);
        const km = kmRaw === "" ? null : parseMileage(kmRaw) ?? undefined;
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
    await read("visits", files.visits, (c) => {
      const { at } = c;
      return (rec, line) => {
        const before = issues.count;
        const ro = textCell(c, rec, line, "ro_number", 64, true);
        if (ro) checkDuplicate(seen, ro, c, rec, line, "ro_number");
        const vinText = textCell(c, rec, line, "vin", 32, true);
        const vin = vinText ? vinText.toUpperCase() : undefined;
        if (vin && referencesReliable && !fileVins.has(vin) && !knownVins.has(vin)) c.issue(rec, line, "vin", "unknownVin");
        const date = dateCell(c, rec, line, "visit_date", true);
        const typeRaw = cell(rec, at.type);
        const type = typeRaw === "" ? undefined : parseVisitType(typeRaw);
        if (typeRaw === "") c.issue(rec, line, "type", "required");
        else if (!type) c.issue(rec, line, "type", "unknownType");
        const amountRaw = cell(rec, at.amount);
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
