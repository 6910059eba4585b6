/**
 * Copies a whole database between engines (SQLite ⇄ PostgreSQL, or to the same engine):
 * migrates the target, copies every table in foreign-key order in batches inside one
 * transaction, moves PostgreSQL sequences past the copied ids, then compares row counts and
 * checksums table by table.
 */
import { sql, type Kysely } from "kysely";
import { isPostgres } from "./dialect";
import { listTables, readTable, summariseTable, type TableInfo } from "./introspect";
import { migrateToLatest } from "./migrate";

export class CopyRefused extends Error {}

export interface CopyRow {
  table: string;
  sourceRows: number;
  targetRows: number;
  sourceChecksum: string;
  targetChecksum: string;
  ok: boolean;
}

async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  try {
    const rows = await db.selectFrom("kysely_migration").select("name").orderBy("name").execute();
    return rows.map((r) => String(r.name));
  } catch {
    return [];
  }
}

async function rowCount(db: Kysely<any>, table: string): Promise<number> {
  const r = await db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Tables of `db` that hold at least one row. */
export async function nonEmptyTables(db: Kysely<any>): Promise<string[]> {
  const out: string[] = [];
  for (const t of await listTables(db)) if ((await rowCount(db, t.name)) > 0) out.push(t.name);
  return out;
}

/** Moves each PostgreSQL sequence past the largest copied id, so new rows get fresh ids. */
async function resetSequences(db: Kysely<any>, tables: TableInfo[]) {
  if (!isPostgres(db)) return; // SQLite's AUTOINCREMENT tracks explicit ids itself
  for (const t of tables) {
    if (!t.sequenceColumn) continue;
    const col = sql.id(t.sequenceColumn);
    await sql`select setval(pg_get_serial_sequence(${t.name}, ${t.sequenceColumn}), coalesce((select max(${col}) from ${sql.table(t.name)}), 1), (select count(*) > 0 from ${sql.table(t.name)}))`.execute(db);
  }
}

export async function copyDatabase(
  source: Kysely<any>,
  target: Kysely<any>,
  opts: { force?: boolean; batchSize?: number; log?: (line: string) => void } = {},
): Promise<CopyRow[]> {
  const log = opts.log ?? (() => {});
  await migrateToLatest(target);
  const [sm, tm] = [await appliedMigrations(source), await appliedMigrations(target)];
  if (sm.join("\n") !== tm.join("\n")) {
    const missing = tm.filter((m) => !sm.includes(m));
    throw new CopyRefused(
      missing.length
        ? `the source is not migrated to the latest version (missing ${missing.join(", ")}): run \`cli migrate\` on it first`
        : `the source has migrations this build does not know (${sm.filter((m) => !tm.includes(m)).join(", ")})`,
    );
  }
  const tables = await listTables(source);
  const targetTables = new Map((await listTables(target)).map((t) => [t.name, t]));
  for (const t of tables) {
    const tt = targetTables.get(t.name);
    if (!tt) throw new CopyRefused(`table ${t.name} is missing in the target`);
    const missingCols = t.columns.filter((c) => !tt.columns.includes(c));
    if (missingCols.length) throw new CopyRefused(`columns ${missingCols.join(", ")} of ${t.name} are missing in the target`);
  }
  const busy = await nonEmptyTables(target);
  if (busy.length && !opts.force) {
    throw new CopyRefused(`the target already holds data (${busy.join(", ")}): use --force to replace it`);
  }

  await target.transaction().execute(async (trx) => {
    if (!isPostgres(trx)) await sql`pragma defer_foreign_keys = on`.execute(trx);
    for (const t of [...tables].reverse()) await trx.deleteFrom(t.name).execute();
    for (const t of tables) {
      // Stay under SQLite's and PostgreSQL's bound-parameter limits.
      const batch = Math.max(1, Math.min(opts.batchSize ?? 500, Math.floor(30_000 / Math.max(1, t.columns.length))));
      let copied = 0;
      for await (const rows of readTable(source, t, batch)) {
        await trx.insertInto(t.name).values(rows).execute();
        copied += rows.length;
      }
      log(`copied ${t.name}: ${copied} rows`);
    }
    await resetSequences(trx, [...targetTables.values()]);
  });

  const out: CopyRow[] = [];
  for (const t of tables) {
    const [a, b] = [await summariseTable(source, t), await summariseTable(target, targetTables.get(t.name)!)];
    out.push({
      table: t.name, sourceRows: a.rows, targetRows: b.rows, sourceChecksum: a.checksum, targetChecksum: b.checksum,
      ok: a.rows === b.rows && a.checksum === b.checksum,
    });
  }
  return out;
}

export function formatCopyReport(rows: CopyRow[]): string {
  const head = ["table", "source rows", "target rows", "source checksum", "target checksum", "ok"];
  const body = rows.map((r) => [r.table, String(r.sourceRows), String(r.targetRows), r.sourceChecksum, r.targetChecksum, r.ok ? "yes" : "NO"]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
