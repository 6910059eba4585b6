/**
 * The customer-base import (基盘客户导入): customers.csv, vehicles.csv and visits.csv of a
 * dealer management system into one store, all or nothing — the one path of the web page
 * (import-job.server.ts) and the command line (`cli import`).
 *
 * 1. a job is recorded (import_jobs: one running import per store, its progress and lease);
 * 2. every row of every file is read and checked (streaming); checked rows are staged in short
 *    transactions while no issue has been seen;
 * 3. any issue → the report (every bad row), the staged rows are dropped, the main tables untouched;
 * 4. otherwise the commit point, then the staged rows are applied in short transactions and the
 *    job finished (import-apply.server.ts; a process killed after the commit point leaves a job
 *    that recovery rolls forward). Counts per file: inserted / updated / unchanged.
 * No transaction holds the write lock for more than about DEFAULT_PACE.holdMs (docs/decisions/013).
 */
import type { DB } from "#db/client";
import { sql } from "kysely";
import { tuneForBulkWrites } from "#db/dialect";
import { readImportFiles, sourceName, type ImportSource } from "./import-csv.server";
import {
  applyImport, cleanupStaged, commitImport, DEFAULT_PACE, recoverImports, releaseImport, STAGE_BATCH, stageRows, WritePacer, type PaceStats, type StagedRow,
} from "./import-apply.server";
import {
  createImportJob, ImportAlreadyRunning, ImportLeaseLost, ImportNeedsRecovery, OWNER, ProgressWriter, runningHere, type ImportJobRow,
} from "./import-lease.server";
import enCustomers from "~/locales/en/customers.json";
import zhCustomers from "~/locales/zh-CN/customers.json";
import { IMPORT_FILES, type ColumnMapping, type ImportFile, type ImportOutcome } from "./import.schema";
import { getStoreByCode } from "./store.server";

export type { ImportSource } from "./import-csv.server";
export { normalizePhone, parseImportDate, parseAmount } from "./import-csv.server";
export { ImportAlreadyRunning } from "./import-lease.server";
export { recoverImports } from "./import-apply.server";

export interface ImportProgress {
  phase: "reading" | "writing";
  done: number;
  total: number;
}

export interface ImportOptions {
  /** an existing store, or a code (the store is created at the commit point when new) */
  store: { id: number } | { code: string; name?: string };
  files: Partial<Record<ImportFile, ImportSource>>;
  onProgress?: (p: ImportProgress) => void;
  /** rows per transaction, fixed (tests); by default sized to hold the lock about pace.holdMs */
  chunkSize?: number;
  pace?: { holdMs: number; gapMs: number };
  /** a job this process recorded already (the web upload); otherwise one is recorded here */
  jobId?: number;
  userId?: number | null;
  source?: "web" | "cli";
  /** header cells chosen for fields (`--map visits.visit_date=出厂日期`) */
  mapping?: ColumnMapping;
  /** the worksheet read from each workbook (`--sheet 工单` or `--sheet 2`); the first when absent */
  sheet?: string;
  /** told how long the import's transactions held the write lock */
  onStats?: (s: PaceStats & { optimizeMs: number; jobId: number }) => void;
}

/**
 * Thrown when an import passed its commit point but could not be written to its end (the
 * database refused a write): the import will be completed by the next recovery — the server's
 * start or watchdog, `cli migrate`, or the next import of the store.
 */
export class ImportNotFinished extends Error {
  constructor(readonly jobId: number, cause: unknown) {
    super(`import #${jobId} was accepted but could not be written to its end (${cause instanceof Error ? cause.message : String(cause)}); ` +
      "it is completed automatically by the next server start, `cli migrate` or the next import of this store", { cause });
  }
}

/**
 * The planner's statistics of the tables an import grew, one table per short transaction
 * (a bounded ANALYZE on SQLite: analysis_limit, tuneForBulkWrites; PostgreSQL's ANALYZE
 * samples and blocks no writer). Decision 007: without statistics SQLite picks poor indexes.
 */
async function refreshImportStatistics(db: DB, pacer: WritePacer) {
  for (const table of ["customers", "customer_preferences", "vehicles", "service_visits", "customer_changes"]) {
    await pacer.tx(db, (trx) => sql`analyze ${sql.table(table)}`.execute(trx), { kind: "analyze", rows: 0 });
  }
}

/** Records a job for this process, finishing a crashed import of the same store first. */
async function newJob(db: DB, input: Parameters<typeof createImportJob>[1]): Promise<ImportJobRow> {
  try {
    return await createImportJob(db, input);
  } catch (e) {
    if (!(e instanceof ImportNeedsRecovery)) throw e;
    await recoverImports(db, { storeCode: input.storeCode });
    try {
      return await createImportJob(db, input);
    } catch (again) {
      // still not finished (another process is at it, or the database refuses it)
      if (again instanceof ImportNeedsRecovery) throw new ImportAlreadyRunning();
      throw again;
    }
  }
}

/** Records a job for an upload before its import runs in the background (import-job.server.ts). */
export async function recordImportJob(
  db: DB,
  { storeId, userId, files }: { storeId: number; userId: number | null; files: Record<string, string> },
): Promise<number> {
  const store = await db.selectFrom("stores").select(["id", "code"]).where("id", "=", storeId).executeTakeFirstOrThrow();
  return (await newJob(db, { storeId: store.id, storeCode: store.code, userId, source: "web", files })).id;
}

async function endJob(db: DB, jobId: number, status: "refused" | "failed", outcome: ImportOutcome | null, message: string | null) {
  await db.updateTable("import_jobs").set({
    status, outcome: outcome ? JSON.stringify(outcome) : null, message, finished_at: new Date().toISOString(), owner: null, phase: null,
  }).where("id", "=", jobId).where("owner", "=", OWNER).where("status", "=", "running").execute();
}

/** Imports a file set into a store; see the module comment. Throws only on I/O or database failures. */
export async function importCustomerBase(db: DB, opts: ImportOptions): Promise<ImportOutcome> {
  const existingStore = "id" in opts.store
    ? await db.selectFrom("stores").selectAll().where("id", "=", opts.store.id).executeTakeFirst()
    : await getStoreByCode(db, opts.store.code);
  if ("id" in opts.store && !existingStore) throw new Error(`no store with id ${opts.store.id}`);
  const storeCode = existingStore?.code ?? (opts.store as { code: string }).code;
  const fileNames = Object.fromEntries(
    IMPORT_FILES.filter((f) => opts.files[f]).map((f) => [f, sourceName(opts.files[f]!, f)]),
  ) as Partial<Record<ImportFile, string>>;
  const jobId = opts.jobId ?? (await newJob(db, {
    storeId: existingStore?.id ?? null, storeCode, userId: opts.userId ?? null, source: opts.source ?? "cli", files: fileNames,
  })).id;
  await tuneForBulkWrites(db);
  const pacer = new WritePacer({ ...(opts.pace ?? DEFAULT_PACE), fixedChunk: opts.chunkSize });
  const progress = new ProgressWriter(db, jobId);
  const report = (p: ImportProgress) => {
    opts.onProgress?.(p);
    progress.report(p);
  };

  return runningHere(jobId, async () => {
    let committed = false;
    try {
      let reading = { phase: "reading" as const, done: 0, total: 0 };
      const batches: Record<ImportFile, number> = { customers: 0, vehicles: 0, visits: 0 };
      // rows per staged batch (the unit of the apply); a test's fixed chunk size is one batch
      const batchSize = Object.fromEntries(IMPORT_FILES.map((f) => [f, Math.min(STAGE_BATCH[f], opts.chunkSize ?? Infinity)])) as Record<ImportFile, number>;
      const storeId = existingStore?.id;
      const { parsed, issues } = await readImportFiles(opts.files, {
        existingCodes: async () =>
          new Set(storeId === undefined ? [] : (await db.selectFrom("customers").select("customer_code").where("store_id", "=", storeId).execute()).map((r) => r.customer_code)),
        existingVins: async () =>
          new Set(storeId === undefined ? [] : (await db.selectFrom("vehicles").select("vin").where("store_id", "=", storeId).execute()).map((r) => r.vin)),
        onProgress: (done, total) => report((reading = { phase: "reading", done, total })),
        mapping: opts.mapping,
        sheet: opts.sheet,
        // whole batches at a time, as many as a short transaction takes
        batchRows: (file) => batchSize[file] * Math.max(1, Math.round(pacer.size("stage", 10_000) / batchSize[file])),
        onRows: async (file, rows) => {
          await progress.check();
          batches[file] += await stageRows(db, pacer, {
            jobId, file, firstBatch: batches[file] + 1, batchSize: batchSize[file], rows: rows as StagedRow<typeof file>[], progress: reading,
          });
          progress.written();
        },
      });
      await progress.check();
      if (issues.count > 0) {
        const outcome: ImportOutcome = {
          ok: false, issues: issues.items, issueCount: issues.count, truncated: issues.count > issues.items.length, formats: parsed.formats,
        };
        await endJob(db, jobId, "refused", outcome, null);
        await cleanupStaged(db, pacer, jobId);
        return outcome;
      }
      const staged = Object.fromEntries(IMPORT_FILES.filter((f) => parsed.rowCounts[f] !== undefined)
        .map((f) => [f, { rows: parsed.rowCounts[f]!, batches: batches[f], batchSize: batchSize[f] }]));
      await commitImport(db, pacer, { jobId, store: existingStore ? { id: existingStore.id } : opts.store, staged, fileNames: parsed.fileNames,
        formats: parsed.formats, absent: parsed.absent,
      });
      committed = true;
      const outcome = await applyImport(db, pacer, jobId, report);
      await cleanupStaged(db, pacer, jobId);
      const t = performance.now();
      await refreshImportStatistics(db, pacer);
      opts.onStats?.({ ...pacer.stats(), optimizeMs: performance.now() - t, jobId });
      if (process.env.IMPORT_DEBUG_HOLDS) {
        for (const [kind, k] of pacer.byKind) {
          console.error(`[import] ${kind}: ${k.n} transactions, ${k.rows} rows, held ${k.heldMs.toFixed(0)} ms, cpu ${k.cpuMs.toFixed(0)} ms`);
        }
      }
      return outcome;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (e instanceof ImportLeaseLost) throw e; // another process runs it now: nothing of ours to record
      if (committed) {
        await releaseImport(db, jobId, message).catch(() => {});
        throw new ImportNotFinished(jobId, e);
      }
      await endJob(db, jobId, "failed", null, message).catch(() => {});
      await cleanupStaged(db, pacer, jobId).catch(() => {});
      throw e;
    }
  });
}

// ── texts for the command line (from the same catalogs as the page) ───────────────

export type CliLang = "en" | "zh-CN";
const CATALOG = { en: enCustomers.import, "zh-CN": zhCustomers.import } as const;
const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(values[k] ?? ""));

/** "customers.csv: read as GB18030 (GBK)" lines: how each file was read. */
export function formatImportFormats(outcome: ImportOutcome, fileNames: Partial<Record<ImportFile, string>>, lang: CliLang = "en"): string[] {
  const c = CATALOG[lang];
  return IMPORT_FILES.filter((f) => outcome.formats?.[f]).map((f) =>
    fill(c.readAs, { file: fileNames[f] ?? (outcome.ok ? outcome.counts[f]?.fileName : undefined) ?? f, format: c.formats[outcome.formats![f]!] }));
}

/** `customers.csv: 3 inserted, 1 updated, 0 unchanged` lines of a successful import. */
export function formatImportSummary(outcome: Extract<ImportOutcome, { ok: true }>, storeCode: string, lang: CliLang = "en"): string[] {
  const c = CATALOG[lang];
  const lines = outcome.storeCreated ? [fill(c.cli.storeCreated, { code: storeCode })] : [];
  for (const file of IMPORT_FILES) {
    const n = outcome.counts[file];
    if (n) lines.push(fill(c.cli.counts, { file: n.fileName, inserted: n.inserted, updated: n.updated, unchanged: n.unchanged }));
  }
  return lines;
}

/** One line per bad row: `visits.csv line 7, column amount, value "-5": negative amount`. */
export function formatImportIssues(outcome: Extract<ImportOutcome, { ok: false }>, lang: CliLang = "en"): string[] {
  const c = CATALOG[lang];
  const reasons: Record<string, string> = c.reasons;
  const lines = [fill(c.cli.refused, { count: outcome.issueCount })];
  for (const i of outcome.issues) {
    const where = [
      fill(c.cli.where, { file: i.fileName, line: i.line }),
      i.column ? fill(c.cli.column, { column: i.column }) : "",
      i.value !== "" ? fill(c.cli.value, { value: JSON.stringify(i.value) }) : "",
    ].filter(Boolean).join(c.cli.separator);
    lines.push(`${where}${c.cli.because}${fill(reasons[i.reason]!, { firstLine: i.firstLine ?? "", value: i.value })}`);
  }
  if (outcome.truncated) lines.push(fill(c.cli.more, { count: outcome.issueCount - outcome.issues.length }));
  return lines;
}
