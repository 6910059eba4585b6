import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDb, type DB } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { createTestDb } from "../../tests/helpers/test-db";
import { sqliteOnly } from "../../tests/helpers/pg";
import { makeStore, makeUser } from "../../tests/helpers/factories";
import { getImportJob, ImportAlreadyRunning, startImportJob, startImportWatchdog, waitForImportJob } from "./import-job.server";
import { LEASE_MS } from "./import-lease.server";

let db: DB;
let dir: string;
beforeEach(async () => {
  db = await createTestDb();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-import-job-"));
});
afterEach(async () => {
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** an "uploaded" temp file, as readImportUpload leaves it */
function upload(name: string, text: string) {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.csv`);
  fs.writeFileSync(file, text);
  return { path: file, name };
}
const connection = () => ({ work: db, close: async () => {} });

describe("import jobs", () => {
  it("runs in the background, then records the summary and removes the uploaded files", async () => {
    const store = await makeStore(db);
    const user = await makeUser(db, store.id, "manager");
    const file = upload("客户.csv", "客户编号,姓名,电话,性别,用途,偏好,勿扰\nJ1,甲,13800000000,男,私家车,,否\n");
    const id = await startImportJob(db, { storeId: store.id, userId: user.id, files: { customers: file }, connection: connection() });
    const running = await getImportJob(db, { storeId: store.id, id });
    expect(running).toMatchObject({ status: "running", files: { customers: "客户.csv" } });
    await waitForImportJob(id);
    const done = await getImportJob(db, { storeId: store.id, id });
    expect(done?.status).toBe("done");
    expect(done?.outcome).toMatchObject({ ok: true, counts: { customers: { fileName: "客户.csv", inserted: 1 } } });
    expect(fs.existsSync(file.path)).toBe(false);
    expect(await db.selectFrom("customers").select("customer_code").where("store_id", "=", store.id).execute()).toEqual([{ customer_code: "J1" }]);
  });

  it("records the bad-row report of a refused import", async () => {
    const store = await makeStore(db);
    const user = await makeUser(db, store.id, "manager");
    const id = await startImportJob(db, {
      storeId: store.id, userId: user.id, connection: connection(),
      files: { visits: upload("visits.csv", "ro_number,vin,visit_date,type,amount\nR1,NOPE,2025-01-01,repair,-1\n") },
    });
    await waitForImportJob(id);
    const job = await getImportJob(db, { storeId: store.id, id });
    expect(job?.status).toBe("refused");
    expect(job?.outcome).toMatchObject({ ok: false, issueCount: 2 });
    expect(await db.selectFrom("service_visits").select("id").execute()).toEqual([]);
  });

  it("runs one import at a time per store, and hides a job from other stores", async () => {
    const store = await makeStore(db);
    const other = await makeStore(db);
    const user = await makeUser(db, store.id, "manager");
    const text = "customer_code,name,phone,gender,usage,preferences,do_not_contact\nK1,乙,,,,,\n";
    const id = await startImportJob(db, { storeId: store.id, userId: user.id, connection: connection(), files: { customers: upload("a.csv", text) } });
    const refused = upload("b.csv", text);
    await expect(startImportJob(db, { storeId: store.id, userId: user.id, connection: connection(), files: { customers: refused } }))
      .rejects.toBeInstanceOf(ImportAlreadyRunning);
    expect(fs.existsSync(refused.path)).toBe(false); // the refused upload is not left on disk
    expect(await getImportJob(db, { storeId: other.id, id })).toBeNull();
    await waitForImportJob(id);
    // once finished, the next one may start
    const next = await startImportJob(db, { storeId: store.id, userId: user.id, connection: connection(), files: { customers: upload("c.csv", text) } });
    await waitForImportJob(next);
    expect((await getImportJob(db, { storeId: store.id, id: next }))?.outcome).toMatchObject({ ok: true, counts: { customers: { unchanged: 1 } } });
  });

  it("holds progress and the one-import rule in the database: another app server's import shows and blocks until its lease runs out", async () => {
    const store = await makeStore(db);
    const user = await makeUser(db, store.id, "manager");
    const now = new Date().toISOString();
    // a job of another app server (another host), alive: it renewed its lease just now
    const other = await db.insertInto("import_jobs").values({
      store_id: store.id, store_code: store.code, user_id: user.id, source: "web", status: "running", files: JSON.stringify({ visits: "v.csv" }),
      created_at: now, owner: "other-host:4242:feedbeef", heartbeat_at: now, phase: "reading", progress_done: 40, progress_total: 100,
    }).returning("id").executeTakeFirstOrThrow();
    expect(await getImportJob(db, { storeId: store.id, id: other.id })).toMatchObject({ status: "running", progress: { phase: "reading", done: 40, total: 100 } });
    const text = "customer_code,name,phone,gender,usage,preferences,do_not_contact\nK1,乙,,,,,\n";
    await expect(startImportJob(db, { storeId: store.id, userId: user.id, connection: connection(), files: { customers: upload("a.csv", text) } }))
      .rejects.toBeInstanceOf(ImportAlreadyRunning);
    // its server died: no heartbeat for longer than the lease
    await db.updateTable("import_jobs").set({ heartbeat_at: new Date(Date.now() - LEASE_MS - 1000).toISOString() }).where("id", "=", other.id).execute();
    expect((await getImportJob(db, { storeId: store.id, id: other.id }))?.status).toBe("interrupted");
    const id = await startImportJob(db, { storeId: store.id, userId: user.id, connection: connection(), files: { customers: upload("b.csv", text) } });
    await waitForImportJob(id);
    expect((await getImportJob(db, { storeId: store.id, id }))?.status).toBe("done");
    expect((await db.selectFrom("import_jobs").select("status").where("id", "=", other.id).executeTakeFirstOrThrow()).status).toBe("interrupted");
  });

  it("takes a job of a process on this host that no longer exists for dead at once", async () => {
    const store = await makeStore(db);
    const user = await makeUser(db, store.id, "manager");
    const now = new Date().toISOString();
    const gone = await db.insertInto("import_jobs").values({
      store_id: store.id, store_code: store.code, user_id: user.id, status: "running", files: "{}",
      created_at: now, owner: `${os.hostname()}:2147483646:00000000`, heartbeat_at: now, phase: "reading",
    }).returning("id").executeTakeFirstOrThrow();
    expect((await getImportJob(db, { storeId: store.id, id: gone.id }))?.status).toBe("interrupted");
  });

  it("the watchdog finishes an import left half-written by a dead process", async () => {
    const store = await makeStore(db);
    const user = await makeUser(db, store.id, "manager");
    const customers = "customer_code,name,phone,gender,usage,preferences,do_not_contact\nW1,甲,,,,,1\nW2,乙,,,,,\n";
    const id = await startImportJob(db, { storeId: store.id, userId: user.id, connection: connection(), files: { customers: upload("c.csv", customers) } });
    await waitForImportJob(id);
    // as a process killed right after the commit point would leave it: applying, nothing applied, its owner gone
    await db.deleteFrom("customers").where("store_id", "=", store.id).execute();
    await db.insertInto("import_staged_batches").values({
      job_id: id, file: "customers", seq: 1, row_count: 2, payload: JSON.stringify([["W1", "甲", null, null, null, 1, ""], ["W2", "乙", null, null, null, 0, ""]]),
    }).execute();
    await db.updateTable("import_jobs").set({
      status: "applying", owner: "other-host:1:dead", heartbeat_at: new Date(Date.now() - LEASE_MS - 1000).toISOString(), outcome: null,
      apply_file: "customers", apply_seq: 0, cleanup_pending: 1, finished_at: null, progress_done: 0, progress_total: 2,
      apply_state: JSON.stringify({ staged: { customers: { rows: 2, batches: 1, batchSize: 250 } }, fileNames: { customers: "c.csv" }, counts: {}, storeCreated: false }),
    }).where("id", "=", id).execute();
    expect((await getImportJob(db, { storeId: store.id, id }))?.status).toBe("stalled");
    const stop = startImportWatchdog({ everyMs: 50, db: () => db, connect: connection });
    try {
      await expect.poll(async () => (await getImportJob(db, { storeId: store.id, id }))?.status, { timeout: 10_000 }).toBe("done");
    } finally {
      await stop();
    }
    expect(await db.selectFrom("customers").select(["customer_code", "do_not_contact"]).where("store_id", "=", store.id).orderBy("customer_code").execute())
      .toEqual([{ customer_code: "W1", do_not_contact: 1 }, { customer_code: "W2", do_not_contact: 0 }]);
    expect((await getImportJob(db, { storeId: store.id, id }))?.outcome).toMatchObject({ ok: true, counts: { customers: { inserted: 2 } } });
    expect(await db.selectFrom("import_staged_batches").select("seq").execute()).toEqual([]);
  });

  sqliteOnly("two app servers on one database file see the same live progress, and the second refuses another import of the store", async () => {
    const file = path.join(dir, "shared.db");
    const a = createDb(`file:${file}`);
    const b = createDb(`file:${file}`);
    try {
      await migrateToLatest(a);
      const store = await makeStore(a);
      const user = await makeUser(a, store.id, "manager");
      const lines = ["customer_code,name,phone,gender,usage,preferences,do_not_contact"];
      for (let i = 0; i < 30_000; i++) lines.push(`P${i},客户${i},,,,,`);
      const id = await startImportJob(a, { storeId: store.id, userId: user.id, connection: { work: a, close: async () => {} }, files: { customers: upload("big.csv", `${lines.join("\n")}\n`) } });
      const seen = new Set<string>();
      let refused = false;
      for (;;) {
        const job = await getImportJob(b, { storeId: store.id, id });
        if (job?.status !== "running") break;
        if (job.progress) seen.add(`${job.progress.phase} ${job.progress.done}/${job.progress.total}`);
        if (!refused) {
          await expect(startImportJob(b, { storeId: store.id, userId: user.id, connection: { work: b, close: async () => {} }, files: { customers: upload("again.csv", "customer_code,name,phone,gender,usage,preferences,do_not_contact\nX,x,,,,,\n") } }))
            .rejects.toBeInstanceOf(ImportAlreadyRunning);
          refused = true;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      await waitForImportJob(id);
      expect(refused).toBe(true);
      expect(seen.size).toBeGreaterThan(1);
      expect([...seen].some((s) => s.startsWith("writing"))).toBe(true);
      expect((await getImportJob(b, { storeId: store.id, id }))?.outcome).toMatchObject({ ok: true, counts: { customers: { inserted: 30_000 } } });
    } finally {
      await a.destroy();
      await b.destroy();
    }
  });

  it("shows a job left running by a stopped server as interrupted", async () => {
    const store = await makeStore(db);
    const row = await db.insertInto("import_jobs").values({
      store_id: store.id, user_id: null, status: "running", files: "{}", outcome: null, message: null, created_at: new Date().toISOString(), finished_at: null,
    }).returning("id").executeTakeFirstOrThrow();
    expect((await getImportJob(db, { storeId: store.id, id: row.id }))?.status).toBe("interrupted");
  });
});
