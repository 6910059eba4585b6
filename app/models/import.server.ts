/**
 * The customer-base import (基盘客户导入): customers.csv, vehicles.csv and visits.csv of a
 * dealer management system into one store, all or nothing.
 *
 * 1. read and check every row of every file (streaming; no write, no transaction open);
 * 2. any issue → the report (every bad row) and nothing is written;
 * 3. otherwise one transaction upserts customers (their preference set replaced),
 *    vehicles, then visits, by their keys (customer_code, vin, ro_number per store), in
 *    chunks of multi-row statements, yielding to the event loop between chunks.
 * A process killed in the middle leaves the database as it was (the transaction never
 * commits). Counts per file: inserted / updated / unchanged.
 */
import { CompiledQuery, type Compilable, type Transaction } from "kysely";
import type { DB } from "#db/client";
import { refreshStatistics, toInt } from "#db/dialect";
import type { Database } from "#db/schema";
import { readImportFiles, type CustomerRow, type ImportSource, type VehicleRow, type VisitRow } from "./import-csv.server";
import enCustomers from "~/locales/en/customers.json";
import { IMPORT_FILES, type ImportFile, type ImportFileCounts, type ImportOutcome } from "./import.schema";
import { invalidateSegments } from "./segmentation.server";
import { getStoreByCode } from "./store.server";

export type { ImportSource } from "./import-csv.server";
export { normalizePhone, parseImportDate, parseAmount } from "./import-csv.server";

export interface ImportProgress {
  phase: "reading" | "writing";
  done: number;
  total: number;
}

export interface ImportOptions {
  /** an existing store, or a code (the store is created, in the same transaction, when new) */
  store: { id: number } | { code: string; name?: string };
  files: Partial<Record<ImportFile, ImportSource>>;
  onProgress?: (p: ImportProgress) => void;
  /** rows per multi-row statement (2000: fewer, larger statements cost less CPU; a chunk writes in tens of ms) */
  chunkSize?: number;
}

type Trx = Transaction<Database>;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Imports a file set into a store; see the module comment. Throws only on I/O or database failures. */
export async function importCustomerBase(db: DB, opts: ImportOptions): Promise<ImportOutcome> {
  const chunkSize = opts.chunkSize ?? 2000;
  const existingStore = "id" in opts.store
    ? await db.selectFrom("stores").selectAll().where("id", "=", opts.store.id).executeTakeFirst()
    : await getStoreByCode(db, opts.store.code);
  if ("id" in opts.store && !existingStore) throw new Error(`no store with id ${opts.store.id}`);
  const storeId = existingStore?.id;

  const { parsed, issues } = await readImportFiles(opts.files, {
    existingCodes: async () =>
      new Set(storeId === undefined ? [] : (await db.selectFrom("customers").select("customer_code").where("store_id", "=", storeId).execute()).map((r) => r.customer_code)),
    existingVins: async () =>
      new Set(storeId === undefined ? [] : (await db.selectFrom("vehicles").select("vin").where("store_id", "=", storeId).execute()).map((r) => r.vin)),
    onProgress: (done, total) => opts.onProgress?.({ phase: "reading", done, total }),
  });
  if (issues.count > 0) {
    return { ok: false, issues: issues.items, issueCount: issues.count, truncated: issues.count > issues.items.length };
  }

  const total = (parsed.customers?.length ?? 0) + (parsed.vehicles?.length ?? 0) + (parsed.visits?.length ?? 0);
  let done = 0;
  const advance = (n: number) => {
    done += n;
    opts.onProgress?.({ phase: "writing", done, total });
  };
  advance(0);

  const outcome = await db.transaction().execute(async (trx) => {
    let id = storeId;
    let storeCreated = false;
    if (id === undefined) {
      const code = (opts.store as { code: string; name?: string }).code;
      const created = await trx.insertInto("stores")
        .values({ code, name: (opts.store as { name?: string }).name ?? code, timezone: "Asia/Shanghai", created_at: new Date().toISOString() })
        .returning("id").executeTakeFirstOrThrow();
      id = created.id;
      storeCreated = true;
    }
    const counts: Partial<Record<ImportFile, ImportFileCounts>> = {};
    const w = { trx, storeId: id, chunkSize, advance };
    if (parsed.customers) counts.customers = { fileName: parsed.fileNames.customers!, ...(await writeCustomers(w, parsed.customers)) };
    if (parsed.vehicles) counts.vehicles = { fileName: parsed.fileNames.vehicles!, ...(await writeVehicles(w, parsed.vehicles)) };
    if (parsed.visits) counts.visits = { fileName: parsed.fileNames.visits!, ...(await writeVisits(w, parsed.visits)) };
    // the segmentation snapshot notices inserts, not every update (e.g. an insurance date)
    if (Object.values(counts).some((c) => c.updated > 0)) await invalidateSegments(trx, { storeId: id });
    return { ok: true as const, storeCreated, storeId: id, counts };
  });
  await refreshStatistics(db);
  return outcome;
}

interface Writer {
  trx: Trx;
  storeId: number;
  chunkSize: number;
  advance: (n: number) => void;
}

async function inChunks<T>(rows: T[], size: number, fn: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) {
    await fn(rows.slice(i, i + size));
    await yieldToEventLoop();
  }
}

/**
 * Runs a multi-row statement (built with Kysely) for each chunk of rows and returns the
 * number of rows it inserted or updated. Every full chunk compiles to the same SQL text,
 * so it is compiled once and re-run with the next chunk's values as parameters (checked
 * against Kysely's own parameters on the first chunk; any difference → built per chunk).
 */
async function writeInChunks<T>(
  trx: Trx,
  rows: T[],
  size: number,
  build: (chunk: T[]) => Compilable,
  values: (row: T) => unknown[],
  advance: (n: number) => void,
): Promise<number> {
  let affected = 0;
  let reusable: string | null = null;
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    let query: CompiledQuery;
    if (reusable && chunk.length === size) {
      const params: unknown[] = [];
      for (const row of chunk) for (const v of values(row)) params.push(v);
      query = CompiledQuery.raw(reusable, params);
    } else {
      query = build(chunk).compile();
      if (chunk.length === size && reusable === null) {
        const params = chunk.flatMap(values);
        const same = params.length === query.parameters.length && params.every((v, k) => v === query.parameters[k]);
        reusable = same ? query.sql : "";
      }
    }
    const result = await trx.executeQuery(query);
    affected += Number(result.numAffectedRows ?? 0n);
    advance(chunk.length);
    await yieldToEventLoop();
  }
  return affected;
}

type Counts = Omit<ImportFileCounts, "fileName">;

async function writeCustomers({ trx, storeId, chunkSize, advance }: Writer, rows: CustomerRow[]): Promise<Counts> {
  const existing = new Map(
    (await trx.selectFrom("customers")
      .select(["id", "customer_code", "name", "phone", "gender", "usage", "do_not_contact"])
      .where("store_id", "=", storeId).execute()).map((c) => [c.customer_code, c]),
  );
  const existingPrefs = new Map<number, string[]>();
  for (const p of await trx.selectFrom("customer_preferences")
    .innerJoin("customers", "customers.id", "customer_preferences.customer_id")
    .select(["customer_preferences.customer_id", "customer_preferences.preference"])
    .where("customers.store_id", "=", storeId).execute()) {
    const list = existingPrefs.get(p.customer_id);
    if (list) list.push(p.preference);
    else existingPrefs.set(p.customer_id, [p.preference]);
  }

  const toWrite: CustomerRow[] = [];
  const prefsToReplace: number[] = []; // existing customers whose preference set changes
  const prefsToInsert: CustomerRow[] = []; // new customers and those of prefsToReplace
  let inserted = 0, updated = 0, unchanged = 0;
  for (const r of rows) {
    const old = existing.get(r.code);
    if (!old) { inserted++; toWrite.push(r); if (r.prefs.length) prefsToInsert.push(r); continue; }
    const oldPrefs = (existingPrefs.get(old.id) ?? []).sort().join(";");
    const prefsChanged = oldPrefs !== r.prefs.join(";");
    const fieldsChanged = old.name !== r.name || old.phone !== r.phone || old.gender !== r.gender
      || old.usage !== r.usage || old.do_not_contact !== r.dnc;
    if (prefsChanged) { prefsToReplace.push(old.id); if (r.prefs.length) prefsToInsert.push(r); }
    if (prefsChanged || fieldsChanged) { updated++; toWrite.push(r); } else unchanged++;
  }
  advance(unchanged);

  const now = new Date().toISOString();
  await writeInChunks(trx, toWrite, chunkSize, (chunk) =>
    trx.insertInto("customers")
      .values(chunk.map((c) => ({
        store_id: storeId, customer_code: c.code, name: c.name, phone: c.phone, gender: c.gender, usage: c.usage,
        do_not_contact: c.dnc, created_at: now, updated_at: now,
      })))
      .onConflict((oc) => oc.columns(["store_id", "customer_code"]).doUpdateSet((eb) => ({
        name: eb.ref("excluded.name"), phone: eb.ref("excluded.phone"), gender: eb.ref("excluded.gender"),
        usage: eb.ref("excluded.usage"), do_not_contact: eb.ref("excluded.do_not_contact"), updated_at: eb.ref("excluded.updated_at"),
      }))),
  (c) => [storeId, c.code, c.name, c.phone, c.gender, c.usage, c.dnc, now, now], advance);

  // preference sets: replaced for changed customers, added for new ones
  await inChunks(prefsToReplace, chunkSize, (chunk) =>
    trx.deleteFrom("customer_preferences").where("customer_id", "in", chunk).execute());
  if (prefsToInsert.length) {
    const ids = await customerIds(trx, storeId);
    const prefRows = prefsToInsert.flatMap((c) => c.prefs.map((preference) => ({ customer_id: ids.get(c.code)!, preference })));
    await writeInChunks(trx, prefRows, chunkSize * 2, (chunk) => trx.insertInto("customer_preferences").values(chunk),
      (p) => [p.customer_id, p.preference], () => {});
  }
  return { rows: rows.length, inserted, updated, unchanged };
}

async function customerIds(trx: Trx, storeId: number): Promise<Map<string, number>> {
  const rows = await trx.selectFrom("customers").select(["id", "customer_code"]).where("store_id", "=", storeId).execute();
  return new Map(rows.map((r) => [r.customer_code, r.id]));
}

async function writeVehicles({ trx, storeId, chunkSize, advance }: Writer, rows: VehicleRow[]): Promise<Counts> {
  const ids = await customerIds(trx, storeId);
  const existing = new Map(
    (await trx.selectFrom("vehicles")
      .select(["vin", "customer_id", "plate", "model", "purchase_date", "warranty_end", "insurance_expiry", "mileage_km"])
      .where("store_id", "=", storeId).execute()).map((v) => [v.vin, v]),
  );
  const toWrite: (VehicleRow & { customerId: number })[] = [];
  let inserted = 0, updated = 0, unchanged = 0;
  for (const r of rows) {
    const customerId = ids.get(r.code);
    if (customerId === undefined) throw new Error(`customer ${r.code} disappeared during the import`);
    const old = existing.get(r.vin);
    if (!old) { inserted++; toWrite.push({ ...r, customerId }); continue; }
    const changed = old.customer_id !== customerId || old.plate !== r.plate || old.model !== r.model
      || old.purchase_date !== r.purchase || old.warranty_end !== r.warranty || old.insurance_expiry !== r.insurance
      || old.mileage_km !== r.km;
    if (changed) { updated++; toWrite.push({ ...r, customerId }); } else unchanged++;
  }
  advance(unchanged);
  await writeInChunks(trx, toWrite, chunkSize, (chunk) =>
    trx.insertInto("vehicles")
      .values(chunk.map((v) => ({
        store_id: storeId, customer_id: v.customerId, vin: v.vin, plate: v.plate, model: v.model,
        purchase_date: v.purchase, warranty_end: v.warranty, insurance_expiry: v.insurance, mileage_km: v.km,
      })))
      .onConflict((oc) => oc.columns(["store_id", "vin"]).doUpdateSet((eb) => ({
        customer_id: eb.ref("excluded.customer_id"), plate: eb.ref("excluded.plate"), model: eb.ref("excluded.model"),
        purchase_date: eb.ref("excluded.purchase_date"), warranty_end: eb.ref("excluded.warranty_end"),
        insurance_expiry: eb.ref("excluded.insurance_expiry"), mileage_km: eb.ref("excluded.mileage_km"),
      }))),
  (v) => [storeId, v.customerId, v.vin, v.plate, v.model, v.purchase, v.warranty, v.insurance, v.km], advance);
  return { rows: rows.length, inserted, updated, unchanged };
}

/**
 * Visits can be a million rows: rather than loading the store's visits to compare, the
 * upsert only updates a row when a value differs (IS DISTINCT FROM), and the counts come
 * from the database: inserted = rows after − rows before; updated = affected − inserted.
 */
async function writeVisits({ trx, storeId, chunkSize, advance }: Writer, rows: VisitRow[]): Promise<Counts> {
  const vehicles = new Map(
    (await trx.selectFrom("vehicles").select(["id", "vin", "customer_id"]).where("store_id", "=", storeId).execute())
      .map((v) => [v.vin, v]),
  );
  const countVisits = async () =>
    toInt((await trx.selectFrom("service_visits").select((eb) => eb.fn.countAll().as("n")).where("store_id", "=", storeId).executeTakeFirst())?.n);
  const before = await countVisits();
  const vehicleOf = (s: VisitRow) => {
    const v = vehicles.get(s.vin);
    if (!v) throw new Error(`vehicle ${s.vin} disappeared during the import`);
    return v;
  };
  const affected = await writeInChunks(trx, rows, chunkSize, (chunk) =>
    trx.insertInto("service_visits")
      .values(chunk.map((s) => {
        const v = vehicleOf(s);
        return { store_id: storeId, vehicle_id: v.id, customer_id: v.customer_id, ro_number: s.ro, visit_date: s.date, type: s.type, amount_fen: s.fen };
      }))
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
        ]))),
  (s) => {
    const v = vehicleOf(s);
    return [storeId, v.id, v.customer_id, s.ro, s.date, s.type, s.fen];
  }, advance);
  const inserted = (await countVisits()) - before;
  const updated = affected - inserted;
  return { rows: rows.length, inserted, updated, unchanged: rows.length - inserted - updated };
}

// ── texts for the command line (English, from the same catalog as the page) ─────────

/** `customers.csv: 3 inserted, 1 updated, 0 unchanged` lines of a successful import. */
export function formatImportSummary(outcome: Extract<ImportOutcome, { ok: true }>, storeCode: string): string[] {
  const lines = outcome.storeCreated ? [`store ${storeCode} created`] : [];
  for (const file of IMPORT_FILES) {
    const c = outcome.counts[file];
    if (c) lines.push(`${c.fileName}: ${c.inserted} inserted, ${c.updated} updated, ${c.unchanged} unchanged`);
  }
  return lines;
}

/** One line per bad row: `visits.csv line 7, column amount, value "-5": negative amount`. */
export function formatImportIssues(outcome: Extract<ImportOutcome, { ok: false }>): string[] {
  const reasons: Record<string, string> = enCustomers.import.reasons;
  const lines = [`import refused: ${outcome.issueCount} problem(s) found, nothing was imported`];
  for (const i of outcome.issues) {
    const where = [`${i.fileName} line ${i.line}`, i.column ? `column ${i.column}` : "", i.value !== "" ? `value ${JSON.stringify(i.value)}` : ""]
      .filter(Boolean).join(", ");
    lines.push(`${where}: ${reasons[i.reason]!.replace("{{firstLine}}", String(i.firstLine ?? ""))}`);
  }
  if (outcome.truncated) lines.push(`… and ${outcome.issueCount - outcome.issues.length} more`);
  return lines;
}
