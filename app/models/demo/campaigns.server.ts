/**
 * Demo campaigns for the demo dealership (ZZ01), made through the same model functions as
 * the app: one draft, one submitted and one approved plan, each from a template (zh-CN),
 * each aimed at a saved segment (created here when the demo has none of that name).
 */
import type { DB } from "#db/client";
import { fixedT } from "~/utils/i18n-resources.server";
import { planDefaults } from "~/models/campaign-templates";
import { PlanSchema } from "~/models/campaign.schema";
import { createCampaign, transition, type Actor } from "~/models/campaign.server";
import type { DemoContext } from "./context";
import type { SegmentDefinition } from "~/models/segment.schema";
import { createSegment } from "~/models/segment.server";

/** The segment each demo plan aims at: the segments demo's one when it exists (same definition), else made here. */
const DEMO_SEGMENTS: Record<string, { names: string[]; definition: SegmentDefinition }> = {
  group2: { names: ["第 2 类 待开发", "客群2·待开发（首保关爱）"], definition: { match: "all", conditions: [{ kind: "group", values: [2] }] } },
  insurance: { names: ["保险 60 天内到期", "保险即将到期（60天内）"], definition: { match: "all", conditions: [{ kind: "insuranceDue", due: true }] } },
  group7: { names: ["第 7 类 重安全", "客群7·重安全"], definition: { match: "all", conditions: [{ kind: "group", values: [7] }] } },
};

async function demoSegment(db: DB, storeId: number, userId: number, key: keyof typeof DEMO_SEGMENTS): Promise<number> {
  const { names, definition } = DEMO_SEGMENTS[key]!;
  const existing = await db.selectFrom("segments").select(["id", "name"]).where("store_id", "=", storeId).where("name", "in", names).execute();
  for (const name of names) {
    const found = existing.find((s) => s.name === name);
    if (found) return found.id;
  }
  return (await createSegment(db, { storeId, userId, name: names.at(-1)!, definition })).id;
}

export async function seedCampaignsDemo(ctx: DemoContext): Promise<void> {
  const { db, today } = ctx;
  const storeId = ctx.stores.ZZ01;
  const authorId = ctx.users["manager@demo.test"];
  const approverId = ctx.users["manager2@demo.test"];
  if (!storeId || !authorId || !approverId) return;
  const author: Actor = { id: authorId, role: "manager" };
  const approver: Actor = { id: approverId, role: "manager" };
  const t = fixedT("zh-CN");
  const plans = [
    { template: "car_care_class", segment: "group7", status: "draft" },
    { template: "insurance_renewal_drive", segment: "insurance", status: "submitted" },
    { template: "first_maintenance_day", segment: "group2", status: "approved" },
  ] as const;
  for (const p of plans) {
    const segmentId = await demoSegment(db, storeId, authorId, p.segment);
    const values = planDefaults(t, { templateKey: p.template, today, ownerId: authorId });
    const input = PlanSchema.parse({ ...values, segmentId: String(segmentId) });
    const c = await createCampaign(db, { storeId, actor: author, input });
    if (p.status === "submitted" || p.status === "approved") await transition(db, { storeId, id: c.id, actor: author, action: "submit" });
    if (p.status === "approved") await transition(db, { storeId, id: c.id, actor: approver, action: "approve", comment: "同意，注意控制礼品预算。" });
  }
}
