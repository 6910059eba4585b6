/**
 * The http sender against a fake gateway on 127.0.0.1 (issue 13): signatures and idempotency
 * keys, retries with backoff on 5xx then sent, a permanent refusal recorded, kill -9 between send
 * and record (one delivery), and two dispatchers on one database sending each reminder once.
 * On the suite's engine (SQLite file, or PostgreSQL with TEST_ENGINE=pg).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { createDb, type DB } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { armReminders, dispatchOnce, queueInvitationMessages } from "~/models/outbox.server";
import { httpSender } from "~/models/outbox-senders.server";
import { startFakeGateway, type FakeGateway } from "../helpers/fake-gateway";
import { makeApprovedCampaign } from "../helpers/invitation-factories";
import { createPgDatabase, TEST_ENGINE } from "../helpers/pg";

vi.setConfig({ testTimeout: 120_000 });

const ROOT = path.resolve(__dirname, "../..");
const SECRET = "test-webhook-secret-0123456789";
const BASE = "https://invite.example";
let gw: FakeGateway;
let url: string;
let db: DB;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  gw = await startFakeGateway({ secret: SECRET });
  if (TEST_ENGINE === "pg") {
    const pgDb = await createPgDatabase("ob");
    url = pgDb.url;
    cleanup = pgDb.drop;
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-outbox-"));
    url = `file:${path.join(dir, "app.db")}`;
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  db = createDb(url);
  await migrateToLatest(db);
});

afterEach(async () => {
  await db.destroy();
  await gw.close();
  await cleanup();
});

async function queued(customers = 4) {
  const c = await makeApprovedCampaign(db, { customers, start: true });
  await queueInvitationMessages(db, { storeId: c.store.id, campaignId: c.campaign.id, baseUrl: BASE });
  return c;
}

const sender = () => httpSender({ url: gw.url, secret: SECRET, timeoutMs: 5_000 });

async function drain(d: DB, opts: { maxAttempts?: number; retryBaseMs?: number } = {}) {
  for (let i = 0; i < 50; i++) {
    await dispatchOnce(d, { sender: sender(), retryBaseMs: 20, ...opts });
    const left = await d.selectFrom("outbox").select("id").where("status", "=", "queued").execute();
    if (!left.length) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

test("signs each message, sends its idempotency key, retries 5xx with growing waits, then records it sent", async () => {
  await queued(1);
  gw.failFirst = 3;
  await drain(db, { maxAttempts: 5 });
  expect(gw.requests.length).toBe(4);
  expect(gw.requests.every((r) => r.signatureOk)).toBe(true);
  const row = await db.selectFrom("outbox").selectAll().executeTakeFirstOrThrow();
  expect(gw.requests.every((r) => r.key === row.idempotency_key && r.body.idempotency_key === row.idempotency_key)).toBe(true);
  expect(row).toMatchObject({ status: "sent", attempts: 4, provider_id: `gw-${row.idempotency_key}` });
  expect(gw.requests[0]!.body.text).toBe(row.text);
  // exponential backoff: each wait at least twice the base times 2^(n-1)
  const gaps = gw.requests.slice(1).map((r, i) => r.at - gw.requests[i]!.at);
  expect(gaps[0]).toBeGreaterThanOrEqual(20);
  expect(gaps[1]).toBeGreaterThanOrEqual(40);
  expect(gaps[2]).toBeGreaterThanOrEqual(80);
});

test("gives up after the last attempt with the gateway's answer; a 4xx is not retried", async () => {
  await queued(2);
  gw.alwaysStatus = 503;
  await drain(db, { maxAttempts: 3 });
  let rows = await db.selectFrom("outbox").selectAll().orderBy("id").execute();
  expect(rows.map((r) => [r.status, r.attempts])).toEqual([["failed", 3], ["failed", 3]]);
  expect(rows[0]!.provider_answer).toContain("503");
  expect(rows[0]!.provider_answer).toContain("refused 503");
  await db.updateTable("outbox").set({ status: "queued", attempts: 0 }).execute();
  gw.requests.length = 0;
  gw.alwaysStatus = 400;
  await drain(db, { maxAttempts: 3 });
  rows = await db.selectFrom("outbox").selectAll().orderBy("id").execute();
  expect(rows.map((r) => [r.status, r.attempts])).toEqual([["failed", 1], ["failed", 1]]);
  expect(rows[0]!.provider_answer).toMatch(/^400 /);
  expect(gw.requests.length).toBe(2);
});

test("a wrong secret is refused by the gateway and recorded failed", async () => {
  await queued(1);
  await dispatchOnce(db, { sender: httpSender({ url: gw.url, secret: "another-secret-0123456789" }) });
  expect(gw.requests[0]!.signatureOk).toBe(false);
  expect((await db.selectFrom("outbox").select(["status", "provider_answer"]).executeTakeFirstOrThrow())).toMatchObject({ status: "failed" });
});

test("kill -9 between send and record: the row is taken again after its lease and re-sent with the same key, one delivery", async () => {
  await queued(1);
  // `node --import tsx` (one process): tsx's CLI would run the script in a second process that outlives the kill
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "tests/helpers/outbox-child.ts")], {
    cwd: ROOT, env: { ...process.env, DATABASE_URL: url, SMS_WEBHOOK_URL: gw.url, SMS_WEBHOOK_SECRET: SECRET, MESSAGE_LEASE_MS: "1500" }, stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (c) => { stderr += String(c); });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? code)));
  // the gateway got the message (and delivers it): the sender dies before it can record that
  gw.onRequest = () => { child.kill("SIGKILL"); };
  expect(await exited).toBe("SIGKILL");
  expect(stderr).toBe("");
  expect(gw.requests.length).toBe(1);
  gw.onRequest = null;
  let row = await db.selectFrom("outbox").selectAll().executeTakeFirstOrThrow();
  expect(row).toMatchObject({ status: "queued", attempts: 1 });
  expect(row.claimed_by).toMatch(/^child:/);
  // within the lease nobody takes it
  expect((await dispatchOnce(db, { sender: sender() })).claimed).toBe(0);
  await new Promise((r) => setTimeout(r, 1600));
  const again = await dispatchOnce(db, { sender: sender() });
  expect(again).toMatchObject({ claimed: 1, sent: 1 });
  row = await db.selectFrom("outbox").selectAll().executeTakeFirstOrThrow();
  expect(row).toMatchObject({ status: "sent", attempts: 2 });
  expect(gw.requests.map((r) => r.key)).toEqual([row.idempotency_key, row.idempotency_key]);
  expect([...gw.deliveries.values()]).toEqual([1]);
});

test("two dispatchers on one database (two handles, parallel loops) send each reminder once", async () => {
  const c = await makeApprovedCampaign(db, { customers: 30, start: true });
  await db.updateTable("invitations").set({ result: "yes" }).where("campaign_id", "=", c.campaign.id).execute();
  await db.updateTable("campaigns").set({ event_start: "2026-12-12T09:30" }).where("id", "=", c.campaign.id).execute();
  const now = () => new Date("2026-12-11T10:30:00+08:00");
  const other = createDb(url);
  try {
    const loop = async (d: DB, name: string) => {
      for (let i = 0; i < 12; i++) {
        await armReminders(d, { baseUrl: BASE, now: now() });
        await dispatchOnce(d, { sender: sender(), worker: name, now, batch: 3 });
      }
    };
    await Promise.all([loop(db, "a"), loop(other, "b"), loop(db, "c"), loop(other, "d")]);
  } finally {
    await other.destroy();
  }
  const rows = await db.selectFrom("outbox").selectAll().execute();
  expect(rows.length).toBe(30);
  expect(rows.every((r) => r.status === "sent" && r.attempts === 1 && r.kind === "reminder_day_before")).toBe(true);
  expect(gw.requests.length).toBe(30);
  expect(new Set(gw.requests.map((r) => r.key)).size).toBe(30);
});
