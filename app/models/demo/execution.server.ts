/**
 * Demo event days and reviews (ZZ01), made through the model functions: one campaign on
 * its event day today (checklist partly done, N8 partly ticked, some guests checked in,
 * a few orders), two closed campaigns in the past with hold-outs, check-ins, orders,
 * deposits, actual costs, touchpoint scores, written lessons and service visits after the
 * event, and one in review whose event was twelve days ago (its attribution window is still
 * open, so its figures are provisional), so the review, the lift, the post-event history and
 * the dashboard show real figures on first start.
 */
import type { DB } from "#db/client";
import { addDays } from "~/utils/format";
import { fixedT } from "~/utils/i18n-resources.server";
import { planDefaults } from "~/models/campaign-templates";
import { PlanSchema } from "~/models/campaign.schema";
import { createCampaign, transition, type Actor } from "~/models/campaign.server";
import { checkIn, registerWalkIn } from "~/models/checkin.server";
import { demoAt, startDemoInvitations, uniqueReceipts, type DemoContext } from "./context";
import { VISIT_TYPE_LINE, visitTypesOfLine, type Line, DEFAULT_TIMEZONE } from "~/models/domain";
import { DEFAULT_SETTINGS } from "~/models/settings.schema";
import { saveStoreSettings } from "~/models/settings.server";
import { TOUCHPOINTS, TOUCHPOINT_KEYS, N8_POINTS, type OrderKind } from "~/models/execution.schema";
import { recordDeposit, recordOrder, saveActualCosts, saveTouchpointScore, setReadiness, setTaskStatus } from "~/models/execution.server";
import { LOSS_REASONS, type AttemptInput } from "~/models/invitation.schema";
import { recordAttempt } from "~/models/invitation.server";
import { createRng, type Rng } from "~/models/random";
import { closeCampaign, saveLessons, startReview } from "~/models/review.server";
import type { SegmentDefinition } from "~/models/segment.schema";
import { createSegment, summariseDefinition } from "~/models/segment.server";

const SEED = 20261125;
const TZ = DEFAULT_TIMEZONE;

const at = demoAt;

const CHAIN_LINES: Record<string, Line[]> = {
  booking_maintenance: ["M", "M", "M", "B"],
  warranty_repair: ["R", "R", "M"],
  renewal_accident: ["I", "I", "R"],
  decoration_beauty: ["B", "B", "M"],
};

interface Spec {
  key: string;
  template: string;
  name: string;
  segmentName: string;
  size: number;
  holdoutPercent: number;
  /** event day relative to today */
  eventOffset: number;
  closed: boolean;
  /** the event is over and the review started, not closed */
  reviewing?: boolean;
}

/** What each demo review wrote down (saved on the campaigns that reached their review). */
const LESSONS: Record<string, { whatWorked: string; whatToChange: string; decisions: string }> = {
  closed1: {
    whatWorked: "电话 + 短信两轮邀约，肯定来客户的到店率超过七成；保养套餐现场转化好。",
    whatToChange: "礼品预算超支约一成；第二轮邀约开始太晚，不确定客户跟进不足三次。",
    decisions: "下次提前两周彩排流程；不确定客户由经理陪战；礼品按到店人数分批采购。" },
  closed2: {
    whatWorked: "到期前两个月提醒的续保客户意向明确，现场成交快。",
    whatToChange: "对照组只有十几位客户，增量结论不可靠；下次对照组比例提高到20%。",
    decisions: "续保活动固定在每月第二周；对照组不少于30人。" },
  reviewing: {
    whatWorked: "答谢礼品准备充足，到店客户满意度高。",
    whatToChange: "签到高峰排队较长，需要增加一台签到平板。",
    decisions: "归因期结束后再结案，确认回厂产值。" },
};

async function pickSegment(db: DB, storeId: number, userId: number, today: string, name: string, size: number, exclude: Set<string>) {
  const tiers = [["A", "B"], ["A", "B", "C"], ["C"], ["C", "D"], ["D"]] as ("A" | "B" | "C" | "D")[][];
  const candidates: SegmentDefinition[] = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((g) => [
    { match: "all" as const, conditions: [{ kind: "group" as const, values: [g as 1] }] },
    ...tiers.map((tier) => ({ match: "all" as const, conditions: [{ kind: "group" as const, values: [g as 1] }, { kind: "tier" as const, values: tier }] })),
  ]);
  let best = candidates[0]!;
  let gap = Infinity;
  for (const definition of candidates) {
    const k = JSON.stringify(definition);
    if (exclude.has(k)) continue;
    const { count } = await summariseDefinition(db, { storeId, definition, asOf: today });
    if (Math.abs(count - size) < gap) { best = definition; gap = Math.abs(count - size); }
  }
  exclude.add(JSON.stringify(best));
  return createSegment(db, { storeId, userId, name, definition: best });
}

function decide(rng: Rng): "yes" | "maybe" | "no" | "no_answer" {
  const r = rng.next();
  if (r < 0.42) return "yes";
  if (r < 0.64) return "maybe";
  if (r < 0.84) return "no";
  return "no_answer";
}

async function runCampaign(ctx: DemoContext, spec: Spec, rng: Rng, used: Set<string>) {
  const { db, today } = ctx;
  const storeId = ctx.stores.ZZ01!;
  const author: Actor = { id: ctx.users["manager@demo.test"]!, role: "manager" };
  const approver: Actor = { id: ctx.users["manager2@demo.test"]!, role: "manager" };
  const staff: Actor[] = ["staff1@demo.test", "staff2@demo.test", "staff3@demo.test"].map((e) => ({ id: ctx.users[e]!, role: "staff" as const }));
  const eventDay = addDays(today, spec.eventOffset);
  const segment = await pickSegment(db, storeId, author.id, today, spec.segmentName, spec.size, used);
  const t = fixedT("zh-CN");
  const values = planDefaults(t, { templateKey: spec.template, today: addDays(eventDay, -12), ownerId: author.id });
  const input = PlanSchema.parse({
    ...values,
    name: spec.name,
    segmentId: String(segment.id),
    holdoutPercent: String(spec.holdoutPercent),
    invitationStart: addDays(eventDay, -12), invitationEnd: addDays(eventDay, -1),
    eventStart: `${eventDay}T09:00`, eventEnd: `${eventDay}T17:00`, reviewDate: addDays(eventDay, 35),
    tasks: (values.tasks ?? []).map((task, i) => ({ ...task, ownerId: String([author, ...staff][i % 4]!.id) })),
  });
  const campaign = await createCampaign(db, { storeId, actor: author, input });
  const campaignId = campaign.id;
  await startDemoInvitations(db, { storeId, campaignId, author, approver, staff, asOf: today, snapshotSeed: SEED + spec.eventOffset, dealSeed: SEED });

  // invitations: one to three attempts each over the invitation window
  const invitations = await db.selectFrom("invitations").select(["id", "version", "assignee_id", "holdout", "customer_id"]).where("campaign_id", "=", campaignId).orderBy("id").execute();
  const uniqueReceipt = uniqueReceipts();
  const results = new Map<number, string>();
  for (const inv of invitations) {
    if (inv.holdout) continue;
    let version = inv.version;
    const actor: Actor = { id: inv.assignee_id!, role: "staff" };
    const outcome = decide(rng);
    const misses = rng.chance(0.4) ? rng.int(1, 2) : 0;
    let day = -11 + rng.int(0, 4);
    for (let k = 0; k <= misses; k++) {
      const last = k === misses;
      const base = { invitationId: inv.id, version, channel: rng.chance(0.8) ? ("phone" as const) : ("sms" as const), note: null };
      let attempt: AttemptInput;
      if (!last || outcome === "no_answer") attempt = { ...base, outcome: "no_answer" };
      else if (outcome === "yes") {
        const deposit = rng.chance(0.25);
        attempt = { ...base, outcome: "yes", intentVerified: rng.chance(0.8), deposit: deposit ? rng.int(2, 10) * 10000 : null, depositReceipt: deposit ? uniqueReceipt(`SJ${rng.int(1000, 9999)}`) : null };
      } else if (outcome === "maybe") attempt = { ...base, outcome: "maybe", nextFollowUp: addDays(eventDay, -rng.int(1, 3)), managerJoins: rng.chance(0.2) };
      else {
        const reason = rng.pick(LOSS_REASONS);
        attempt = { ...base, outcome: "no", lossReason: reason, lossNote: reason === "other" ? "近期出差" : null };
      }
      const res = await recordAttempt(db, { storeId, campaignId, actor, input: attempt, now: at(eventDay, Math.min(day, -1), rng.int(9, 17), rng.int(0, 59)) });
      version = res.invitation.version;
      day += 1;
    }
    results.set(inv.id, outcome);
  }
  await transition(db, { storeId, id: campaignId, actor: author, action: "start_execution" });
  const over = spec.closed || !!spec.reviewing;

  // the checklist and the N8 readiness
  const tasks = await db.selectFrom("campaign_tasks").select(["id", "phase"]).where("campaign_id", "=", campaignId).orderBy("position").execute();
  for (const [i, task] of tasks.entries()) {
    const status = over || task.phase === "prep" ? "done" : task.phase === "execution" ? (i % 3 === 0 ? "doing" : i % 3 === 1 ? "done" : "todo") : "todo";
    if (status !== "todo") await setTaskStatus(db, { storeId, campaignId, actor: author, taskId: task.id, status });
  }
  // readiness is ticked before the event; the closed campaigns had every point ticked
  const points = over ? N8_POINTS : N8_POINTS.slice(0, 5);
  for (const point of points) await setReadiness(db, { storeId, campaignId, actor: author, point, checked: true });

  // arrivals: on the event day only a morning's worth so far
  const share = over ? 1 : 0.45;
  const arrivals: number[] = [];
  const door = (i: number) => ({ storeId, campaignId, actor: staff[i % 3]!, timeZone: TZ });
  let n = 0;
  for (const inv of invitations) {
    const o = results.get(inv.id);
    const p = inv.holdout ? 0.05 : o === "yes" ? 0.72 : o === "maybe" ? 0.25 : o === "no" ? 0.03 : 0.06;
    if (!rng.chance(p * share)) continue;
    n += 1;
    const r = await checkIn(db, { ...door(n), invitationId: inv.id, now: at(eventDay, 0, 9 + Math.floor(n / 12) % 3, (n * 7) % 60) });
    arrivals.push(r.arrivalId);
  }
  // walk-ins: customers of the store who were not invited came along (关联客户)
  const walkIns = await db.selectFrom("customers").select("id").where("store_id", "=", storeId).where("do_not_contact", "=", 0)
    .where((eb) => eb.not(eb.exists(eb.selectFrom("invitations").select("invitations.id").whereRef("invitations.customer_id", "=", "customers.id").where("invitations.campaign_id", "=", campaignId))))
    .orderBy("id").offset(rng.int(0, 2000)).limit(over ? 2 : 1).execute();
  for (const [i, cu] of walkIns.entries()) {
    const r = await registerWalkIn(db, { ...door(i), customerId: cu.id, name: null, phone: null, now: at(eventDay, 0, 10, 15 + i) });
    arrivals.push(r.arrivalId);
  }

  // conversion: orders and deposits
  const lines = CHAIN_LINES[input.businessChain ?? "booking_maintenance"] ?? ["M"];
  const kinds: OrderKind[] = ["package", "package", "new_booking", "deposit_converted"];
  for (const arrivalId of arrivals) {
    if (rng.chance(0.55)) {
      const orders = rng.chance(0.2) ? 2 : 1;
      for (let k = 0; k < orders; k++) {
        const line = rng.pick(lines);
        const type = rng.pick(visitTypesOfLine(line));
        await recordOrder(db, { storeId, campaignId, actor: staff[arrivalId % 3]!, input: {
          arrivalId, line, description: t(`common:visitTypes.${type}`), amount: rng.int(8, 60) * 10000 + rng.int(0, 99) * 100, kind: rng.pick(kinds),
        } });
      }
    } else if (rng.chance(0.2)) {
      await recordDeposit(db, { storeId, campaignId, actor: staff[arrivalId % 3]!, input: { arrivalId, amount: rng.int(1, 5) * 10000, receipt: `DJ${rng.int(1000, 9999)}` } });
    }
  }

  const budget = await db.selectFrom("campaign_budget_lines").select(["id", "amount_fen"]).where("campaign_id", "=", campaignId).orderBy("position").execute();
  if (!over) {
    // the event is on: only the materials are paid so far
    if (budget[0]) await saveActualCosts(db, { storeId, campaignId, actor: author, lines: [{ id: budget[0].id, actual: Number(budget[0].amount_fen), note: "发票已收" }] });
    return campaignId;
  }

  await saveActualCosts(db, {
    storeId, campaignId, actor: author,
    lines: budget.map((l, i) => ({ id: l.id, actual: Math.round((Number(l.amount_fen) * rng.int(85, 118)) / 100), note: `发票 FP${eventDay.replace(/-/g, "").slice(2)}${i + 1}` })),
  });
  const notes: Record<string, string> = {
    facilities: "停车位紧张，需提前协调临时车位。",
    reception: "签到台响应快，高峰期排队约5分钟。",
    transaction: "套餐讲解清楚，个别合同漏填车牌。",
    follow_up_call: "三天内完成回访，客户反馈良好。",
  };
  for (const tp of TOUCHPOINT_KEYS) {
    const all = TOUCHPOINTS[tp] as readonly string[];
    await saveTouchpointScore(db, { storeId, campaignId, actor: author, input: {
      touchpoint: tp, score: rng.int(3, 5), indicators: all.filter(() => rng.chance(0.75)), notes: notes[tp]!,
    } });
  }

  // service visits after the event (the attribution window), more among those who came
  const arrivedCustomers = new Set((await db.selectFrom("arrivals").select("customer_id").where("campaign_id", "=", campaignId).execute()).map((a) => a.customer_id));
  const vehicles = await db.selectFrom("vehicles").innerJoin("invitations", "invitations.customer_id", "vehicles.customer_id")
    .select(["vehicles.id", "vehicles.customer_id", "invitations.holdout"]).where("invitations.campaign_id", "=", campaignId).orderBy("vehicles.id").execute();
  const seen = new Set<number>();
  const visits = [];
  for (const v of vehicles) {
    if (seen.has(v.customer_id)) continue;
    seen.add(v.customer_id);
    const p = v.holdout ? 0.09 : arrivedCustomers.has(v.customer_id) ? 0.7 : 0.15;
    if (!rng.chance(p)) continue;
    const type = rng.pick(visitTypesOfLine(rng.pick(lines)));
    const visitDate = addDays(eventDay, rng.int(1, 30));
    if (visitDate > today) continue; // the window is still open: no visits from the future
    visits.push({
      store_id: storeId, vehicle_id: v.id, customer_id: v.customer_id, ro_number: `ROEX${campaignId}${String(visits.length + 1).padStart(4, "0")}`,
      visit_date: visitDate, type, amount_fen: rng.int(4, 40) * 10000 * (VISIT_TYPE_LINE[type] === "I" ? 3 : 1),
    });
  }
  for (let i = 0; i < visits.length; i += 200) await db.insertInto("service_visits").values(visits.slice(i, i + 200)).execute();

  const base = { storeId, campaignId, actor: author };
  const lessons = LESSONS[spec.key];
  if (lessons) await saveLessons(db, { ...base, input: { version: 0, ...lessons } });
  await startReview(db, base);
  if (spec.closed) await closeCampaign(db, { ...base, comment: "数据已核对，结案。", now: at(eventDay, 35, 16, 0) });
  return campaignId;
}

export async function seedExecutionDemo(ctx: DemoContext): Promise<void> {
  const storeId = ctx.stores.ZZ01;
  const need = ["manager@demo.test", "manager2@demo.test", "staff1@demo.test", "staff2@demo.test", "staff3@demo.test"];
  if (!storeId || need.some((e) => !ctx.users[e])) return;
  // the demo's desk opens a day before the event (the default is 120 minutes), so that the
  // on-the-day campaign's desk can be tried at any hour, early morning included
  await saveStoreSettings(ctx.db, { storeId, userId: null, settings: { ...DEFAULT_SETTINGS, checkinOpensMinutes: 1440 } });
  const rng = createRng(SEED);
  const used = new Set<string>();
  const specs: Spec[] = [
    { key: "closed1", template: "first_maintenance_day", name: "春季保养节（已结案）", segmentName: "保养节目标客户（总结演示）", size: 220, holdoutPercent: 20, eventOffset: -75, closed: true },
    { key: "closed2", template: "insurance_renewal_drive", name: "续保关怀月（已结案）", segmentName: "续保关怀客户（总结演示）", size: 130, holdoutPercent: 15, eventOffset: -40, closed: true },
    { key: "today", template: "car_care_class", name: "养车讲堂（活动当天）", segmentName: "养车讲堂受邀客户（执行演示）", size: 120, holdoutPercent: 10, eventOffset: 0, closed: false },
    { key: "reviewing", template: "thank_you_event", name: "老客户答谢会（总结中）", segmentName: "答谢会受邀客户（总结演示）", size: 90, holdoutPercent: 10, eventOffset: -12, closed: false, reviewing: true },
  ];
  for (const spec of specs) await runCampaign(ctx, spec, rng, used);
}
