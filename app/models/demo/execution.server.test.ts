import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { createTestDb } from "../../../tests/helpers/test-db";
import { getManagerDashboard, getStoresSideBySide } from "~/models/dashboard.server";
import { seedDemo } from "./demo.server";
import { getExecutionPage } from "~/models/execution.server";
import { getReview } from "~/models/review.server";

describe("demo event day and reviews", () => {
  let db: DB;
  let storeId: number;
  let manager: { id: number; role: "manager" };
  const today = "2026-11-22";
  beforeAll(async () => {
    db = await createTestDb();
    const ctx = await seedDemo(db, { today });
    storeId = ctx.stores.ZZ01!;
    manager = { id: ctx.users["manager@demo.test"]!, role: "manager" };
  }, 240_000);
  afterAll(() => db.destroy());

  const byName = (name: string) => db.selectFrom("campaigns").selectAll().where("store_id", "=", storeId).where("name", "=", name).executeTakeFirstOrThrow();

  it("has a campaign on its event day with the checklist partly done and guests checked in", async () => {
    const c = await byName("养车讲堂（活动当天）");
    expect(c.status).toBe("executing");
    expect(c.event_start!.slice(0, 10)).toBe(today);
    const page = await getExecutionPage(db, { storeId, campaignId: c.id, actor: manager, timeZone: "Asia/Shanghai", now: new Date(`${today}T04:00:00Z`) });
    expect(page.window).toBe("during");
    expect(page.checkinBlocked).toBeNull();
    expect(page.counts.arrived).toBeGreaterThan(3);
    const done = page.tasks.filter((t) => t.status === "done").length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(page.tasks.length);
    expect(page.readiness.filter((r) => r.checked).length).toBe(5);
    // some invited guests are still to come
    expect(page.counts.arrived).toBeLessThan(page.counts.yes);
  });

  it("has two closed campaigns with frozen reviews, hold-outs, costs, orders, scores and lessons", async () => {
    for (const name of ["春季保养节（已结案）", "续保关怀月（已结案）"]) {
      const c = await byName(name);
      expect(c.status).toBe("closed");
      const r = await getReview(db, { storeId, campaignId: c.id, actor: manager });
      expect(r.frozen).not.toBeNull();
      const f = r.figures!;
      expect(f.money.actualCostFen).toBeGreaterThan(0);
      expect(f.money.missingActuals).toBe(0);
      expect(f.money.ordersFen).toBeGreaterThan(0);
      expect(f.money.visitsFen).toBeGreaterThan(0);
      expect(f.money.roi).not.toBeNull();
      expect(f.lift).not.toBeNull();
      expect(f.lift!.holdout.size).toBeGreaterThan(0);
      expect(f.touchpoints).toHaveLength(4);
      expect(r.lessons.whatWorked).toBeTruthy();
      expect(f.funnel.find((s) => s.key === "arrived")!.count).toBeGreaterThan(5);
    }
    const big = await getReview(db, { storeId, campaignId: (await byName("春季保养节（已结案）")).id, actor: manager });
    expect(big.figures!.lift!.tooSmall).toBe(false);
    const small = await getReview(db, { storeId, campaignId: (await byName("续保关怀月（已结案）")).id, actor: manager });
    expect(small.figures!.lift!.tooSmall).toBe(true);
  });

  it("has a campaign in review whose event is over, with its window still open and its post-event history", async () => {
    const c = await byName("老客户答谢会（总结中）");
    expect(c.status).toBe("reviewing");
    const r = await getReview(db, { storeId, campaignId: c.id, actor: manager, now: new Date(`${today}T04:00:00Z`) });
    expect(r.frozen).toBeNull();
    expect(r.finality).toMatchObject({ provisional: true, reached: false });
    expect(r.figures!.money.actualCostFen).toBeGreaterThan(0);
    expect(r.figures!.money.visitsFen).toBeGreaterThan(0);
    const fields = new Set((await db.selectFrom("campaign_history").select("field").where("campaign_id", "=", c.id).execute()).map((h) => h.field));
    for (const f of ["event_order", "actual_cost", "touchpoint_reception", "readiness_venue", "task_status", "review_what_worked", "start_review"]) expect(fields, f).toContain(f);
    // no visit is dated after today
    const future = await db.selectFrom("service_visits").select("id").where("store_id", "=", storeId).where("visit_date", ">", today).execute();
    expect(future).toHaveLength(0);
  });

  it("gives the dashboard real figures", async () => {
    const d = await getManagerDashboard(db, { storeId, timeZone: "Asia/Shanghai", now: new Date(`${today}T04:00:00Z`) });
    expect(d.totals.campaigns).toBeGreaterThanOrEqual(3);
    expect(d.totals.arrivals).toBeGreaterThan(10);
    expect(d.totals.revenueFen).toBeGreaterThan(0);
    expect(d.totals.roi).not.toBeNull();
    expect(d.byCampaign.length).toBeGreaterThanOrEqual(3);
    expect(d.byChain.length).toBeGreaterThanOrEqual(2);
    expect(d.open.some((c) => c.status === "executing")).toBe(true);
    const side = await getStoresSideBySide(db, { stores: [{ id: storeId, name: "ZZ" }], timeZone: "Asia/Shanghai", now: new Date(`${today}T04:00:00Z`) });
    expect(side.stores[0]!.revenueFen).toBe(d.totals.revenueFen);
  });
});
