/**
 * An export table (issue 12): what the CSV and .xlsx writers need, built by plain row
 * builders (export-rows.server.ts, review-csv.ts). Rows may be an async iterable so a large
 * segment is read page by page and never held whole.
 */
import type { Cell } from "~/utils/csv";

export interface ExportColumn {
  /** the header, in the reader's language */
  header: string;
  /** a text column (phones, codes): stored as text with the "@" format so Excel keeps every digit */
  text?: boolean;
  /** width in characters for the .xlsx */
  width?: number;
}

export interface ExportTable {
  /** the worksheet's name, in the reader's language */
  sheetName: string;
  /** the file name without its extension (ASCII) */
  fileStem: string;
  /** a header row first when set (the review writes its own section headers) */
  columns?: ExportColumn[];
  rows: Iterable<Cell[]> | AsyncIterable<Cell[]>;
}
