/**
 * The one CSV writer of the app (browser-safe, pure): the review, invitation messages, export
 * tables and `cli segments` all write through it.
 *
 * Formula-injection safe: a text cell starting with = + - @, a tab or a carriage return gets a
 * leading apostrophe so spreadsheets show it as text; cells with quotes, commas or line breaks
 * are quoted (quotes doubled), so names round-trip. Numbers stay numbers (negative numbers are
 * written as numbers, not escaped). Money cells are yuan with two decimals, date cells
 * YYYY-MM-DD. A download is UTF-8 with a BOM (Excel on Chinese Windows then reads it as
 * UTF-8) and CRLF line ends.
 */
import { fenToYuanText } from "~/utils/money";

/** An amount in fen, written as yuan (CSV "12.50", xlsx the number 12.5 shown as 0.00). */
export interface MoneyCell { fen: number }
/** A calendar day `YYYY-MM-DD` (xlsx: a real date cell). */
export interface DateCell { date: string }
export type Cell = string | number | null | undefined | MoneyCell | DateCell;

export const money = (fen: number | null | undefined): MoneyCell | null => (fen === null || fen === undefined ? null : { fen });
export const day = (iso: string | null | undefined): DateCell | null => (iso ? { date: iso.slice(0, 10) } : null);

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "object") return "fen" in value ? fenToYuanText(value.fen) : csvCell(value.date);
  let s = value;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: readonly Cell[]): string {
  return cells.map(csvCell).join(",");
}

/** A whole download: BOM, the lines, CRLF after each. */
export function csvDocument(rows: Iterable<readonly Cell[]>): string {
  let out = "\uFEFF";
  for (const r of rows) out += csvLine(r) + "\r\n";
  return out;
}

/** Parses CSV text back into rows (RFC 4180), for tests and round-trips. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { row.push(cell); cell = ""; }
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell); rows.push(row); row = []; cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
