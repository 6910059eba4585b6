/**
 * `cli messages` end to end (issue 13): a started campaign with a hold-out in a migrated
 * database file, a customer who refused contact after the snapshot, a name that looks like a
 * spreadsheet formula, and the real CLI process.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createDb, type DB } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { parseCsv } from "~/models/review-csv";
import { makeApprovedCampaign } from "../helpers/invitation-factories";

// Each test runs the CLI several times (a tsx start each): on a busy 2-core machine that takes a while.
vi.setConfig({ testTimeout: 120_000 });

const ROOT = path.resolve(__dirname, "../..");
let dir: string;
let dbFile: string;
let storeCode: string;
let storeName: string;
let campaignId: number;
let contactableCodes: string[];
let heldCodes: string[];
let refusedCode: string;
let formulaCode: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-msg-cli-"));
  dbFile = path.join(dir, "app.db");
  const db: DB = createDb(`file:${dbFile}`);
  await migrateToLatest(db);
  const c = await makeApprovedCampaign(db, { customers: 12, holdoutPercent: 25, start: true });
  storeCode = c.store.code;
  storeName = c.store.name;
  campaignId = c.campaign.id;
  const rows = await db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id")
    .select(["customers.id", "customers.customer_code", "invitations.holdout"]).where("invitations.campaign_id", "=", campaignId).orderBy("customers.customer_code").execute();
  const contactable = rows.filter((r) => !r.holdout);
  heldCodes = rows.filter((r) => r.holdout).map((r) => r.customer_code);
  // one customer refuses contact after the snapshot; one is a woman and one a man (titles); one's name is a formula
  refusedCode = contactable[0]!.customer_code;
  await db.updateTable("customers").set({ do_not_contact: 1 }).where("id", "=", contactable[0]!.id).execute();
  await db.updateTable("customers").set({ name: "李娜", gender: "F" }).where("id", "=", contactable[1]!.id).execute();
  await db.updateTable("customers").set({ name: "王建国", gender: "M" }).where("id", "=", contactable[2]!.id).execute();
  formulaCode = contactable[3]!.customer_code;
  await db.updateTable("customers").set({ name: "=HYPERLINK(\"http://x\")" }).where("id", "=", contactable[3]!.id).execute();
  contactableCodes = contactable.slice(1).map((r) => r.customer_code);
  await db.updateTable("campaigns").set({ theme: "冬季关爱", event_start: "2026-12-12T09:00" }).where("id", "=", campaignId).execute();
  await db.destroy();
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  return spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "app/cli.ts"), ...args], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, DATABASE_URL: `file:${dbFile}`, PUBLIC_URL: "https://invite.dealer.example" }, timeout: 60_000,
  });
}

test("prints one SMS per contactable invitation with its own link, none for hold-out or do-not-contact customers", () => {
  const out = cli("messages", "--store", storeCode, "--campaign", String(campaignId));
  expect(out.stderr).toBe("");
  expect(out.status).toBe(0);
  const [header, ...rows] = parseCsv(out.stdout);
  expect(header).toEqual(["customer_code", "name", "phone", "channel", "message", "link"]);
  expect(rows.map((r) => r[0]).sort()).toEqual([...contactableCodes].sort());
  for (const code of [...heldCodes, refusedCode]) expect(out.stdout).not.toContain(code);
  const links = rows.map((r) => r[5]!);
  expect(new Set(links).size).toBe(rows.length);
  for (const r of rows) {
    expect(r[5]).toMatch(/^https:\/\/invite\.dealer\.example\/i\/[A-Za-z0-9_-]{24}$/);
    expect(r[3]).toBe("sms");
    expect(r[4]).toContain(`【${storeName}】`);
    expect(r[4]).toContain("冬季关爱");
    expect(r[4]).toContain("2026/12/12 09:00");
    expect(r[4]).toContain(r[5]);
    expect(r[4]!.endsWith("回T退订")).toBe(true);
    expect(r[4]).not.toMatch(/\{[^}]*\}/); // every variable filled
  }
  expect(rows.find((r) => r[1] === "李娜")![4]).toContain("李女士您好");
  expect(rows.find((r) => r[1] === "王建国")![4]).toContain("王先生您好");
  // a name that a spreadsheet would run as a formula is written as text
  expect(rows.find((r) => r[0] === formulaCode)![1]).toBe("'=HYPERLINK(\"http://x\")");

  // the same links the second time (made once), and WeCom texts on request
  const again = cli("messages", "--store", storeCode, "--campaign", String(campaignId), "--channel", "wecom");
  expect(again.status).toBe(0);
  const [, ...wecom] = parseCsv(again.stdout);
  expect(wecom.map((r) => r[5]).sort()).toEqual([...links].sort());
  expect(wecom.every((r) => r[3] === "wecom" && !r[4]!.includes("回T退订"))).toBe(true);
});

test("bad arguments exit non-zero with a clear message", () => {
  const noCampaign = cli("messages", "--store", storeCode);
  expect(noCampaign.status).toBe(2);
  expect(noCampaign.stderr).toContain("usage: messages");
  const unknown = cli("messages", "--store", storeCode, "--campaign", "99999");
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toContain("no campaign 99999");
  const channel = cli("messages", "--store", storeCode, "--campaign", String(campaignId), "--channel", "fax");
  expect(channel.status).toBe(2);
  expect(channel.stderr).toContain("--channel");
  expect(cli("messages", "--store", "NOPE", "--campaign", "1").stderr).toContain("no store with code NOPE");
});

test("--send queues one message per contactable invitation and sends it through the log sender, once", () => {
  const out = cli("messages", "--store", storeCode, "--campaign", String(campaignId), "--send");
  expect(out.stderr).toBe("");
  expect(out.status).toBe(0);
  const lines = out.stdout.trim().split("\n");
  const sent = lines.filter((l) => l.startsWith("message invite:sms:"));
  expect(sent.length).toBe(contactableCodes.length);
  for (const l of sent) expect(l).toMatch(/https:\/\/invite\.dealer\.example\/i\/[A-Za-z0-9_-]{24} 回T退订$/);
  expect(lines.at(-1)).toBe(`queued ${contactableCodes.length} (no phone: 0); this run: sent ${contactableCodes.length}, failed 0, cancelled 0; outbox: queued 0, sent ${contactableCodes.length}, failed 0, cancelled 0`);
  const again = cli("messages", "--store", storeCode, "--campaign", String(campaignId), "--send");
  expect(again.status).toBe(0);
  expect(again.stdout.trim()).toBe(`queued 0 (no phone: 0); this run: sent 0, failed 0, cancelled 0; outbox: queued 0, sent ${contactableCodes.length}, failed 0, cancelled 0`);
});
