import { describe, expect } from "vitest";
import { sql } from "kysely";
import { createDb } from "#db/client";
import { listTables } from "#db/introspect";
import { migrateToLatest } from "#db/migrate";
import { createPgDatabase, crossEngine } from "../helpers/pg";

/** integer/int4/int8/serial → integer, text/varchar → text, …: the families both engines share. */
const family = (t: string) => {
  const x = t.toLowerCase();
  if (/int|serial/.test(x)) return "integer";
  if (/char|text|clob/.test(x)) return "text";
  if (/real|floa|doub|numeric|decimal/.test(x)) return "number";
  if (/bool/.test(x)) return "boolean";
  return x;
};

describe("the same migrations on both engines", () => {
  crossEngine("create the same tables, columns, types, nullability, primary and foreign keys", async () => {
    const lite = createDb("file::memory:");
    const pg = await createPgDatabase("schema");
    const pgDb = createDb(pg.url);
    try {
      await migrateToLatest(lite);
      await migrateToLatest(pgDb);
      const shape = async (db: typeof lite) => {
        const tables = await listTables(db);
        const meta = new Map((await db.introspection.getTables()).map((t) => [`${t.schema ?? ""}.${t.name}`, t]));
        const schema = db === pgDb ? "public" : "";
        return Object.fromEntries(tables.map((t) => {
          const m = meta.get(`${schema}.${t.name}`)!;
          return [t.name, {
            // SQLite reports primary-key columns as nullable (a legacy quirk); both engines refuse nulls there in practice.
            columns: Object.fromEntries(m.columns.map((c) => [c.name, `${family(c.dataType)}${c.isNullable && !t.primaryKey.includes(c.name) ? "?" : ""}`])),
            primaryKey: t.primaryKey,
            references: [...t.references].sort(),
          }];
        }));
      };
      const [a, b] = [await shape(lite), await shape(pgDb)];
      expect(Object.keys(a).length).toBeGreaterThanOrEqual(8);
      expect(b).toEqual(a);
      // Numbers come back as numbers on PostgreSQL too (count, sum).
      const { rows } = await sql<{ n: unknown; s: unknown }>`select count(*) as n, sum(1) as s from stores`.execute(pgDb);
      expect(rows[0]).toEqual({ n: 0, s: null });
      const { rows: r2 } = await sql<{ n: unknown; s: unknown }>`select count(*) as n, sum(x) as s from (select 2 as x union all select 3) t`.execute(pgDb);
      expect(r2[0]).toEqual({ n: 2, s: 5 });
    } finally {
      await lite.destroy();
      await pgDb.destroy();
      await pg.drop();
    }
  });
});
