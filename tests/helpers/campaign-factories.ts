import type { DB } from "#db/client";
import { PlanSchema, type PlanFormValues, type PlanInput } from "~/models/campaign.schema";
import { createCampaign, transition, type Actor } from "~/models/campaign.server";

let seq = 0;

/** A saved segment row (the segments table from the foundation), inserted directly. */
export async function makeSegment(db: DB, storeId: number, name = `Segment ${++seq}`) {
  const now = new Date().toISOString();
  return db.insertInto("segments")
    .values({ store_id: storeId, name, description: null, definition: JSON.stringify({ match: "all", conditions: [] }), created_by: null, created_at: now, updated_at: now })
    .returningAll().executeTakeFirstOrThrow();
}

/** Form values (strings, as a browser posts them) for a complete plan. */
export function planFormValues(overrides: Partial<PlanFormValues> = {}): PlanFormValues {
  return {
    version: "0",
    name: `首保关爱日 ${++seq}`,
    background: "新车首保到店率偏低",
    goals: [{ text: "首保到店", target: "60", unit: "台" }],
    nonQuantifiedGoals: "提升客户满意度",
    kpiReachRatePercent: "100",
    kpiYesCount: "80",
    kpiArrivals: "60",
    kpiConversions: "40",
    kpiRevenue: "120000",
    kpiDeposits: "20000.50",
    kpiRoiPercent: "150",
    segmentId: "",
    holdoutPercent: "10",
    theme: "首保关爱日",
    topicTechnique: "borrow_trend",
    topicSubkind: "seasonal_festival",
    businessChain: "booking_maintenance",
    offer: "首保工时免费",
    script: "您好，我是……",
    invitationStart: "2026-12-01",
    invitationEnd: "2026-12-10",
    eventStart: "2026-12-12T09:00",
    eventEnd: "2026-12-13T17:00",
    reviewDate: "2026-12-20",
    venue: "售后接待大厅",
    channels: [
      { key: "phone", selected: "on", plannedReach: "200" },
      { key: "sms", selected: "on", plannedReach: "" },
      { key: "radio", plannedReach: "" },
    ],
    budget: [
      { category: "gifts", description: "礼品", quantity: "100", unitCost: "0.1", payer: "dealer" },
      { category: "materials", description: "海报", quantity: "3", unitCost: "0.2", payer: "coop" },
    ],
    tasks: [
      { title: "物料准备", phase: "prep", ownerId: "", dueDate: "", relativeDays: "-14", status: "todo" },
      { title: "数据监测", phase: "wrapup", ownerId: "", dueDate: "2026-12-25", relativeDays: "", status: "todo" },
    ],
    ...overrides,
  };
}

export function planInput(overrides: Partial<PlanFormValues> = {}): PlanInput {
  return PlanSchema.parse(planFormValues(overrides));
}

export async function makeCampaign(
  db: DB,
  storeId: number,
  actor: Actor,
  opts: { overrides?: Partial<PlanFormValues>; withSegment?: boolean } = {},
) {
  const segmentId = opts.withSegment === false ? "" : String((await makeSegment(db, storeId)).id);
  return createCampaign(db, { storeId, actor, input: planInput({ segmentId, ...opts.overrides }) });
}

/** A campaign moved to a status along the workflow (submitted by `author`, approved by `approver`). */
export async function makeCampaignIn(db: DB, storeId: number, status: "draft" | "submitted" | "approved" | "inviting" | "executing" | "reviewing" | "closed" | "cancelled", author: Actor, approver: Actor) {
  const c = await makeCampaign(db, storeId, author);
  const path: [Actor, Parameters<typeof transition>[1]["action"]][] = [];
  if (status === "cancelled") path.push([author, "cancel"]);
  else {
    const steps = ["submitted", "approved", "inviting", "executing", "reviewing", "closed"] as const;
    const actions = ["submit", "approve", "start_invitations", "start_execution", "start_review", "close"] as const;
    const upto = steps.indexOf(status as (typeof steps)[number]);
    for (let i = 0; i <= upto; i++) path.push([actions[i] === "approve" ? approver : author, actions[i]!]);
  }
  for (const [actor, action] of path) await transition(db, { storeId, id: c.id, actor, action });
  return c;
}
