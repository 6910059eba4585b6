/**
 * `cli review --format json` end to end (issue 15): a campaign with a hold-out, answers,
 * arrivals and later visits in a migrated database file, the real CLI process, and the same
 * figures from the model (getReview → reviewReport) and in the review CSV.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createDb, type DB } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { checkIn } from "~/models/checkin.server";
import { reviewCsv, parseCsv } from "~/models/review-csv";
import { reviewReport } from "~/models/review-report";
import { getReview } from "~/models/review.server";
import { newcombeDiffInterval } from "~/models/review-stats";
import { fixedT } from "~/utils/i18n-resources.server";
import { runCliProcess } from "../helpers/cli";
import { attempt, makeEventCampaign, TZ } from "../helpers/execution-factories";

vi.setConfig({ testTimeout: 120_000 });

let dir: string;
let dbFile: string;
let storeCode: string;
let campaignId: number;
let modelReport: ReturnType<typeof reviewReport>;
let csv: string[][];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-review-cli-"));
  dbFile = path.join(dir, "app.db");
  const db: DB = createDb(`file:${dbFile}`);
  await migrateToLatest(db);
  const c = await makeEventCampaign(db, { customers: 60, holdoutPercent: 50 });
  storeCode = c.store.code;
  campaignId = c.campaignId;
  // 12 of the invited say yes and come; 3 of the hold-out visit after the event with some revenue
  for (const inv of c.invited.slice(0, 12)) {
    await attempt(db, c, c.actor, inv.id, { outcome: "yes" });
    await checkIn(db, { storeId: c.storeId, campaignId, actor: c.actor, invitationId: inv.id, timeZone: TZ, now: new Date("2026-12-12T03:00:00Z") });
  }
  let ro = 0;
  const visit = async (customerId: number, date: string, fen: number) => {
    const v = await db.selectFrom("vehicles").select("id").where("customer_id", "=", customerId).executeTakeFirstOrThrow();
    await db.insertInto("service_visits").values({ store_id: c.storeId, customer_id: customerId, vehicle_id: v.id, ro_number: `RO${++ro}`, visit_date: date, type: "maintenance", amount_fen: fen }).execute();
  };
  for (const [i, inv] of c.held.slice(0, 3).entries()) await visit(inv.customer_id, "2026-12-20", 500_00 + i * 100_00);
  for (const [i, inv] of c.invited.slice(0, 8).entries()) await visit(inv.customer_id, "2026-12-21", 800_00 + i * 50_00);
  const review = await getReview(db, { storeId: c.storeId, campaignId, actor: c.actor });
  modelReport = JSON.parse(JSON.stringify(reviewReport(review.figures!, review.campaign)));
  csv = parseCsv(reviewCsv(review.figures!, review.campaign.name, fixedT("en")));
  await db.destroy();
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCliProcess(dbFile, args);

test("prints the review's figures as JSON, the same as the model and the CSV, with the visit-rate interval as [low, high]", () => {
  const out = cli("review", "--store", storeCode, "--campaign", String(campaignId), "--format", "json");
  expect(out.stderr).toBe("");
  expect(out.status).toBe(0);
  const report = JSON.parse(out.stdout);
  const { computedAt: _a, ...cliRest } = report;
  const { computedAt: _b, ...modelRest } = modelReport;
  expect(cliRest).toEqual(modelRest);
  const lift = report.lift;
  expect(lift.invited.size).toBe(30);
  expect(lift.holdout.size).toBe(30);
  expect(lift.invited.visitors).toBe(12);
  expect(lift.holdout.visitors).toBe(3);
  expect(lift.visitRateDiff.ci95).toHaveLength(2);
  const expected = newcombeDiffInterval(12, 30, 3, 30)!;
  expect(lift.visitRateDiff.ci95[0]).toBeCloseTo(expected[0], 12);
  expect(lift.visitRateDiff.ci95[1]).toBeCloseTo(expected[1], 12);
  expect(lift.visitRateDiff.coversZero).toBe(false);
  expect(lift.revenuePerCustomerDiffFen.ci95).toHaveLength(2);
  expect(lift.revenuePerCustomerDiffFen.df).toBeGreaterThan(1);
  // the CSV's interval row carries the same bounds (ratios to 4 decimals)
  const row = csv.find((r) => r[1] === "Visit rate difference (invited − hold-out)")!;
  expect(Number(row[3])).toBeCloseTo(lift.visitRateDiff.ci95[0], 4);
  expect(Number(row[4])).toBeCloseTo(lift.visitRateDiff.ci95[1], 4);
  expect(row[5]).toBe("distinguishable from no effect");
});

test("refuses an unknown campaign or format with a message and exit code 2", () => {
  const bad = cli("review", "--store", storeCode, "--campaign", "99999");
  expect(bad.status).not.toBe(0);
  expect(bad.stderr).toContain("no campaign 99999");
  const fmt = cli("review", "--store", storeCode, "--campaign", String(campaignId), "--format", "xml");
  expect(fmt.status).not.toBe(0);
  expect(fmt.stderr).toContain("--format must be json");
});
