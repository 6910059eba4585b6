import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, vi } from "vitest";
import { createDb, type DB } from "#db/client";
import { integrityCheck } from "#db/backup";
import { summariseDatabase, summariseTable, listTables } from "#db/introspect";
import { migrateToLatest } from "#db/migrate";
import { makeCustomer, makeStore, makeUser, makeVehicle, makeVisit } from "../helpers/factories";
import { createPgDatabase, crossEngine, sqliteOnly } from "../helpers/pg";

vi.setConfig({ testTimeout: 120_000 }); // spawns the CLI several times; slow on a busy machine
const ROOT = path.resolve(__dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-copy-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "app/cli.ts", ...args], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, DEMO: "0", ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Names no engine should change: quotes, commas, newlines, emoji, RTL, SQL/HTML fragments, 10 KB. */
const HOSTILE = [
  `O'Brien, "Jr."`, "line1\nline2\r\nline3\ttab", "🚗💨 王小明 𠮷", "مرحبا بالعالم", "'; drop table customers; --",
  "<script>alert(1)</script>", "x".repeat(10_000), " leading and trailing ", "\u202Eevil\u202C", "=1+2",
];

async function seed(file: string) {
  const db = createDb(`file:${file}`);
  await migrateToLatest(db);
  const s1 = await makeStore(db);
  const s2 = await makeStore(db);
  await makeUser(db, s1.id, "manager");
  await makeUser(db, s2.id, "staff");
  for (const [i, name] of HOSTILE.entries()) {
    const c = await makeCustomer(db, i % 2 ? s2.id : s1.id, { name, phone: i % 3 ? null : `1380000${String(i).padStart(4, "0")}` });
    const v = await makeVehicle(db, c.store_id, c.id);
    await makeVisit(db, c.store_id, v, { date: `2026-0${(i % 9) + 1}-15`, type: "maintenance", fen: 12_345 * i });
  }
  return db;
}

const sums = async (db: DB) => summariseDatabase(db);

describe("cli copy", () => {
  sqliteOnly("copies a SQLite database to another file with equal counts and checksums, and refuses a non-empty target", async () => {
    const src = path.join(dir, "src1.db");
    const db = await seed(src);
    const before = await sums(db);
    await db.destroy();
    const dst = path.join(dir, "dst1.db");
    const r = cli(["copy", "--from", `file:${src}`, "--to", `file:${dst}`]);
    expect(r.err + r.out).toContain("counts and checksums match");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/customers\s+10\s+10\s+\w{16}\s+\w{16}\s+yes/);
    const copy = createDb(`file:${dst}`);
    expect(await sums(copy)).toEqual(before);
    await copy.destroy();

    const again = cli(["copy", "--from", `file:${src}`, "--to", `file:${dst}`]);
    expect(again.code).toBe(2);
    expect(again.err).toContain("--force");
    expect(cli(["copy", "--from", `file:${src}`, "--to", `file:${dst}`, "--force"]).code).toBe(0);
  });

  sqliteOnly("a checksum changes when one character of one row changes", async () => {
    const db = await seed(path.join(dir, "sum.db"));
    const customers = (await listTables(db)).find((t) => t.name === "customers")!;
    const a = await summariseTable(db, customers);
    const row = await db.selectFrom("customers").select(["id", "name"]).orderBy("id").executeTakeFirstOrThrow();
    await db.updateTable("customers").set({ name: `${row.name}.` }).where("id", "=", row.id).execute();
    const b = await summariseTable(db, customers);
    expect(b.rows).toBe(a.rows);
    expect(b.checksum).not.toBe(a.checksum);
    await db.destroy();
  });

  crossEngine("round-trips SQLite → PostgreSQL → SQLite with the same checksums, and new ids continue after the copied ones", async () => {
    const src = path.join(dir, "src2.db");
    const db = await seed(src);
    const before = await sums(db);
    await db.destroy();
    const pg = await createPgDatabase("copy");
    try {
      const there = cli(["copy", "--from", `file:${src}`, "--to", pg.url]);
      expect(there.err + there.out).toContain("counts and checksums match");
      expect(there.code).toBe(0);
      const pgDb = createDb(pg.url);
      expect(await sums(pgDb)).toEqual(before);
      const maxId = (await pgDb.selectFrom("customers").select((eb) => eb.fn.max("id").as("m")).executeTakeFirstOrThrow()).m as number;
      const fresh = await makeCustomer(pgDb, 1, { name: "after copy" });
      expect(fresh.id).toBeGreaterThan(maxId);
      await pgDb.deleteFrom("customers").where("id", "=", fresh.id).execute();
      await pgDb.destroy();

      const back = path.join(dir, "back2.db");
      const home = cli(["copy", "--from", pg.url, "--to", `file:${back}`]);
      expect(home.code).toBe(0);
      const backDb = createDb(`file:${back}`);
      expect(await sums(backDb)).toEqual(before);
      const stored = await backDb.selectFrom("customers").select("name").orderBy("id").execute();
      expect(stored.map((r) => r.name)).toEqual(HOSTILE);
      await backDb.destroy();
    } finally {
      await pg.drop();
    }
  });
});

describe("cli restore", () => {
  sqliteOnly("refuses to overwrite a non-empty database without --force, then restores a backup that passes the integrity check", async () => {
    const live = path.join(dir, "live.db");
    const db = await seed(live);
    const original = await sums(db);
    await db.destroy();
    const backupFile = path.join(dir, "live.backup.db");
    const b = cli(["backup", "--to", backupFile], { DATABASE_URL: `file:${live}` });
    expect(b.code).toBe(0);

    // Change the live database after the backup.
    const changed = createDb(`file:${live}`);
    await changed.deleteFrom("service_visits").execute();
    await changed.destroy();

    const refused = cli(["restore", "--from", backupFile], { DATABASE_URL: `file:${live}` });
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/not empty .*--force/);
    const still = createDb(`file:${live}`);
    expect(Number((await still.selectFrom("service_visits").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n)).toBe(0);
    await still.destroy();

    const forced = cli(["restore", "--from", backupFile, "--force"], { DATABASE_URL: `file:${live}` });
    expect(forced.err).toBe("");
    expect(forced.code).toBe(0);
    expect(integrityCheck(live)).toBe("ok");
    const restored = createDb(`file:${live}`);
    expect(await sums(restored)).toEqual(original);
    await restored.destroy();
  });

  sqliteOnly("restores into an empty location without --force, and refuses a file that is not a database", async () => {
    const src = path.join(dir, "r-src.db");
    const db = await seed(src);
    const original = await sums(db);
    await db.destroy();
    const target = path.join(dir, "fresh", "app.db");
    const ok = cli(["restore", "--from", src], { DATABASE_URL: `file:${target}` });
    expect(ok.code).toBe(0);
    const restored = createDb(`file:${target}`);
    expect(await sums(restored)).toEqual(original);
    await restored.destroy();

    const junk = path.join(dir, "junk.db");
    fs.writeFileSync(junk, "this is not a database");
    const bad = cli(["restore", "--from", junk, "--force"], { DATABASE_URL: `file:${target}` });
    expect(bad.code).not.toBe(0);
    expect(integrityCheck(target)).toBe("ok");
  });
});
