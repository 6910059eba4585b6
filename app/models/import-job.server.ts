/**
 * Web imports run as background jobs of the server process: the upload request returns at
 * once (redirect to the job page), the import runs on its own database connection and
 * yields to the event loop between chunks, so other requests keep being served (reads see
 * the data as before the import until it commits). Live progress is kept in memory (the
 * import's transaction holds SQLite's write lock, so progress could not be written to the
 * database meanwhile); the import_jobs row records the outcome.
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
import { importCustomerBase, type ImportProgress } from "./import.server";
import { IMPORT_FILES, MAX_UPLOAD_BYTES, type ImportFile, type ImportOutcome } from "./import.schema";

export interface UploadedFile { path: string; name: string }

export class ImportAlreadyRunning extends Error {}

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

interface LiveJob { storeId: number; progress: ImportProgress | null; done: Promise<void> }

declare global {
  // eslint-disable-next-line no-var
  var __importJobs: Map<number, LiveJob> | undefined;
}
const live = (globalThis.__importJobs ??= new Map<number, LiveJob>());

/** A connection of its own for the import (the app's one connection stays free for requests). */
function openWorkConnection(db: DB): { work: DB; close: () => Promise<void> } {
  const target = parseDatabaseUrl(getEnv().DATABASE_URL);
  if (target.kind === "sqlite" && target.filename === ":memory:") return { work: db, close: async () => {} };
  const work = createDb(getEnv().DATABASE_URL);
  return { work, close: () => work.destroy() };
}

/**
 * Records a job and starts the import in the background; returns the job id at once.
 * One import at a time per store (in this process).
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
  let row: { id: number };
  try {
    for (const job of live.values()) if (job.storeId === storeId) throw new ImportAlreadyRunning();
    const names = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, f!.name]));
    row = await db.insertInto("import_jobs")
      .values({ store_id: storeId, user_id: userId, status: "running", files: JSON.stringify(names), created_at: new Date().toISOString() })
      .returning("id").executeTakeFirstOrThrow();
  } catch (e) {
    // refused before it started (another import running, the database not writable): the
    // uploaded files are not kept
    await removeUploads(files);
    throw e;
  }
  const job: LiveJob = { storeId, progress: null, done: Promise.resolve() };
  live.set(row.id, job);
  job.done = runJob(db, row.id, job, files, connection ?? openWorkConnection(db));
  return row.id;
}

async function removeUploads(files: Partial<Record<ImportFile, UploadedFile>>) {
  await Promise.all(Object.values(files).map((f) => fs.promises.rm(f!.path, { force: true }).catch(() => {})));
}

async function runJob(db: DB, id: number, job: LiveJob, files: Partial<Record<ImportFile, UploadedFile>>, connection: { work: DB; close: () => Promise<void> }) {
  await new Promise<void>((resolve) => setImmediate(resolve)); // let the upload request answer first
  let outcome: ImportOutcome | null = null;
  let message: string | null = null;
  try {
    outcome = await importCustomerBase(connection.work, {
      store: { id: job.storeId },
      files: Object.fromEntries(Object.entries(files).map(([k, f]) => [k, { path: f!.path, name: f!.name }])),
      onProgress: (p) => { job.progress = p; },
    });
  } catch (e) {
    message = e instanceof Error ? e.message : String(e);
  } finally {
    await connection.close().catch(() => {});
    await removeUploads(files);
  }
  try {
    await db.updateTable("import_jobs")
      .set({
        status: outcome ? (outcome.ok ? "done" : "refused") : "failed",
        outcome: outcome ? JSON.stringify(outcome) : null,
        message, finished_at: new Date().toISOString(),
      })
      .where("id", "=", id).execute();
  } finally {
    live.delete(id);
  }
}

export type ImportJobView = {
  id: number;
  status: "running" | "done" | "refused" | "failed" | "interrupted";
  files: Partial<Record<ImportFile, string>>;
  progress: ImportProgress | null;
  outcome: ImportOutcome | null;
  message: string | null;
  createdAt: string;
};

/** A job of the store, with its live progress while it runs; null when not found in this store. */
export async function getImportJob(db: DB, { storeId, id }: { storeId: number; id: number }): Promise<ImportJobView | null> {
  const row = await db.selectFrom("import_jobs").selectAll().where("store_id", "=", storeId).where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  const running = live.get(id);
  return {
    id: row.id,
    // a job left "running" by a server that stopped: its transaction never committed
    status: row.status === "running" && !running ? "interrupted" : row.status,
    files: JSON.parse(row.files),
    progress: running?.progress ?? null,
    outcome: row.outcome ? JSON.parse(row.outcome) : null,
    message: row.message,
    createdAt: row.created_at,
  };
}

/** Waits for a job of this process to finish (tests). */
export async function waitForImportJob(id: number): Promise<void> {
  await live.get(id)?.done;
}
