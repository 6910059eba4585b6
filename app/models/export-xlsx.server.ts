/**
 * The .xlsx writer (issue 12): exceljs' streaming WorkbookWriter, one worksheet, a bold and
 * frozen header row, money cells as numbers in yuan with a 0.00 format, date cells as real
 * dates (yyyy-mm-dd), text columns (phones) as text. Text is written as text, never as a
 * formula, so a name such as "=1+1" cannot run. exceljs is loaded on the first export (as the
 * import does: ~0.2 s that every server start would otherwise pay).
 */
import { once } from "node:events";
import { PassThrough, type Readable, type Writable } from "node:stream";
import type ExcelJS from "exceljs";
import type { Cell } from "~/utils/csv";
import type { ExportTable } from "./export-table";

export const MONEY_FORMAT = "0.00";
export const DATE_FORMAT = "yyyy-mm-dd";

/** Characters a sheet name may not hold, and its 31-character limit. */
export function safeSheetName(name: string): string {
  const clean = name.replace(/[\\/?*:[\]]/g, " ").replace(/^'+|'+$/g, "").trim().slice(0, 31);
  return clean || "Sheet1";
}

/** A cell's value and number format in the workbook. */
export function xlsxValue(cell: Cell): { value: ExcelJS.CellValue; numFmt?: string } {
  if (cell === null || cell === undefined) return { value: null };
  if (typeof cell === "number") return { value: Number.isFinite(cell) ? cell : null };
  if (typeof cell === "string") return { value: cell };
  if ("fen" in cell) return { value: cell.fen / 100, numFmt: MONEY_FORMAT };
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(cell.date);
  // a calendar day: midnight UTC is the day's serial number in the file (no time zone shift)
  return m ? { value: new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))), numFmt: DATE_FORMAT } : { value: cell.date };
}

async function write(stream: PassThrough, table: ExportTable) {
  const Excel = (await import("exceljs")).default;
  const wb = new Excel.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(safeSheetName(table.sheetName), table.columns ? { views: [{ state: "frozen", ySplit: 1 }] } : {});
  const columns = table.columns ?? [];
  if (columns.length) {
    ws.columns = columns.map((c) => ({ key: undefined, width: c.width ?? Math.max(10, Math.min(40, c.header.length * 2 + 2)), style: c.text ? { numFmt: "@" } : {} }));
    const header = ws.addRow(columns.map((c) => c.header));
    header.font = { bold: true };
    header.commit();
  }
  let n = 0;
  for await (const cells of table.rows) {
    const values = cells.map(xlsxValue);
    const row = ws.addRow(values.map((v) => v.value));
    values.forEach((v, i) => {
      if (v.numFmt) row.getCell(i + 1).numFmt = v.numFmt;
      else if (columns[i]?.text) row.getCell(i + 1).numFmt = "@";
    });
    row.commit();
    if (++n % 500 === 0) await drained(ws, stream);
  }
  ws.commit();
  await wb.commit();
}

/**
 * Waits while the zip's input holds more than its buffer: exceljs' sheet stream writes into the
 * archiver's entry stream (readable-stream 2, hence `_writableState`) without heeding its
 * backpressure, so without this a large sheet piled up uncompressed (measured: ~0.44 KB per row,
 * 600,000 rows → +260 MB of memory); with it a slow zip or a slow client slows the writer down.
 */
async function drained(ws: unknown, out: PassThrough) {
  const pipe = (ws as { stream?: { pipes?: (Writable & { _writableState?: { needDrain?: boolean } })[] } }).stream?.pipes?.[0];
  if (out.destroyed) throw new Error("download closed");
  if (pipe && (pipe.writableNeedDrain || pipe._writableState?.needDrain)) {
    // a download the client gave up on: stop reading rows (the listener left is removed either way)
    const ac = new AbortController();
    const ignore = () => undefined;
    try {
      await Promise.race([
        once(pipe, "drain", { signal: ac.signal }).then(ignore, ignore),
        once(out, "close", { signal: ac.signal }).then(() => { throw new Error("download closed"); }, ignore),
      ]);
    } finally {
      ac.abort();
    }
  }
}

/** The workbook as a byte stream (written as the rows arrive). */
export function xlsxStream(table: ExportTable): Readable {
  const stream = new PassThrough();
  write(stream, table).catch((e: unknown) => stream.destroy(e instanceof Error ? e : new Error(String(e))));
  return stream;
}
