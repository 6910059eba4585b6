/**
 * What tables a database holds, their keys and foreign keys, on either engine. Used by
 * `cli copy`, the table checksums and the tests that compare a database before and after,
 * so tables added by later migrations are picked up without a list to maintain.
 */
import crypto from "node:crypto";
import { sql, type Kysely } from "kysely";
import { isPostgres } from "./dialect";

export interface TableInfo {
  name: string;
  columns: string[];
  /** primary-key columns in key order; every column when the table has no primary key */
  primaryKey: string[];
  /** tables this one references (foreign keys), excluding itself */
  references: string[];
  /** a column filled from a sequence (PostgreSQL serial/identity), if any */
  sequenceColumn: string | null;
}

const INTERNAL = /^kysely_/;

async function currentSchema(db: Kysely<any>): Promise<string> {
  const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(db);
  return rows[0]!.s;
}

/** The application's tables (Kysely's own migration tables excluded), in foreign-key order: parents first. */
export async function listTables(db: Kysely<any>): Promise<TableInfo[]> {
  const pgSchema = isPostgres(db) ? await currentSchema(db) : null;
  const all = await db.introspection.getTables();
  const tables = all.filter((t) => !t.isView && !INTERNAL.test(t.name) && (pgSchema === null || t.schema === pgSchema));
  const infos: TableInfo[] = [];
  for (const t of tables) {
    const columns = t.columns.map((c) => c.name);
    let primaryKey: string[];
    let references: string[];
    let sequenceColumn: string | null = null;
    if (pgSchema === null) {
      const cols = (await sql<{ name: string; pk: number }>`select name, pk from pragma_table_info(${t.name})`.execute(db)).rows;
      primaryKey = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      const fks = (await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${t.name})`.execute(db)).rows;
      references = fks.map((f) => f.table);
    } else {
      const pk = await sql<{ column_name: string }>`
        select a.attname as column_name
        from pg_index i
        join pg_class c on c.oid = i.indrelid
        join pg_namespace n on n.oid = c.relnamespace
        join lateral unnest(i.indkey) with ordinality as k(attnum, ord) on true
        join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
        where i.indisprimary and c.relname = ${t.name} and n.nspname = ${pgSchema}
        order by k.ord`.execute(db);
      primaryKey = pk.rows.map((r) => r.column_name);
      const fks = await sql<{ table: string }>`
        select distinct ft.relname as "table"
        from pg_constraint con
        join pg_class c on c.oid = con.conrelid
        join pg_namespace n on n.oid = c.relnamespace
        join pg_class ft on ft.oid = con.confrelid
        where con.contype = 'f' and c.relname = ${t.name} and n.nspname = ${pgSchema}`.execute(db);
      references = fks.rows.map((r) => r.table);
      const seq = await sql<{ column_name: string }>`
        select column_name from information_schema.columns
        where table_schema = ${pgSchema} and table_name = ${t.name}
          and (column_default like 'nextval(%' or is_identity = 'YES')`.execute(db);
      sequenceColumn = seq.rows[0]?.column_name ?? null;
    }
    infos.push({
      name: t.name, columns,
      primaryKey: primaryKey.length ? primaryKey : [...columns],
      references: [...new Set(references)].filter((r) => r !== t.name),
      sequenceColumn,
    });
  }
  return sortByForeignKeys(infos);
}

/** Parents before children; a cycle (which no migration should create) is an error. */
export function sortByForeignKeys(tables: TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const out: TableInfo[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (t: TableInfo, path: string[]) => {
    const s = state.get(t.name);
    if (s === "done") return;
    if (s === "visiting") throw new Error(`foreign keys form a cycle: ${[...path, t.name].join(" → ")}`);
    state.set(t.name, "visiting");
    for (const r of [...t.references].sort()) {
      const parent = byName.get(r);
      if (parent) visit(parent, [...path, t.name]);
    }
    state.set(t.name, "done");
    out.push(t);
  };
  for (const t of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(t, []);
  return out;
}

/** A value in a form that is the same whichever engine returned it. */
export function normaliseValue(v: unknown): string {
  if (v === null || v === undefined) return "n:";
  if (typeof v === "number") return Object.is(v, -0) ? "d:0" : `d:${String(v)}`;
  if (typeof v === "bigint") return `d:${v.toString()}`;
  if (typeof v === "string") return /^-?\d+$/.test(v) && v.length > 15 ? `d:${BigInt(v).toString()}` : `s:${v}`;
  if (typeof v === "boolean") return `d:${v ? 1 : 0}`;
  if (v instanceof Uint8Array) return `b:${Buffer.from(v).toString("hex")}`;
  if (v instanceof Date) return `s:${v.toISOString()}`;
  return `j:${JSON.stringify(v)}`;
}

/** One row's digest: its columns by name, values normalised. */
export function rowDigest(row: Record<string, unknown>): string {
  const keys = Object.keys(row).sort();
  const h = crypto.createHash("sha256");
  for (const k of keys) h.update(`${k}\u0001${normaliseValue(row[k])}\u0002`);
  return h.digest("hex");
}

/** Reads a table in batches ordered by its primary key. */
export async function* readTable(db: Kysely<any>, table: TableInfo, batchSize = 1000): AsyncGenerator<Record<string, unknown>[]> {
  for (let offset = 0; ; offset += batchSize) {
    let q = db.selectFrom(table.name).selectAll();
    for (const c of table.primaryKey) q = q.orderBy(c);
    const rows = await q.limit(batchSize).offset(offset).execute();
    if (rows.length) yield rows;
    if (rows.length < batchSize) return;
  }
}

export interface TableSummary {
  table: string;
  rows: number;
  checksum: string;
}

/**
 * Row count and checksum of a table. The checksum is a SHA-256 over the sorted digests of
 * the rows (each row: columns by name, values normalised), so it does not depend on the
 * engine's collation, column order or number types: equal data, equal checksum.
 */
export async function summariseTable(db: Kysely<any>, table: TableInfo): Promise<TableSummary> {
  const digests: string[] = [];
  for await (const rows of readTable(db, table, 2000)) for (const r of rows) digests.push(rowDigest(r));
  digests.sort();
  const h = crypto.createHash("sha256");
  for (const d of digests) h.update(d);
  return { table: table.name, rows: digests.length, checksum: h.digest("hex").slice(0, 16) };
}

/** Counts and checksums of every application table (pass `tables` from listTables to skip the introspection). */
export async function summariseDatabase(db: Kysely<any>, tables?: TableInfo[]): Promise<TableSummary[]> {
  const out: TableSummary[] = [];
  for (const t of tables ?? (await listTables(db))) out.push(await summariseTable(db, t));
  return out;
}
