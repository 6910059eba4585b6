/**
 * Who runs which import, in the database (docs/decisions/013): every import — web or command
 * line — has an import_jobs row holding its live progress and the lease of the process
 * running it (`owner` = host:pid:token, `heartbeat_at` renewed with every progress write), so
 * that every app server on the database shows the same progress and refuses a second import
 * of the same store. A job whose owner is gone (a process on this host that no longer exists,
 * or no heartbeat for LEASE_MS) is stale: before its commit point it is marked interrupted,
 * after it the next process to notice finishes it (import-apply.server.ts).
 */
import crypto from "node:crypto";
import os from "node:os";
import type { Selectable } from "kysely";
import type { DB } from "#db/client";
import { constraintViolation } from "#db/dialect";
import type { ImportJobTable } from "#db/schema";

export type ImportJobRow = Selectable<ImportJobTable>;

/** A job not heard from for this long is taken for dead (another host's process; on this host the pid says it at once). */
export const LEASE_MS = 30_000;
/** Progress (and so the heartbeat) is written at most this often while rows are read. */
export const PROGRESS_EVERY_MS = 500;

export class ImportAlreadyRunning extends Error {
  constructor() {
    super("an import is already running for this store");
  }
}
/** Another process took the job over (this one was taken for dead): stop without writing. */
export class ImportLeaseLost extends Error {
  constructor(id: number) {
    super(`import #${id} was taken over by another process`);
  }
}

declare global {
  // eslint-disable-next-line no-var
  var __importProcess: { owner: string; running: Map<number, number> } | undefined;
}
/** This process's owner token and the jobs it runs (kept across dev rebuilds). */
const self = (globalThis.__importProcess ??= {
  owner: `${os.hostname()}:${process.pid}:${crypto.randomBytes(6).toString("hex")}`,
  running: new Map<number, number>(),
});
export const OWNER = self.owner;

/** Marks a job as run by this process while `fn` runs (from this call on, synchronously; calls may nest). */
export function runningHere<T>(id: number, fn: () => Promise<T>): Promise<T> {
  self.running.set(id, (self.running.get(id) ?? 0) + 1);
  const release = () => {
    const n = (self.running.get(id) ?? 1) - 1;
    if (n > 0) self.running.set(id, n);
    else self.running.delete(id);
  };
  let p: Promise<T>;
  try {
    p = fn();
  } catch (e) {
    release();
    return Promise.reject(e);
  }
  return p.finally(release);
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Is nobody running this running/applying job any more? */
export function isStale(job: Pick<ImportJobRow, "owner" | "heartbeat_at">, now = Date.now()): boolean {
  if (!job.owner || !job.heartbeat_at) return true;
  if (job.owner === OWNER) return false; // this process: alive while it runs it (runningHere)
  const [host, pidText] = job.owner.split(":");
  const pid = Number(pidText);
  if (host === os.hostname() && Number.isInteger(pid)) {
    // same pid, other token: this process restarted with the pid of the old one (a container's pid 1)
    if (pid === process.pid || !processExists(pid)) return true;
  }
  return now - Date.parse(job.heartbeat_at) > LEASE_MS;
}

/** isStale, plus: a job this process owns but no longer runs (its run ended without releasing it). */
export function nobodyRuns(job: Pick<ImportJobRow, "id" | "owner" | "heartbeat_at">): boolean {
  if (job.owner === OWNER) return !self.running.has(job.id);
  return isStale(job);
}

export const ACTIVE_STATUSES = ["running", "applying"] as const;

/** A stale job past its commit point must be finished (roll-forward) before another import of its store. */
export class ImportNeedsRecovery extends Error {
  constructor(readonly jobId: number) {
    super(`import #${jobId} was interrupted while writing and must be finished first`);
  }
}

/**
 * Records a new running job owned by this process. One running or applying import per store
 * code: a live one refuses (ImportAlreadyRunning); a stale one before its commit point is
 * marked interrupted (its staged rows are removed by the recovery); a stale one past its
 * commit point throws ImportNeedsRecovery (the caller finishes it and tries again).
 */
export async function createImportJob(
  db: DB,
  input: { storeId: number | null; storeCode: string; userId: number | null; source: "web" | "cli"; files: Record<string, string> },
): Promise<ImportJobRow> {
  const now = new Date().toISOString();
  try {
    return await db.transaction().execute(async (trx) => {
      const active = await trx.selectFrom("import_jobs").selectAll()
        .where("store_code", "=", input.storeCode).where("status", "in", ACTIVE_STATUSES).execute();
      for (const job of active) {
        if (!nobodyRuns(job)) throw new ImportAlreadyRunning();
        if (job.status === "applying") throw new ImportNeedsRecovery(job.id);
        await markInterrupted(trx, job);
      }
      return trx.insertInto("import_jobs").values({
        store_id: input.storeId, store_code: input.storeCode, user_id: input.userId, source: input.source,
        status: "running", files: JSON.stringify(input.files), created_at: now,
        owner: OWNER, heartbeat_at: now, phase: "reading",
      }).returningAll().executeTakeFirstOrThrow();
    });
  } catch (e) {
    // PostgreSQL: another server inserted its job between our check and our insert
    if (constraintViolation(e) === "unique") throw new ImportAlreadyRunning();
    throw e;
  }
}

/** A stale job before its commit point: nothing of it reached the main tables. */
export async function markInterrupted(db: DB, job: Pick<ImportJobRow, "id" | "owner" | "heartbeat_at">): Promise<boolean> {
  let q = db.updateTable("import_jobs")
    .set({ status: "interrupted", owner: null, phase: null, finished_at: new Date().toISOString(), message: "interrupted" })
    .where("id", "=", job.id).where("status", "=", "running");
  q = job.owner === null ? q.where("owner", "is", null) : q.where("owner", "=", job.owner);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Takes a stale job over for this process (compare-and-set on the owner and heartbeat seen):
 * false when another process did so first, or the job moved on.
 */
export async function claimStaleJob(db: DB, job: ImportJobRow): Promise<boolean> {
  let q = db.updateTable("import_jobs").set({ owner: OWNER, heartbeat_at: new Date().toISOString() })
    .where("id", "=", job.id).where("status", "=", job.status);
  q = job.owner === null ? q.where("owner", "is", null) : q.where("owner", "=", job.owner);
  q = job.heartbeat_at === null ? q.where("heartbeat_at", "is", null) : q.where("heartbeat_at", "=", job.heartbeat_at);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Writes the job's progress and renews its lease; throws ImportLeaseLost when the job is no
 * longer this process's (another one took it for dead).
 */
export async function writeProgress(
  db: DB,
  id: number,
  p: { phase: "reading" | "writing"; done: number; total: number },
): Promise<void> {
  const r = await db.updateTable("import_jobs")
    .set({ phase: p.phase, progress_done: Math.round(p.done), progress_total: Math.round(p.total), heartbeat_at: new Date().toISOString() })
    .where("id", "=", id).where("owner", "=", OWNER).where("status", "in", ACTIVE_STATUSES)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new ImportLeaseLost(id);
}

/**
 * Progress reported synchronously many times a second (bytes read) reaches the database at
 * most every PROGRESS_EVERY_MS, one write at a time; a failed write is kept and rethrown by
 * `check()` (the import stops when its lease was lost).
 */
export class ProgressWriter {
  private last = 0;
  private inFlight: Promise<void> | null = null;
  private pending: { phase: "reading" | "writing"; done: number; total: number } | null = null;
  private error: unknown = null;
  constructor(private readonly db: DB, private readonly id: number) {}

  report(p: { phase: "reading" | "writing"; done: number; total: number }) {
    this.pending = p;
    if (this.inFlight || Date.now() - this.last < PROGRESS_EVERY_MS) return;
    this.flush();
  }

  /** Written by the caller inside its own transaction: counts as a write. */
  written() {
    this.last = Date.now();
    this.pending = null;
  }

  private flush() {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    this.last = Date.now();
    this.inFlight = writeProgress(this.db, this.id, p)
      .catch((e) => { this.error ??= e; })
      .finally(() => { this.inFlight = null; });
  }

  /** Waits for the write under way; rethrows a failure. */
  async check() {
    await this.inFlight;
    if (this.error) throw this.error;
  }
}

/** The store's running or applying import, if any (pages say so; the segment snapshot waits for it). */
export async function activeImportOf(db: DB, { storeId }: { storeId: number }): Promise<ImportJobRow | null> {
  return (await db.selectFrom("import_jobs").selectAll()
    .where("store_id", "=", storeId).where("status", "in", ACTIVE_STATUSES)
    .orderBy("id").executeTakeFirst()) ?? null;
}

/** Is an import being written into this store right now (past its commit point, not finished)? */
export async function importApplyingTo(db: DB, { storeId }: { storeId: number }): Promise<boolean> {
  const row = await db.selectFrom("import_jobs").select("id")
    .where("store_id", "=", storeId).where("status", "=", "applying").executeTakeFirst();
  return row !== undefined;
}
