/**
 * Writing an import without holding the write lock for long (issue 17, docs/decisions/013):
 *
 * 1. staging: the checked rows go into import_staged_batches (a JSON array of row tuples per
 *    batch) in short transactions while the files are read (the main tables are not touched;
 *    a kill here leaves them as they were);
 * 2. the commit point: one short transaction creates the store when new and marks the job
 *    `applying` — from here on the import will be completed;
 * 3. apply: the staged batches are upserted into customers, vehicles and service_visits in
 *    short transactions (each advances the job's apply position — the last batch applied — in
 *    the same transaction, so a batch is applied exactly once), with a pause between them in
 *    which other writers get the lock;
 * 4. finish: one short transaction invalidates the store's segment snapshot and marks the job
 *    done with its counts; the staged rows are then deleted in short transactions.
 * A process killed during 3 or 4 leaves a stale `applying` job, which recoverImports finishes
 * (server start, `cli migrate`, the next import of the store, the server's watchdog).
 *
 * Consent is sticky (issue 10): an import never clears do-not-contact (a file can set it,
 * only a manager in the app clears it) and adds preferences to those on file, never removes
 * one. Every customer field an import changes is appended to customer_changes with the job as
 * its source.
 */
import { CompiledQuery, type Compilable, type Insertable, type Kysely } from "kysely";
import type { DB } from "#db/client";
import { checkpointLog, forUpdate, isPostgres, isStorageFailure, toInt } from "#db/dialect";
import type { CustomerTable, Database } from "#db/schema";
import type { CustomerRow, VehicleRow, VisitRow } from "./import-csv.server";
import {
  ACTIVE_STATUSES, claimStaleJob, ImportLeaseLost, markInterrupted, nobodyRuns, OWNER, runningHere,
} from "./import-lease.server";
import { IMPORT_FILES, type ImportFile, type ImportFileCounts, type ImportFormat, type ImportOutcome } from "./import.schema";
import { invalidateSegments } from "./segmentation.server";
import { DEFAULT_TIMEZONE } from "./domain";


// ── pacing: short transactions with room for other writers between them ────────────────

/**
 * How long one transaction of an import may hold the write lock, and the pause after it.
 * SQLite's busy handler (a waiting writer in another process) retries after 1, 3, 8, 18, 33,
 * 53, 78, 103 ms…: a hold of ≤ ~80 ms followed by a ≥ 25 ms pause lets a writer that started
 * waiting at any moment in the hold in at the next retry (its wait ≤ hold + 25 ms). The target
 * hold is 40 ms, so that a machine running other work (which stretches every hold) stays well
 * under 200 ms. Within the server process a chunk runs without yielding to the event loop, so
 * requests never wait on it.
 */
export const DEFAULT_PACE = { holdMs: 40, gapMs: 25 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface PaceStats {
  transactions: number;
  /** the longest time one of the import's transactions held the write lock (BEGIN acquired → COMMIT done) */
  maxHoldMs: number;
  totalHoldMs: number;
  checkpointMs: number;
}

/**
 * Runs the import's transactions one after another, at least `gapMs` apart, and sizes chunks
 * of rows so that each transaction holds the lock about `holdMs` (measured, per kind of chunk).
 */
export class WritePacer implements PaceStats {
  transactions = 0;
  maxHoldMs = 0;
  totalHoldMs = 0;
  /** time spent copying the log into the database file between transactions */
  checkpointMs = 0;
  private lastCommit = -Infinity;
  private readonly sizes = new Map<string, number>();
  /** per kind of chunk: transactions, rows, time held, CPU time (for tuning: IMPORT_DEBUG_HOLDS) */
  readonly byKind = new Map<string, { n: number; rows: number; heldMs: number; cpuMs: number }>();
  constructor(readonly pace: { holdMs: number; gapMs: number; fixedChunk?: number } = DEFAULT_PACE) {}

  /** Rows for the next chunk of this kind. */
  size(kind: string, initial: number): number {
    return this.pace.fixedChunk ?? this.sizes.get(kind) ?? initial;
  }

  async tx<T>(db: DB, fn: (trx: DB) => Promise<T>, sizing?: { kind: string; rows: number }): Promise<T> {
    const wait = this.lastCommit + this.pace.gapMs - performance.now();
    if (wait > 0) await sleep(wait);
    else await yieldToEventLoop();
    let started = 0;
    let cpu: NodeJS.CpuUsage | null = null;
    try {
      return await db.transaction().execute(async (trx) => {
        started = performance.now();
        cpu = process.cpuUsage();
        return fn(trx);
      });
    } finally {
      const end = performance.now();
      this.lastCommit = end;
      if (started) {
        // in the pause after the commit (no lock held): keep the log short (checkpointLog)
        const t = performance.now();
        await checkpointLog(db).catch(() => {});
        this.checkpointMs += performance.now() - t;
      }
      if (started && cpu) {
        const held = end - started;
        // sized by the time the lock was held (what a waiting writer feels): on a machine busy
        // with other work that is more than the CPU time, and the chunks get smaller (the import
        // slows down rather than the store)
        const used = process.cpuUsage(cpu);
        const work = Math.min(held, (used.user + used.system) / 1000) || held;
        this.transactions += 1;
        this.totalHoldMs += held;
        this.maxHoldMs = Math.max(this.maxHoldMs, held);
        const k = this.byKind.get(sizing?.kind ?? "other") ?? { n: 0, rows: 0, heldMs: 0, cpuMs: 0 };
        this.byKind.set(sizing?.kind ?? "other", { n: k.n + 1, rows: k.rows + (sizing?.rows ?? 0), heldMs: k.heldMs + held, cpuMs: k.cpuMs + work });
        if (process.env.IMPORT_DEBUG_HOLDS && held > Number(process.env.IMPORT_DEBUG_HOLDS)) {
          console.error(`[import] held ${held.toFixed(0)} ms (cpu ${work.toFixed(0)} ms): ${sizing?.kind ?? "commit/finish"} ${sizing?.rows ?? ""}`);
        }
        if (sizing && sizing.rows > 0 && !this.pace.fixedChunk) {
          // toward the row count that would have taken holdMs; halfway, to damp noise
          const ideal = (sizing.rows * this.pace.holdMs) / Math.max(1, held);
          const current = this.size(sizing.kind, sizing.rows);
          const next = Math.min(Math.round((current + ideal) / 2), Math.round(current * 1.5));
          this.sizes.set(sizing.kind, Math.max(1, Math.min(20_000, next)));
        }
      }
    }
  }

  stats(): PaceStats {
    return { transactions: this.transactions, maxHoldMs: this.maxHoldMs, totalHoldMs: this.totalHoldMs, checkpointMs: this.checkpointMs };
  }
}

// ── multi-row inserts, compiled once per table and size ────────────────────────────────

const compiledInserts = new Map<string, string>();

/**
 * Inserts rows (arrays of values in `columns` order) with multi-row statements of at most
 * ~30,000 parameters (SQLite and PostgreSQL limits). Every full statement compiles to the same
 * SQL, so it is compiled once (checked against Kysely's own parameters) and re-run with new values.
 */
async function insertValues(trx: DB, table: keyof Database, columns: readonly string[], rows: unknown[][]): Promise<void> {
  const per = Math.max(1, Math.min(500, Math.floor(30_000 / columns.length)));
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const params = chunk.flat();
    const key = `${isPostgres(trx) ? "pg" : "sqlite"}|${table}|${columns.join(",")}|${chunk.length}`;
    const known = chunk.length === per ? compiledInserts.get(key) : undefined;
    if (known) {
      await trx.executeQuery(CompiledQuery.raw(known, params));
      continue;
    }
    const query = (trx as Kysely<any>).insertInto(table)
      .values(chunk.map((r) => Object.fromEntries(columns.map((c, k) => [c, r[k]])))).compile();
    if (chunk.length === per && query.parameters.length === params.length && query.parameters.every((v, k) => v === params[k])) {
      compiledInserts.set(key, query.sql);
    }
    await trx.executeQuery(query);
  }
}

// ── staging ─────────────────────────────────────────────────────────────────────────

/** Rows per staged batch: the unit of the apply (a transaction applies one batch or more). */
export const STAGE_BATCH: Record<ImportFile, number> = { customers: 250, vehicles: 500, visits: 1000 };

/** A checked row as a tuple (its batch is a JSON array of these). */
const TUPLE = {
  customers: (r: CustomerRow) => [r.code, r.name, r.phone, r.gender, r.usage, r.dnc, r.prefs.join(";")],
  vehicles: (r: VehicleRow) => [r.vin, r.code, r.plate, r.model, r.purchase, r.warranty, r.insurance, r.km],
  visits: (r: VisitRow) => [r.ro, r.vin, r.date, r.type, r.fen],
} as const;
type CustomerTuple = [string, string, string | null, "M" | "F" | null, CustomerRow["usage"], 0 | 1, string];
type VehicleTuple = [string, string, string | null, string | null, string | null, string | null, string | null, number | null];
type VisitTuple = [string, string, string, string, number];

export type StagedRow<F extends ImportFile> = F extends "customers" ? CustomerRow : F extends "vehicles" ? VehicleRow : VisitRow;

/** Checks, inside a transaction, that the job is still this process's and running; renews its lease and progress. */
async function holdLease(trx: DB, jobId: number, status: "running" | "applying", progress?: { phase: "reading" | "writing"; done: number; total: number }) {
  const r = await trx.updateTable("import_jobs")
    .set({
      heartbeat_at: new Date().toISOString(),
      ...(progress ? { phase: progress.phase, progress_done: Math.round(progress.done), progress_total: Math.round(progress.total) } : {}),
    })
    .where("id", "=", jobId).where("owner", "=", OWNER).where("status", "=", status)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new ImportLeaseLost(jobId);
}

/**
 * Stages rows of a file as batches of `batchSize` rows (the last one may be shorter),
 * numbered from `firstBatch`, in one short transaction. Returns the number of batches written.
 */
export async function stageRows<F extends ImportFile>(
  db: DB,
  pacer: WritePacer,
  { jobId, file, firstBatch, rows, batchSize = STAGE_BATCH[file], progress }: {
    jobId: number; file: F; firstBatch: number; rows: StagedRow<F>[]; batchSize?: number; progress?: { phase: "reading"; done: number; total: number };
  },
): Promise<number> {
  if (!rows.length) return 0;
  const tuple = TUPLE[file] as (r: StagedRow<F>) => unknown[];
  const size = batchSize;
  const batches: unknown[][] = [];
  for (let i = 0; i < rows.length; i += size) {
    const slice = rows.slice(i, i + size);
    batches.push([jobId, file, firstBatch + batches.length, slice.length, JSON.stringify(slice.map(tuple))]);
  }
  await pacer.tx(db, async (trx) => {
    await holdLease(trx, jobId, "running", progress);
    await trx.updateTable("import_jobs").set({ cleanup_pending: 1 }).where("id", "=", jobId).where("cleanup_pending", "=", 0).execute();
    await insertValues(trx, "import_staged_batches", ["job_id", "file", "seq", "row_count", "payload"], batches);
  }, { kind: "stage", rows: rows.length });
  return batches.length;
}

async function stagedBatches<T>(trx: DB, jobId: number, file: ImportFile, from: number, to: number): Promise<T[]> {
  const batches = await trx.selectFrom("import_staged_batches").select(["seq", "payload"])
    .where("job_id", "=", jobId).where("file", "=", file).where("seq", ">", from).where("seq", "<=", to)
    .orderBy("seq").execute();
  if (batches.length !== to - from) throw new Error(`staged ${file} batches ${from + 1}–${to} of import #${jobId} are missing`);
  return batches.flatMap((b) => JSON.parse(b.payload) as T[]);
}

// ── the commit point ────────────────────────────────────────────────────────────────

/** What a job past its commit point needs to be finished by any process (import_jobs.apply_state). */
export interface ApplyState {
  /** staged rows and batches (of batchSize rows) per file present */
  staged: Partial<Record<ImportFile, { rows: number; batches: number; batchSize: number }>>;
  fileNames: Partial<Record<ImportFile, string>>;
  counts: Partial<Record<ImportFile, ImportFileCounts>>;
  storeCreated: boolean;
  /** how each file was read (shown in the summary) */
  formats?: Partial<Record<ImportFile, ImportFormat>>;
  /** optional columns a file did not have: existing rows keep their values for them */
  absent?: Partial<Record<ImportFile, string[]>>;
}

/**
 * The commit point: creates the store when new and marks the job applying, in one short
 * transaction. Returns the store id.
 */
export async function commitImport(
  db: DB,
  pacer: WritePacer,
  { jobId, store, staged, fileNames, formats, absent }: {
    jobId: number;
    store: { id: number } | { code: string; name?: string };
    staged: Partial<Record<ImportFile, { rows: number; batches: number; batchSize: number }>>;
    fileNames: Partial<Record<ImportFile, string>>;
    formats?: Partial<Record<ImportFile, ImportFormat>>;
    absent?: Partial<Record<ImportFile, string[]>>;
  },
): Promise<number> {
  const files = IMPORT_FILES.filter((f) => staged[f] !== undefined);
  const total = files.reduce((n, f) => n + staged[f]!.rows, 0);
  return pacer.tx(db, async (trx) => {
    await holdLease(trx, jobId, "running");
    let storeId: number;
    let storeCreated = false;
    if ("id" in store) storeId = store.id;
    else {
      const existing = await trx.selectFrom("stores").select("id").where("code", "=", store.code).executeTakeFirst();
      if (existing) storeId = existing.id;
      else {
        storeId = (await trx.insertInto("stores")
          .values({ code: store.code, name: store.name ?? store.code, timezone: DEFAULT_TIMEZONE, created_at: new Date().toISOString() })
          .returning("id").executeTakeFirstOrThrow()).id;
        storeCreated = true;
      }
    }
    const state: ApplyState = { staged, fileNames, counts: {}, storeCreated, formats, absent };
    await trx.updateTable("import_jobs").set({
      status: "applying", store_id: storeId, apply_file: files[0] ?? "finish", apply_seq: 0,
      apply_state: JSON.stringify(state), applied_at: new Date().toISOString(),
      phase: "writing", progress_done: 0, progress_total: total,
    }).where("id", "=", jobId).execute();
    return storeId;
  });
}

// ── apply ───────────────────────────────────────────────────────────────────────────

interface ApplyContext {
  jobId: number;
  storeId: number;
  userId: number | null;
  /** the import's timestamp (the same after a roll-forward) */
  at: string;
  /**
   * The store's customers by code (read before the vehicles are applied) and vehicles by VIN
   * (before the visits): read once, outside any transaction, rather than per chunk inside one.
   * Only this import writes them meanwhile (one import per store; the app edits neither key).
   */
  customerIds?: Map<string, number>;
  vehicles?: Map<string, { id: number; customer_id: number }>;
  /** optional columns absent from a file (ApplyState.absent) */
  absent: Partial<Record<ImportFile, string[]>>;
}
type Delta = { inserted: number; updated: number; unchanged: number };

const CUSTOMER_FIELDS = ["name", "phone", "gender", "usage", "do_not_contact", "preferences"] as const;

/**
 * Customers of staged batches (from, to]: new ones inserted; existing ones take the file's
 * name, phone, gender and usage, keep do-not-contact once set and gain the file's preferences;
 * each changed field is appended to customer_changes with the job as its source.
 */
async function applyCustomers(trx: DB, ctx: ApplyContext, from: number, to: number): Promise<Delta> {
  const staged = await stagedBatches<CustomerTuple>(trx, ctx.jobId, "customers", from, to);
  if (!staged.length) return { inserted: 0, updated: 0, unchanged: 0 };
  const current = new Map((await forUpdate(trx, trx.selectFrom("customers")
    .select(["id", "customer_code", "name", "phone", "gender", "usage", "do_not_contact"])
    .where("store_id", "=", ctx.storeId).where("customer_code", "in", staged.map((s) => s[0]))).execute())
    .map((c) => [c.customer_code, c]));
  const currentPrefs = new Map<number, string[]>();
  if (current.size) {
    for (const p of await trx.selectFrom("customer_preferences").select(["customer_id", "preference"])
      .where("customer_id", "in", [...current.values()].map((c) => c.id)).execute()) {
      const list = currentPrefs.get(p.customer_id);
      if (list) list.push(p.preference);
      else currentPrefs.set(p.customer_id, [p.preference]);
    }
  }

  const upserts: unknown[][] = [];
  const newPrefs: { code: string; prefs: string[] }[] = [];
  const changes: { code: string; field: string; old: string | null; new: string | null }[] = [];
  const delta: Delta = { inserted: 0, updated: 0, unchanged: 0 };
  const keep = new Set(ctx.absent.customers ?? []);
  for (const [code, name, filePhone, fileGender, fileUsage, fileDnc, prefText] of staged) {
    let phone = filePhone, gender = fileGender, usage = fileUsage;
    const filePrefs = prefText ? prefText.split(";") : [];
    const old = current.get(code);
    if (!old) {
      delta.inserted++;
      upserts.push([ctx.storeId, code, name, phone, gender, usage, fileDnc, ctx.at, ctx.at]);
      if (filePrefs.length) newPrefs.push({ code, prefs: filePrefs });
      continue;
    }
    // a column the file does not have keeps the value on file
    if (keep.has("phone")) phone = old.phone;
    if (keep.has("gender")) gender = old.gender as typeof gender;
    if (keep.has("usage")) usage = old.usage as typeof usage;
    const oldPrefs = (currentPrefs.get(old.id) ?? []).sort();
    const added = filePrefs.filter((p) => !oldPrefs.includes(p));
    // sticky consent: set by a file or the app, cleared only by a manager in the app
    const dnc = toInt(old.do_not_contact) === 1 || fileDnc === 1 ? 1 : 0;
    const before: Record<(typeof CUSTOMER_FIELDS)[number], string | null> = {
      name: old.name, phone: old.phone, gender: old.gender, usage: old.usage,
      do_not_contact: String(toInt(old.do_not_contact)), preferences: oldPrefs.join(";") || null,
    };
    const after: typeof before = {
      name, phone, gender, usage, do_not_contact: String(dnc), preferences: [...oldPrefs, ...added].sort().join(";") || null,
    };
    const changed = CUSTOMER_FIELDS.filter((f) => before[f] !== after[f]);
    if (!changed.length) { delta.unchanged++; continue; }
    delta.updated++;
    for (const f of changed) changes.push({ code, field: f, old: before[f], new: after[f] });
    // a preference-only change still touches updated_at (the segment snapshot's data stamp reads it)
    upserts.push([ctx.storeId, code, name, phone, gender, usage, dnc, ctx.at, ctx.at]);
    if (added.length) newPrefs.push({ code, prefs: added });
  }

  const ids = new Map([...current.values()].map((c) => [c.customer_code, c.id]));
  await upsertValues(trx, "customers", upserts, (chunk) =>
    trx.insertInto("customers")
      .values(chunk.map(([store_id, customer_code, name, phone, gender, usage, do_not_contact, created_at, updated_at]) => ({
        store_id, customer_code, name, phone, gender, usage, do_not_contact, created_at, updated_at,
      }) as Insertable<CustomerTable>))
      .onConflict((oc) => oc.columns(["store_id", "customer_code"]).doUpdateSet((eb) => ({
        name: eb.ref("excluded.name"), phone: eb.ref("excluded.phone"), gender: eb.ref("excluded.gender"),
        usage: eb.ref("excluded.usage"), do_not_contact: eb.ref("excluded.do_not_contact"), updated_at: eb.ref("excluded.updated_at"),
      })))
      .returning(["id", "customer_code"]),
  (rows) => { for (const r of rows as { id: number; customer_code: string }[]) ids.set(r.customer_code, r.id); });
  const prefRows = newPrefs.flatMap((n) => n.prefs.map((p) => [ids.get(n.code)!, p]));
  if (prefRows.length) await insertValues(trx, "customer_preferences", ["customer_id", "preference"], prefRows);
  if (changes.length) {
    await insertValues(trx, "customer_changes",
      ["store_id", "customer_id", "user_id", "field", "old_value", "new_value", "changed_at", "import_job_id"],
      changes.map((c) => [ctx.storeId, ids.get(c.code)!, ctx.userId, c.field, c.old, c.new, ctx.at, ctx.jobId]));
  }
  return delta;
}

/**
 * Runs a multi-row upsert (built with Kysely) for each slice of rows; every full slice compiles
 * to the same SQL, so it is compiled once and re-run with the next slice's values (checked
 * against Kysely's own parameters). Returns the rows the statements changed; `returned` gets
 * the rows of a RETURNING clause.
 */
async function upsertValues(
  trx: DB,
  name: string,
  rows: unknown[][],
  build: (chunk: unknown[][]) => Compilable,
  returned?: (rows: unknown[]) => void,
): Promise<number> {
  if (!rows.length) return 0;
  const per = Math.max(1, Math.min(500, Math.floor(30_000 / rows[0]!.length)));
  let affected = 0;
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const params = chunk.flat();
    const key = `${isPostgres(trx) ? "pg" : "sqlite"}|upsert:${name}|${chunk.length}`;
    const known = chunk.length === per ? compiledInserts.get(key) : undefined;
    let query: CompiledQuery;
    if (known) query = CompiledQuery.raw(known, params);
    else {
      query = build(chunk).compile();
      if (chunk.length === per && query.parameters.length === params.length && query.parameters.every((v, k) => v === params[k])) {
        compiledInserts.set(key, query.sql);
      }
    }
    const result = await trx.executeQuery(query);
    affected += Number(result.numAffectedRows ?? 0n);
    returned?.(result.rows as unknown[]);
  }
  return affected;
}

/** Counts from an upsert: rows whose key was on file before, and rows the statements changed (only differing rows are updated). */
function countsOf({ rows, existing, affected }: { rows: number; existing: number; affected: number }): Delta {
  const inserted = rows - existing;
  const updated = affected - inserted;
  return { inserted, updated, unchanged: existing - updated };
}

/** Keys already on file in the store, among the given ones. */
async function countExisting(trx: DB, table: "vehicles" | "service_visits", column: "vin" | "ro_number", storeId: number, keys: string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < keys.length; i += 5000) {
    const r = await trx.selectFrom(table).select((eb) => eb.fn.countAll().as("n"))
      .where("store_id", "=", storeId).where(column, "in", keys.slice(i, i + 5000)).executeTakeFirstOrThrow();
    n += toInt(r.n);
  }
  return n;
}

/**
 * What a transaction needs to upsert vehicles or visits, read before it (outside the lock):
 * the staged rows with their keys resolved, and how many of their keys are on file already.
 * Only imports write vehicles and visits, one at a time per store.
 */
interface Prepared { rows: unknown[][]; existing: number }

async function prepareVehicles(db: DB, ctx: ApplyContext, from: number, to: number): Promise<Prepared> {
  const staged = await stagedBatches<VehicleTuple>(db, ctx.jobId, "vehicles", from, to);
  const owners = ctx.customerIds ?? new Map<string, number>();
  const missing = [...new Set(staged.map((v) => v[1]).filter((code) => !owners.has(code)))];
  for (let i = 0; i < missing.length; i += 5000) {
    for (const c of await db.selectFrom("customers").select(["id", "customer_code"])
      .where("store_id", "=", ctx.storeId).where("customer_code", "in", missing.slice(i, i + 5000)).execute()) owners.set(c.customer_code, c.id);
  }
  const existing = await countExisting(db, "vehicles", "vin", ctx.storeId, staged.map((v) => v[0]));
  const rows = staged.map(([vin, code, plate, model, purchase, warranty, insurance, km]) => {
    const owner = owners.get(code);
    if (owner === undefined) throw new Error(`customer ${code} of vehicle ${vin} is no longer on file`);
    return [ctx.storeId, owner, vin, plate, model, purchase, warranty, insurance, km];
  });
  return { rows, existing };
}

const VEHICLE_FIELDS = ["customer_id", "plate", "model", "purchase_date", "warranty_end", "insurance_expiry", "mileage_km"] as const;

async function applyVehicles(trx: DB, ctx: ApplyContext, { rows, existing }: Prepared): Promise<Delta> {
  // a column the file does not have keeps the value on file (it is not updated)
  const keep = new Set(ctx.absent.vehicles ?? []);
  const fields = VEHICLE_FIELDS.filter((f) => !keep.has(f));
  const affected = await upsertValues(trx, `vehicles|${fields.join(",")}`, rows, (chunk) =>
    trx.insertInto("vehicles")
      .values(chunk.map(([store_id, customer_id, vin, plate, model, purchase_date, warranty_end, insurance_expiry, mileage_km]) => ({
        store_id, customer_id, vin, plate, model, purchase_date, warranty_end, insurance_expiry, mileage_km,
      }) as Insertable<Database["vehicles"]>))
      .onConflict((oc) => oc.columns(["store_id", "vin"])
        .doUpdateSet((eb) => Object.fromEntries(fields.map((f) => [f, eb.ref(`excluded.${f}`)])))
        .where((eb) => eb.or(fields.map((f) => eb(`vehicles.${f}`, "is distinct from", eb.ref(`excluded.${f}`)))))));
  return countsOf({ rows: rows.length, existing, affected });
}

async function prepareVisits(db: DB, ctx: ApplyContext, from: number, to: number): Promise<Prepared> {
  const staged = await stagedBatches<VisitTuple>(db, ctx.jobId, "visits", from, to);
  const vehicles = ctx.vehicles ?? new Map<string, { id: number; customer_id: number }>();
  const missing = [...new Set(staged.map((s) => s[1]).filter((vin) => !vehicles.has(vin)))];
  for (let i = 0; i < missing.length; i += 5000) {
    for (const v of await db.selectFrom("vehicles").select(["id", "vin", "customer_id"])
      .where("store_id", "=", ctx.storeId).where("vin", "in", missing.slice(i, i + 5000)).execute()) vehicles.set(v.vin, v);
  }
  const existing = await countExisting(db, "service_visits", "ro_number", ctx.storeId, staged.map((s) => s[0]));
  // a visit's customer is its vehicle's (a vehicle that moved to another customer takes the file's visits with it)
  const rows = staged.map(([ro, vin, date, type, fen]) => {
    const v = vehicles.get(vin);
    if (!v) throw new Error(`vehicle ${vin} of visit ${ro} is no longer on file`);
    return [ctx.storeId, v.id, v.customer_id, ro, date, type, fen];
  });
  return { rows, existing };
}

async function applyVisits(trx: DB, _ctx: ApplyContext, { rows, existing }: Prepared): Promise<Delta> {
  const affected = await upsertValues(trx, "service_visits", rows, (chunk) =>
    trx.insertInto("service_visits")
      .values(chunk.map(([store_id, vehicle_id, customer_id, ro_number, visit_date, type, amount_fen]) => ({
        store_id, vehicle_id, customer_id, ro_number, visit_date, type, amount_fen,
      }) as Insertable<Database["service_visits"]>))
      .onConflict((oc) => oc.columns(["store_id", "ro_number"])
        .doUpdateSet((eb) => ({
          vehicle_id: eb.ref("excluded.vehicle_id"), customer_id: eb.ref("excluded.customer_id"),
          visit_date: eb.ref("excluded.visit_date"), type: eb.ref("excluded.type"), amount_fen: eb.ref("excluded.amount_fen"),
        }))
        .where((eb) => eb.or([
          eb("service_visits.vehicle_id", "is distinct from", eb.ref("excluded.vehicle_id")),
          eb("service_visits.customer_id", "is distinct from", eb.ref("excluded.customer_id")),
          eb("service_visits.visit_date", "is distinct from", eb.ref("excluded.visit_date")),
          eb("service_visits.type", "is distinct from", eb.ref("excluded.type")),
          eb("service_visits.amount_fen", "is distinct from", eb.ref("excluded.amount_fen")),
        ]))));
  return countsOf({ rows: rows.length, existing, affected });
}

/** Per file: what is read before a chunk's transaction (outside the lock), and what is written in it. */
const APPLY: Record<ImportFile, {
  prepare: (db: DB, ctx: ApplyContext, from: number, to: number) => Promise<Prepared | null>;
  apply: (trx: DB, ctx: ApplyContext, prepared: Prepared | null, from: number, to: number) => Promise<Delta>;
}> = {
  // customers are read in the transaction: the app writes them too (edits, walk-ins)
  customers: { prepare: async () => null, apply: (trx, ctx, _p, from, to) => applyCustomers(trx, ctx, from, to) },
  vehicles: { prepare: prepareVehicles, apply: (trx, ctx, p) => applyVehicles(trx, ctx, p!) },
  visits: { prepare: prepareVisits, apply: (trx, ctx, p) => applyVisits(trx, ctx, p!) },
};

/** A storage failure while applying (busy past the timeout, disk full…) is retried this many times, a second apart. */
const APPLY_RETRIES = 5;

/**
 * Applies a job past its commit point, from its recorded position to the end, then finishes
 * it. The job must be owned by this process. Returns the outcome (the counts of every file).
 */
export async function applyImport(
  db: DB,
  pacer: WritePacer,
  jobId: number,
  onProgress?: (p: { phase: "writing"; done: number; total: number }) => void,
): Promise<Extract<ImportOutcome, { ok: true }>> {
  return runningHere(jobId, async () => {
    const job = await db.selectFrom("import_jobs").selectAll().where("id", "=", jobId).executeTakeFirstOrThrow();
    if (job.status !== "applying" || job.owner !== OWNER || job.store_id === null || !job.apply_state || !job.applied_at) {
      throw new ImportLeaseLost(jobId);
    }
    const state = JSON.parse(job.apply_state) as ApplyState;
    const ctx: ApplyContext = { jobId, storeId: job.store_id, userId: job.user_id, at: job.applied_at, absent: state.absent ?? {} };
    const files = IMPORT_FILES.filter((f) => state.staged[f] !== undefined);
    const total = files.reduce((n, f) => n + state.staged[f]!.rows, 0);
    let file = job.apply_file ?? "finish";
    let seq = toInt(job.apply_seq);
    let done = toInt(job.progress_done);
    onProgress?.({ phase: "writing", done, total });

    let failures = 0;
    while (file !== "finish") {
      const f: ImportFile = file;
      if (f === "vehicles" && !ctx.customerIds) {
        ctx.customerIds = new Map((await db.selectFrom("customers").select(["id", "customer_code"]).where("store_id", "=", ctx.storeId).execute())
          .map((c) => [c.customer_code, c.id]));
      }
      if (f === "visits" && !ctx.vehicles) {
        ctx.vehicles = new Map((await db.selectFrom("vehicles").select(["id", "vin", "customer_id"]).where("store_id", "=", ctx.storeId).execute())
          .map((v) => [v.vin, { id: v.id, customer_id: v.customer_id }]));
      }
      const { batches, batchSize } = state.staged[f]!;
      const nextFile = files[files.indexOf(f) + 1] ?? "finish";
      // batches per transaction, sized on the rows they hold
      const rowsWanted = pacer.size(`apply:${f}`, batchSize * (f === "customers" ? 1 : 2));
      const to = Math.min(batches, seq + Math.max(1, Math.round(rowsWanted / batchSize)));
      let applied = 0;
      try {
        const prepared = to > seq ? await APPLY[f].prepare(db, ctx, seq, to) : null;
        await pacer.tx(db, async (trx) => {
          // this process still owns the job, at this position (a batch is applied exactly once)
          const claimed = await trx.updateTable("import_jobs").set({ heartbeat_at: new Date().toISOString() })
            .where("id", "=", jobId).where("owner", "=", OWNER).where("status", "=", "applying")
            .where("apply_file", "=", f).where("apply_seq", "=", seq).executeTakeFirst();
          if (Number(claimed.numUpdatedRows) !== 1) throw new ImportLeaseLost(jobId);
          const delta = to > seq ? await APPLY[f].apply(trx, ctx, prepared, seq, to) : { inserted: 0, updated: 0, unchanged: 0 };
          applied = delta.inserted + delta.updated + delta.unchanged;
          const c = state.counts[f] ?? { fileName: state.fileNames[f] ?? `${f}.csv`, rows: state.staged[f]!.rows, inserted: 0, updated: 0, unchanged: 0 };
          const counts = { ...state.counts, [f]: { ...c, inserted: c.inserted + delta.inserted, updated: c.updated + delta.updated, unchanged: c.unchanged + delta.unchanged } };
          const last = to >= batches;
          await trx.updateTable("import_jobs").set({
            apply_file: last ? nextFile : f, apply_seq: last ? 0 : to,
            apply_state: JSON.stringify({ ...state, counts }), progress_done: done + applied, progress_total: total, phase: "writing",
          }).where("id", "=", jobId).execute();
          state.counts = counts;
        }, { kind: `apply:${f}`, rows: Math.max(1, (to - seq) * batchSize) });
      } catch (e) {
        if (isStorageFailure(e) && ++failures <= APPLY_RETRIES) { await sleep(1000); continue; }
        throw e;
      }
      failures = 0;
      done += applied;
      if (to >= batches) { file = nextFile; seq = 0; } else seq = to;
      onProgress?.({ phase: "writing", done, total });
    }

    const outcome = {
      ok: true as const, storeCreated: state.storeCreated, storeId: ctx.storeId, counts: state.counts,
      ...(state.formats ? { formats: state.formats } : {}),
    };
    await pacer.tx(db, async (trx) => {
      await holdLease(trx, jobId, "applying");
      // the segmentation snapshot notices inserts, not every update (an insurance date, consent): always rebuilt
      await invalidateSegments(trx, { storeId: ctx.storeId });
      await trx.updateTable("import_jobs").set({
        status: "done", outcome: JSON.stringify(outcome), finished_at: new Date().toISOString(), owner: null, phase: null,
        message: null, apply_file: "finish", apply_seq: 0, progress_done: total,
      }).where("id", "=", jobId).execute();
    });
    return outcome;
  });
}

/** Releases a job this process could not finish (another process, or the next start, finishes it). */
export async function releaseImport(db: DB, jobId: number, message: string): Promise<void> {
  await db.updateTable("import_jobs").set({ owner: null, message: message.slice(0, 2000) })
    .where("id", "=", jobId).where("owner", "=", OWNER).execute();
}

// ── cleanup ─────────────────────────────────────────────────────────────────────────

/** Deletes the staged rows of a job that is no longer running or applying, in short transactions. */
export async function cleanupStaged(db: DB, pacer: WritePacer, jobId: number): Promise<void> {
  for (;;) {
    const batches = await db.selectFrom("import_staged_batches").select(["file", "seq"]).where("job_id", "=", jobId).limit(200).execute();
    if (!batches.length) break;
    await pacer.tx(db, async (trx) => {
      for (const file of IMPORT_FILES) {
        const seqs = batches.filter((b) => b.file === file).map((b) => b.seq);
        if (seqs.length) await trx.deleteFrom("import_staged_batches").where("job_id", "=", jobId).where("file", "=", file).where("seq", "in", seqs).execute();
      }
    }, { kind: "cleanup", rows: batches.length });
  }
  await db.updateTable("import_jobs").set({ cleanup_pending: 0 })
    .where("id", "=", jobId).where("status", "not in", ACTIVE_STATUSES).execute();
}

// ── recovery ────────────────────────────────────────────────────────────────────────

/**
 * Finishes what dead processes left: an import past its commit point whose owner is gone is
 * applied to its end (roll-forward); one before it is marked interrupted (nothing of it is in
 * the main tables); staged rows of finished jobs are deleted. Imports run by a live process
 * (this one or another server) are left alone. `storeCode` limits it to one store.
 * Returns the ids of the jobs it finished.
 */
export async function recoverImports(
  db: DB,
  { storeCode, log = () => {}, pace }: { storeCode?: string; log?: (line: string) => void; pace?: WritePacer["pace"] } = {},
): Promise<number[]> {
  const pacer = new WritePacer(pace);
  const finished: number[] = [];
  let q = db.selectFrom("import_jobs").selectAll().where("status", "in", ACTIVE_STATUSES);
  if (storeCode !== undefined) q = q.where("store_code", "=", storeCode);
  for (const job of await q.orderBy("id").execute()) {
    if (!nobodyRuns(job)) continue;
    if (job.status === "running") {
      if (await markInterrupted(db, job)) log(`import #${job.id} (${job.store_code}) was interrupted before its commit point: nothing of it was written`);
      continue;
    }
    if (!(await claimStaleJob(db, job))) continue; // another process got there first
    log(`finishing import #${job.id} (${job.store_code}), interrupted while writing (${job.apply_file} after row ${job.apply_seq})…`);
    try {
      let shown = -1;
      await applyImport(db, pacer, job.id, ({ done, total }) => {
        const tenth = Math.floor((10 * done) / Math.max(1, total));
        if (tenth !== shown) log(`import #${job.id}: writing ${(shown = tenth) * 10}%`);
      });
      finished.push(job.id);
      log(`import #${job.id} finished`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await releaseImport(db, job.id, message).catch(() => {});
      log(`import #${job.id} could not be finished yet: ${message}`);
    }
  }
  let leftovers = db.selectFrom("import_jobs").select("id").where("cleanup_pending", "=", 1).where("status", "not in", ACTIVE_STATUSES);
  if (storeCode !== undefined) leftovers = leftovers.where("store_code", "=", storeCode);
  for (const { id } of await leftovers.execute()) await cleanupStaged(db, pacer, id);
  return finished;
}
