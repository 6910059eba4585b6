import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { createTestDb } from "../../tests/helpers/test-db";
import { makeStore, makeUser } from "../../tests/helpers/factories";
import { getImportJob, ImportAlreadyRunning, startImportJob, waitForImportJob } from "./import-job.server";

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

  it("shows a job left running by a stopped server as interrupted", async () => {
    const store = await makeStore(db);
    const row = await db.insertInto("import_jobs").values({
      store_id: store.id, user_id: null, status: "running", files: "{}", outcome: null, message: null, created_at: new Date().toISOString(), finished_at: null,
    }).returning("id").executeTakeFirstOrThrow();
    expect((await getImportJob(db, { storeId: store.id, id: row.id }))?.status).toBe("interrupted");
  });
});
