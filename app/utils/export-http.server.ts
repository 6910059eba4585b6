/**
 * An export table as a download (issue 12): `?format=xlsx|csv` parsed with zod, the file
 * streamed (CSV: UTF-8 with BOM, CRLF, the shared formula-safe writer; .xlsx: export-xlsx).
 * Every download route (`*.export.ts`, `*.csv.ts`) answers through `exportDownload`.
 */
import { Readable } from "node:stream";
import { createReadableStreamFromReadable } from "@remix-run/node";
import type { TFunction } from "i18next";
import { z } from "zod";
import { CampaignNotFound, SegmentNotFound } from "~/models/errors";
import { EXPORT_FORMATS, type ExportFormat } from "~/models/export.constants";
import type { ExportTable } from "~/models/export-table";
import { xlsxStream } from "~/models/export-xlsx.server";
import { csvLine } from "~/utils/csv";
import { notFound, requestRefused } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { fixedT } from "~/utils/i18n-resources.server";

const ExportQuery = z.object({ format: z.enum(EXPORT_FORMATS).default("xlsx") });

/** The format asked for (xlsx when absent); anything else is a 400. */
export function exportFormat(request: Request): ExportFormat {
  const raw = new URL(request.url).searchParams.get("format");
  const parsed = ExportQuery.safeParse({ format: raw ?? undefined });
  if (!parsed.success) requestRefused(400, "bad_format", "format must be xlsx or csv");
  return parsed.data.format;
}

async function* csvChunks(table: ExportTable) {
  yield "\uFEFF";
  if (table.columns) yield csvLine(table.columns.map((c) => c.header)) + "\r\n";
  for await (const r of table.rows) yield csvLine(r) + "\r\n";
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv; charset=utf-8",
};

export function exportResponse(table: ExportTable, format: ExportFormat): Response {
  const body = format === "xlsx" ? xlsxStream(table) : Readable.from(csvChunks(table));
  return new Response(createReadableStreamFromReadable(body), {
    headers: {
      "Content-Type": CONTENT_TYPES[format],
      "Content-Disposition": `attachment; filename="${table.fileStem.replace(/[^\w.-]/g, "_")}.${format}"`,
      "Cache-Control": "no-store",
    },
  });
}

/**
 * A download route's body: `build` makes the table in the reader's language (or answers with a
 * Response of its own, e.g. a redirect when there is nothing to export yet); another store's or
 * a missing campaign or segment is a 404. `format`: the query's (`?format=`) unless the route fixes it.
 */
export async function exportDownload(
  request: Request,
  build: (t: TFunction) => Promise<ExportTable | Response>,
  format: ExportFormat = exportFormat(request),
): Promise<Response> {
  const t = fixedT(await getLocale(request));
  try {
    const table = await build(t);
    return table instanceof Response ? table : exportResponse(table, format);
  } catch (e) {
    if (e instanceof CampaignNotFound || e instanceof SegmentNotFound) notFound();
    throw e;
  }
}
