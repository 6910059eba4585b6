import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { afterEach, expect, test } from "vitest";
import { createDb, type DB } from "./client";
import { migrateToLatest } from "./migrate";

let dir: string | null = null;
let db: DB | null = null;
afterEach(async () => {
  await db?.destroy();
  db = null;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = null;
});

test("a SQLite transaction takes the write lock when it begins (BEGIN IMMEDIATE), so another process waits instead of this one failing later", async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-client-"));
  const file = path.join(dir, "app.db");
  db = createDb(`file:${file}`);
  await migrateToLatest(db);
  const other = new SQLite(file);
  other.pragma("busy_timeout = 0");
  try {
    let insideLocked = false;
    await db.transaction().execute(async (trx) => {
      // nothing read or written yet: a DEFERRED transaction would hold no lock at this point
      try {
        other.prepare("begin immediate").run();
        other.prepare("rollback").run();
      } catch (e) {
        insideLocked = /SQLITE_BUSY/.test(String((e as { code?: string }).code));
      }
      await trx.selectFrom("stores").select("id").execute();
    });
    expect(insideLocked).toBe(true);
    // and once it has committed, the other connection can write
    other.prepare("begin immediate").run();
    other.prepare("rollback").run();
  } finally {
    other.close();
  }
});
