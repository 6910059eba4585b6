import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { createTestDb } from "../../../tests/helpers/test-db";
import { makeStore, makeUser } from "../../../tests/helpers/factories";
import { seedCampaignsDemo } from "./campaigns.server";
import { getCampaign, listCampaigns } from "~/models/campaign.server";

let db: DB;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await db.destroy();
});

describe("seedCampaignsDemo", () => {
  it("makes one draft, one submitted and one approved plan from the templates, each with a segment", async () => {
    const store = await makeStore(db);
    const m1 = await makeUser(db, store.id, "manager");
    const m2 = await makeUser(db, store.id, "manager");
    await seedCampaignsDemo({ db, today: "2026-11-22", stores: { ZZ01: store.id }, users: { "manager@demo.test": m1.id, "manager2@demo.test": m2.id } });
    const rows = await listCampaigns(db, { storeId: store.id, filters: {} });
    expect(rows.map((r) => r.status).sort()).toEqual(["approved", "draft", "submitted"]);
    for (const r of rows) {
      const d = await getCampaign(db, { storeId: store.id, id: r.id });
      expect(d.campaign.segment_id).not.toBeNull();
      expect(d.campaign.template_key).toMatch(/^(car_care_class|insurance_renewal_drive|first_maintenance_day)$/);
      expect(d.budget.length).toBeGreaterThan(0);
      expect(d.tasks).toHaveLength(12);
      expect(d.campaign.event_start! > "2026-11-22").toBe(true);
    }
    const approved = rows.find((r) => r.status === "approved")!;
    expect(approved.name).toBe("首保关爱日");
    const history = (await getCampaign(db, { storeId: store.id, id: approved.id })).history;
    expect(history.at(-1)).toMatchObject({ user_id: m2.id, new_value: "approved" });
  });
});
