/**
 * Issue 11 item 2: a campaign's history reads in words in both languages. Every writer of
 * campaign_history is run (plan amendments, every workflow step, comments, the event day,
 * the review, an early close and its finalising); each row written is then described in
 * en and zh-CN and must use only catalog keys that exist, show no NaN and no raw key, and
 * name money, people, tasks and statuses as the reader knows them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import "~/utils/i18n-resources.server";
import { createI18n, LOCALES, type Locale } from "~/utils/i18n";
import { describeHistory, HISTORY_FIELDS, HISTORY_STATUS_FIELDS, type HistoryRefs } from "~/utils/campaign-history";
import { formatDate, formatMoney, formatNumber } from "~/utils/format";
import { AmendSchema, TRANSITION_ACTIONS } from "./campaign.schema";
import { addComment, amendPlan, getCampaign, transition } from "./campaign.server";
import { getHistoryRefs } from "./campaign-history.server";
import { checkIn } from "./checkin.server";
import { N8_POINTS, TOUCHPOINT_KEYS, TOUCHPOINTS } from "./execution.schema";
import { recordDeposit, recordOrder, saveActualCosts, saveTouchpointScore, setReadiness, setTaskStatus } from "./execution.server";
import { closeCampaign, finaliseReview, reopenCampaign, saveLessons, startReview } from "./review.server";
import { createTestDb } from "../../tests/helpers/test-db";
import { makeCampaign } from "../../tests/helpers/campaign-factories";
import { budgetLineIds, EVENT_DAY, makeEventCampaign, TZ } from "../../tests/helpers/execution-factories";

let db: DB;
beforeAll(async () => { db = await createTestDb(); });
afterAll(async () => { await db.destroy(); });

function reader(locale: Locale) {
  const missing: string[] = [];
  const i18n = createI18n(locale, (key) => missing.push(key));
  const t = (key: string, options?: Record<string, unknown>) => i18n.t(key as never, options as never) as unknown as string;
  const f = { money: (fen: number) => formatMoney(fen, locale), number: (n: number) => formatNumber(n, locale), date: (d: string) => formatDate(d, locale) };
  return { t, f, missing };
}

/** Text that betrays a missing word or a broken value. */
function flaws(text: string): string[] {
  const out: string[] = [];
  if (/NaN|undefined|\[object|null/.test(text)) out.push("broken value");
  if (/\b(campaigns|execution|common|invitations|customers):[\w.]+/.test(text) || /\b(history|fields|status|categories|payers|kinds|points|touchpoints|indicator|taskStatuses)\.[a-z_]+/.test(text)) out.push("raw key");
  if (/\b(kpi|budget|event|actual|task|touchpoint|readiness|review|figures)_[a-z_]+/.test(text)) out.push("raw field name");
  return out;
}

describe("campaign history in words", () => {
  let rows: Awaited<ReturnType<typeof getCampaign>>["history"] = [];
  let refs: HistoryRefs;
  let names: { customer: string; task: string; line: string };

  beforeAll(async () => {
    // a campaign through the event day and the review
    const ctx = await makeEventCampaign(db, { customers: 6, holdoutPercent: 0 });
    const { storeId, campaignId, actor } = ctx;
    const base = { storeId, campaignId, actor };
    const detail = await getCampaign(db, { storeId, id: campaignId });
    const amend = AmendSchema.parse({
      version: String(detail.campaign.version),
      kpiReachRatePercent: "95", kpiYesCount: "4", kpiArrivals: "3", kpiConversions: "2", kpiRevenue: "12000.50", kpiDeposits: "800", kpiRoiPercent: "120",
      budget: [
        { id: String(detail.budget[0]!.id), category: detail.budget[0]!.category, description: "海报（加印）", quantity: "150", unitCost: "0.2", payer: "dealer" },
        { category: "catering", description: "茶歇", quantity: "1", unitCost: "500", payer: "coop" },
      ],
      tasks: detail.tasks.map((x) => ({ id: String(x.id), title: x.title, phase: x.phase, ownerId: x.owner_id === null ? "" : String(x.owner_id), status: x.status, relativeDays: x.relative_days === null ? "" : String(x.relative_days), dueDate: x.due_date ?? "" })),
    });
    await amendPlan(db, { storeId, id: campaignId, actor, input: amend });
    await addComment(db, { storeId, id: campaignId, actor, comment: "礼品按到店人数采购" });
    const arrival = (await checkIn(db, { ...base, actor: ctx.staffActors[0]!, invitationId: ctx.invited[0]!.id, timeZone: TZ, now: EVENT_DAY })).arrivalId;
    await recordOrder(db, { ...base, input: { arrivalId: arrival, line: "M", description: "保养套餐", amount: 128000, kind: "package" } });
    await recordDeposit(db, { ...base, input: { arrivalId: arrival, amount: 30000, receipt: "DJ-1" } });
    const [line0] = await budgetLineIds(db, campaignId);
    await saveActualCosts(db, { ...base, lines: [{ id: line0!, actual: 3300, note: "发票 1" }] });
    await saveActualCosts(db, { ...base, lines: [{ id: line0!, actual: 3150, note: null }] });
    for (const tp of TOUCHPOINT_KEYS) await saveTouchpointScore(db, { ...base, input: { touchpoint: tp, score: 4, indicators: [...TOUCHPOINTS[tp]].slice(0, 2), notes: "良好" } });
    await saveTouchpointScore(db, { ...base, input: { touchpoint: "reception", score: 5, indicators: [], notes: null } });
    for (const point of N8_POINTS) await setReadiness(db, { ...base, point, checked: true });
    await setReadiness(db, { ...base, point: "venue", checked: false });
    const tasks = (await getCampaign(db, { storeId, id: campaignId })).tasks;
    await setTaskStatus(db, { ...base, taskId: tasks[0]!.id, status: "doing" });
    await setTaskStatus(db, { ...base, taskId: tasks[0]!.id, status: "done" });
    await saveLessons(db, { ...base, input: { version: 0, whatWorked: "电话邀约到店率高", whatToChange: "礼品超支", decisions: "提前彩排" } });
    await startReview(db, base);
    await closeCampaign(db, { ...base, confirmEarly: true, comment: "集团月报需要", now: new Date("2026-12-15T02:00:00Z") });
    await finaliseReview(db, { ...base, now: new Date("2027-01-14T02:00:00Z") });
    await reopenCampaign(db, { ...base, comment: "补录费用" });

    // a plan through the rest of the workflow: submitted, returned, approved, cancelled
    const other = await makeCampaign(db, storeId, actor);
    const approver = { id: ctx.approver.id, role: "manager" as const };
    await transition(db, { storeId, id: other.id, actor, action: "submit" });
    await transition(db, { storeId, id: other.id, actor: approver, action: "return", comment: "预算过高" });
    await transition(db, { storeId, id: other.id, actor, action: "submit" });
    await transition(db, { storeId, id: other.id, actor: approver, action: "approve" });
    await transition(db, { storeId, id: other.id, actor, action: "cancel", comment: "改期" });

    const a = await getCampaign(db, { storeId, id: campaignId });
    const b = await getCampaign(db, { storeId, id: other.id });
    rows = [...a.history, ...b.history];
    refs = await getHistoryRefs(db, { campaignId, history: a.history });
    const customer = await db.selectFrom("customers").select("name").where("id", "=", ctx.invited[0]!.customer_id).executeTakeFirstOrThrow();
    names = { customer: customer.name, task: tasks[0]!.title, line: "海报（加印）" };
  });

  it("covers every kind, every workflow step and every field the models write", () => {
    expect(new Set(rows.map((h) => h.kind))).toEqual(new Set(["status", "field", "comment"]));
    const statusFields = new Set(rows.filter((h) => h.kind === "status").map((h) => h.field));
    for (const action of [...TRANSITION_ACTIONS.filter((x) => x !== "close"), "close", "reopen", "finalise", "status"]) expect(statusFields, action).toContain(action);
    for (const f of statusFields) expect(HISTORY_STATUS_FIELDS).toContain(f);
    const fields = new Set(rows.filter((h) => h.kind === "field").map((h) => h.field!));
    // every field written is one the describer knows, and every known field was written here
    for (const f of fields) expect(HISTORY_FIELDS, f).toContain(f);
    for (const f of HISTORY_FIELDS) expect(fields, f).toContain(f);
  });

  for (const locale of LOCALES) {
    it(`describes every row in ${locale}: no missing word, no NaN, no raw key`, () => {
      const { t, f, missing } = reader(locale);
      const texts = rows.map((h) => ({ field: h.field, kind: h.kind, text: describeHistory(h, t, f, refs) }));
      expect(missing).toEqual([]);
      for (const x of texts) expect(flaws(x.text), `${x.kind} ${x.field}: ${x.text}`).toEqual([]);
      const of = (field: string) => texts.filter((x) => x.field === field).map((x) => x.text);
      const yuan = (fen: number) => formatMoney(fen, locale);
      expect(of("actual_cost")[0]).toContain(names.line);
      expect(of("actual_cost")[1]).toContain(`${yuan(3300)}`);
      expect(of("actual_cost")[1]).toContain(`${yuan(3150)}`);
      expect(of("event_order")[0]).toContain(names.customer);
      expect(of("event_order")[0]).toContain(yuan(128000));
      expect(of("event_deposit")[0]).toContain(yuan(30000));
      expect(of("kpi_revenue_fen")[0]).toContain(yuan(1_200_050));
      expect(of("task_status")[1]).toContain(names.task);
      expect(of("task_status")[1]).toContain(t("campaigns:taskStatuses.done"));
      expect(of("readiness_venue").at(-1)).toContain(t("campaigns:history.notReady"));
      expect(of("touchpoint_reception")[1]).toContain("5/5");
      expect(of("figures_provisional_until")[0]).toContain(formatDate("2027-01-13", locale));
      expect(texts.find((x) => x.field === "close")!.text).toContain(t("campaigns:status.closed"));
    });
  }

  it("copes with values it cannot read (old or hand-made rows) without NaN", () => {
    for (const locale of LOCALES) {
      const { t, f, missing } = reader(locale);
      for (const field of [...HISTORY_FIELDS, "some_future_field"]) {
        for (const [o, n] of [[null, null], ["x", "{bad json"], ["{}", "[]"], ["12", "abc"]] as const) {
          const text = describeHistory({ kind: "field", field, old_value: o, new_value: n }, t, f, { tasks: {}, lines: {}, arrivals: {} });
          expect(/NaN|undefined|\[object/.test(text), `${field}: ${text}`).toBe(false);
        }
      }
      expect(missing).toEqual([]);
    }
  });
});
