/**
 * Web imports run as background jobs of the server process: the upload request records the
 * job (import_jobs, one running import per store across every app server) and returns at once
 * (redirect to the job page); the import runs on its own database connection through the same
 * path as the command line (importCustomerBase), writing its progress to the job row, which
 * the job page polls — from any app server.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  MaxPartSizeExceededError, NodeOnDiskFile, unstable_composeUploadHandlers, unstable_createFileUploadHandler,
  unstable_createMemoryUploadHandler, unstable_parseMultipartFormData,
} from "@remix-run/node";
import { createDb, parseDatabaseUrl, type DB } from "#db/client";
import { getEnv } from "~/utils/env.server";
import { ACTIVE_STATUSES, activeImportOf, nobodyRuns, runningHere } from "./import-lease.server";
import { getDb } from "~/utils/db.server";
import { recoverImports } from "./import-apply.server";
import { importCustomerBase, recordImportJob, type ImportProgress } from "./import.server";
import { IMPORT_FILES, MAX_UPLOAD_BYTES, type ImportFile, type ImportOutcome } from "./import.schema";

export interface UploadedFile { path: string; name: string }

export { ImportAlreadyRunning } from "./import-lease.server";

const UPLOAD_DIR = path.join(os.tmpdir(), "campaign-planner-uploads");

/**
 * The three file fields of an upload form, streamed to a temporary folder (each file is
 * removed when its import is over). "tooLarge" when a file exceeds MAX_UPLOAD_BYTES.
 */
export async function readImportUpload(request: Request): Promise<Partial<Record<ImportFile, UploadedFile>> | "tooLarge" | "unreadable"> {
  if (!request.headers.get("content-type")?.startsWith("multipart/form-data")) return {};
  const originalNames = new Map<string, string>(); // field → the name of the user's file
  const handler = unstable_composeUploadHandlers(
    unstable_createFileUploadHandler({
      directory: UPLOAD_DIR,
      maxPartSize: MAX_UPLOAD_BYTES,
      filter: ({ name }) => (IMPORT_FILES as readonly string[]).includes(name),
      file: ({ name, filename }) => {
        originalNames.set(name, path.basename(filename.replace(/\\/g, "/")).slice(0, 200));
        return `${crypto.randomBytes(12).toString("hex")}.csv`;
      },
    }),
    unstable_createMemoryUploadHandler({ maxPartSize: 10_000 }),
  );
  try {
    const form = await unstable_parseMultipartFormData(request, handler);
    const files: Partial<Record<ImportFile, UploadedFile>> = {};
    for (const kind of IMPORT_FILES) {
      const f = form.get(kind);
      if (f instanceof NodeOnDiskFile && f.size > 0) files[kind] = { path: f.getFilePath(), name: originalNames.get(kind) ?? `${kind}.csv` };
      else if (f instanceof NodeOnDiskFile) await f.remove();
    }
    return files;
  } catch (e) {
    if (e instanceof MaxPartSizeExceededError) return "tooLarge";
    // Remix's multipart parser cannot read the body: a part's name or file name holding ";"
    // or "=", a part without a name, a body cut short. A refusal, not a server error.
    // A system error (ENOSPC writing the upload, EACCES…) is the server's problem: rethrown.
    const code = (e as NodeJS.ErrnoException | null)?.code;
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) throw e;
    return "unreadable";
  }
}

declare global {
  // eslint-disable-next-line no-var
  var __importJobs: Map<number, Promise<void>> | undefined;
}
/** Background runs of this process, by job id (only so that tests can wait for one). */
const live = (globalThis.__importJobs ??= new Map<number, Promise<void>>());

/** A connection of its own for the import (the app's one connection stays free for requests). */
function openWorkConnection(db: DB): { work: DB; close: () => Promise<void> } {
  const target = parseDatabaseUrl(getEnv().DATABASE_URL);
  if (target.kind === "sqlite" && target.filename === ":memory:") return { work: db, close: async () => {} };
  const work = createDb(getEnv().DATABASE_URL);
  return { work, close: () => work.destroy() };
}

/**
 * Records a job and starts the import in the background; returns the job id at once.
 * One import at a time per store, across every process on the database (ImportAlreadyRunning).
 */
export async function startImportJob(
  db: DB,
  { storeId, userId, files, connection }: {
    storeId: number;
    userId: number;
    files: Partial<Record<ImportFile, UploadedFile>>;
    /** tests: the connection the import runs on (default: a new one to DATABASE_URL) */
    connection?: { work: DB; close: () => Promise<void> };
  },
): Promise<number> {
  let id: number;
  try {
    const names = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, f!.name]));
    id = await recordImportJob(db, { storeId, userId, files: names });
  } catch (e) {
    // refused before it started (another import running, the database not writable): the
    // uploaded files are not kept
    await removeUploads(files);
    throw e;
  }
  // this process runs the job from now on (a second upload in the same moment sees it alive)
  const done = runningHere(id, () => runJob(id, storeId, userId, files, connection ?? openWorkConnection(db)))
    .finally(() => live.delete(id));
  live.set(id, done);
  return id;
}

async function removeUploads(files: Partial<Record<ImportFile, UploadedFile>>) {
  await Promise.all(Object.values(files).map((f) => fs.promises.rm(f!.path, { force: true }).catch(() => {})));
}

async function runJob(
  id: number, storeId: number, userId: number, files: Partial<Record<ImportFile, UploadedFile>>,
  connection: { work: DB; close: () => Promise<void> },
) {
  await new Promise<void>((resolve) => setImmediate(resolve)); // let the upload request answer first
  try {
    await importCustomerBase(connection.work, {
      jobId: id, store: { id: storeId }, userId, source: "web",
      files: Object.fromEntries(Object.entries(files).map(([k, f]) => [k, { path: f!.path, name: f!.name }])),
    });
  } catch (e) {
    // recorded on the job row (failed before the commit point; left to recovery after it)
    console.error(`import #${id}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await connection.close().catch(() => {});
    await removeUploads(files);
  }
}

export type ImportJobView = {
  id: number;
  /**
   * running: reading, checking or writing; interrupted: its process stopped before the commit
   * point (nothing imported); stalled: its process stopped while writing (it is completed by
   * the next recovery)
   */
  status: "running" | "done" | "refused" | "failed" | "interrupted" | "stalled";
  files: Partial<Record<ImportFile, string>>;
  progress: ImportProgress | null;
  outcome: ImportOutcome | null;
  message: string | null;
  createdAt: string;
};

/** A job of the store with its progress (from the database: the same on every app server); null when not found in this store. */
export async function getImportJob(db: DB, { storeId, id }: { storeId: number; id: number }): Promise<ImportJobView | null> {
  const row = await db.selectFrom("import_jobs").selectAll().where("store_id", "=", storeId).where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  const active = (ACTIVE_STATUSES as readonly string[]).includes(row.status);
  const abandoned = active && nobodyRuns(row);
  return {
    id: row.id,
    status: row.status === "running" ? (abandoned ? "interrupted" : "running")
      : row.status === "applying" ? (abandoned ? "stalled" : "running")
      : row.status,
    files: JSON.parse(row.files),
    progress: active && row.phase ? { phase: row.phase === "writing" ? "writing" : "reading", done: Number(row.progress_done), total: Number(row.progress_total) } : null,
    outcome: row.outcome ? JSON.parse(row.outcome) : null,
    message: row.message,
    createdAt: row.created_at,
  };
}

/**
 * Every `everyMs`, looks for imports whose process is gone (another app server, a killed
 * command) and finishes them (past their commit point) or marks them interrupted — so that a
 * dead process never keeps a store "importing" until the next restart. Returns a stop function
 * (which waits for a check under way).
 */
export function startImportWatchdog(
  { everyMs = 15_000, db = getDb, connect = openWorkConnection }:
    { everyMs?: number; db?: () => DB; connect?: (app: DB) => { work: DB; close: () => Promise<void> } } = {},
): () => Promise<void> {
  let busy: Promise<void> | null = null;
  const tick = async () => {
    try {
      const app = db();
      const active = await app.selectFrom("import_jobs").selectAll().where("status", "in", ACTIVE_STATUSES).execute();
      if (!active.some((j) => nobodyRuns(j))) return;
      const { work, close } = connect(app);
      try {
        await recoverImports(work, { log: (line) => console.log(line) });
      } finally {
        await close();
      }
    } catch (e) {
      console.error(`import watchdog: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const timer = setInterval(() => {
    busy ??= tick().finally(() => { busy = null; });
  }, everyMs);
  timer.unref();
  /** stops the watchdog, after the check under way */
  return async () => {
    clearInterval(timer);
    await busy;
  };
}

/**
 * What readers of the store are told while an import is written into it (docs/decisions/013):
 * the job, how far it is, and whether its process stopped (it is then completed by recovery).
 */
export async function importBeingApplied(db: DB, { storeId }: { storeId: number }): Promise<{ id: number; percent: number; stalled: boolean } | null> {
  const job = await activeImportOf(db, { storeId });
  if (!job || job.status !== "applying") return null;
  const total = Number(job.progress_total);
  return { id: job.id, percent: total > 0 ? Number(job.progress_done) / total : 0, stalled: nobodyRuns(job) };
}

/** Waits for a background job of this process to finish (tests). */
export async function waitForImportJob(id: number): Promise<void> {
  await live.get(id);
}
