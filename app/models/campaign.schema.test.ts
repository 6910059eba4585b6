import { describe, expect, it } from "vitest";
import { planFormValues } from "../../tests/helpers/campaign-factories";
import { parseObject } from "~/utils/form";
import "~/utils/i18n-resources.server";
import { createI18n } from "~/utils/i18n";
import { planDefaults, TEMPLATES } from "./campaign-templates";
import {
  AmendSchema, budgetTotals, CampaignListQuery, CloneSchema, lineAmountFen, PlanSchema, TransitionSchema, type PlanFormValues,
} from "./campaign.schema";

const errorsOf = (overrides: Partial<PlanFormValues>) => {
  const r = parseObject(PlanSchema, planFormValues(overrides));
  return r.ok ? {} : r.errors;
};

describe("PlanSchema: a complete plan", () => {
  it("parses form strings into domain values", () => {
    const r = PlanSchema.parse(planFormValues());
    expect(r).toMatchObject({
      version: 0, kpiReachRatePercent: 100, kpiYesCount: 80, kpiRevenue: 12_000_000, kpiDeposits: 2_000_050, kpiRoiPercent: 150,
      holdoutPercent: 10, topicTechnique: "borrow_trend", topicSubkind: "seasonal_festival", eventStart: "2026-12-12T09:00",
      goals: [{ text: "首保到店", target: 60, unit: "台" }],
      channels: [{ channel: "phone", plannedReach: 200 }, { channel: "sms", plannedReach: null }],
    });
    expect(r.budget.map((l) => [l.quantity, l.unitCostFen, l.amountFen, l.payer])).toEqual([[100, 10, 1000, "dealer"], [3, 20, 60, "coop"]]);
    expect(r.tasks[0]).toMatchObject({ relativeDays: -14, dueDate: null, status: "todo", ownerId: null });
  });

  it("accepts a nearly empty draft (only the name is required)", () => {
    const r = PlanSchema.parse({ version: "0", name: "只有名字" });
    expect(r).toMatchObject({ name: "只有名字", segmentId: null, holdoutPercent: 0, capacity: null, budget: [], tasks: [], channels: [], goals: [], kpiRevenue: null });
  });

  it("keeps money exact in fen: 0.1 + 0.2 yuan is 30 fen", () => {
    const r = PlanSchema.parse(planFormValues({
      budget: [
        { category: "gifts", quantity: "1", unitCost: "0.1" },
        { category: "gifts", quantity: "1", unitCost: "0.2" },
        { category: "other", quantity: "7", unitCost: "1,234.56" },
      ],
    }));
    expect(r.budget.map((l) => l.amountFen)).toEqual([10, 20, 864_192]);
    expect(budgetTotals(r.budget).byCategory.gifts).toBe(30);
    expect(lineAmountFen(3, 33)).toBe(99);
    expect(PlanSchema.parse(planFormValues({ kpiRevenue: "0.3" })).kpiRevenue).toBe(30);
  });

  it("totals budget lines per category, per payer and overall, with actuals when known", () => {
    const t = budgetTotals([
      { category: "gifts", payer: "dealer", amountFen: 100, actualFen: 90 },
      { category: "gifts", payer: "coop", amountFen: 250, actualFen: null },
      { category: "venue", payer: "dealer", amountFen: 1, actualFen: 5 },
    ]);
    expect(t.byCategory).toMatchObject({ gifts: 350, venue: 1, media: 0 });
    expect(t.byPayer).toEqual({ dealer: 101, coop: 250 });
    expect(t.total).toBe(351);
    expect(t.actual).toBe(95);
    expect(budgetTotals([{ category: "gifts", payer: "dealer", amountFen: 1 }]).actual).toBeNull();
  });
});

describe("PlanSchema: each bad input gets a message on its field", () => {
  it.each([
    [{ name: "" }, "name", "errors.required"],
    [{ name: "   " }, "name", "errors.required"],
    [{ name: "x".repeat(121) }, "name", "errors.tooLong"],
    [{ script: "x".repeat(100_000) }, "script", "errors.tooLong"],
    [{ kpiRevenue: "-5" }, "kpiRevenue", "campaigns:errors.money"],
    [{ kpiRevenue: "abc" }, "kpiRevenue", "campaigns:errors.money"],
    [{ kpiDeposits: "1.234" }, "kpiDeposits", "campaigns:errors.money"],
    [{ kpiReachRatePercent: "101" }, "kpiReachRatePercent", "campaigns:errors.percent"],
    [{ kpiReachRatePercent: "-1" }, "kpiReachRatePercent", "campaigns:errors.percent"],
    [{ kpiReachRatePercent: "50.5" }, "kpiReachRatePercent", "campaigns:errors.percent"],
    [{ kpiRoiPercent: "-101" }, "kpiRoiPercent", "campaigns:errors.roi"],
    [{ kpiYesCount: "-3" }, "kpiYesCount", "campaigns:errors.count"],
    [{ kpiArrivals: "many" }, "kpiArrivals", "campaigns:errors.count"],
    [{ holdoutPercent: "51" }, "holdoutPercent", "campaigns:errors.holdout"],
    [{ capacity: "0" }, "capacity", "campaigns:errors.capacity"],
    [{ capacity: "12.5" }, "capacity", "campaigns:errors.capacity"],
    [{ capacity: "1e3" }, "capacity", "campaigns:errors.capacity"],
    [{ segmentId: "abc" }, "segmentId", "campaigns:errors.id"],
    [{ ownerId: "-1" }, "ownerId", "campaigns:errors.id"],
    [{ topicTechnique: "shout" }, "topicTechnique", "campaigns:errors.choice"],
    [{ businessChain: "sales" }, "businessChain", "campaigns:errors.choice"],
    [{ invitationStart: "2026-02-30" }, "invitationStart", "campaigns:errors.date"],
    [{ eventStart: "2026-12-12" }, "eventStart", "campaigns:errors.dateTime"],
    [{ eventEnd: "2026-12-13T25:00" }, "eventEnd", "campaigns:errors.dateTime"],
    [{ budget: [{ category: "", quantity: "1", unitCost: "1" }] }, "budget.0.category", "campaigns:errors.categoryRequired"],
    [{ budget: [{ category: "food", quantity: "1", unitCost: "1" }] }, "budget.0.category", "campaigns:errors.choice"],
    [{ budget: [{ category: "gifts", quantity: "-1", unitCost: "1" }] }, "budget.0.quantity", "campaigns:errors.quantity"],
    [{ budget: [{ category: "gifts", quantity: "1.5", unitCost: "1" }] }, "budget.0.quantity", "campaigns:errors.quantity"],
    [{ budget: [{ category: "gifts", quantity: "1", unitCost: "-0.01" }] }, "budget.0.unitCost", "campaigns:errors.money"],
    [{ budget: [{ category: "gifts", quantity: "1", unitCost: "" }] }, "budget.0.unitCost", "errors.required"],
    [{ budget: [{ category: "gifts", quantity: "1000000", unitCost: "999999999" }] }, "budget.0.unitCost", "campaigns:errors.amountTooLarge"],
    [{ goals: [{ text: "", target: "1" }] }, "goals.0.text", "errors.required"],
    [{ goals: [{ text: "x", target: "-1" }] }, "goals.0.target", "campaigns:errors.goalTarget"],
    [{ tasks: [{ title: "", phase: "prep" }] }, "tasks.0.title", "errors.required"],
    [{ tasks: [{ title: "x", phase: "later" }] }, "tasks.0.phase", "campaigns:errors.choice"],
    [{ tasks: [{ title: "x", phase: "prep", relativeDays: "-400" }] }, "tasks.0.relativeDays", "campaigns:errors.relativeDays"],
    [{ channels: [{ key: "tv", selected: "on" }] }, "channels.0.key", "campaigns:errors.choice"],
    [{ channels: [{ key: "sms", plannedReach: "-1" }] }, "channels.0.plannedReach", "campaigns:errors.count"],
  ] as [Partial<PlanFormValues>, string, string][])("%j → %s", (overrides, field, message) => {
    expect(errorsOf(overrides)[field]).toBe(message);
  });

  it("ROI may exceed 100 %", () => {
    expect(PlanSchema.parse(planFormValues({ kpiRoiPercent: "450" })).kpiRoiPercent).toBe(450);
  });

  it("checks the order of dates", () => {
    expect(errorsOf({ invitationStart: "2026-12-10", invitationEnd: "2026-12-01" })).toEqual({ invitationEnd: "campaigns:errors.invitationEndBeforeStart" });
    expect(errorsOf({ eventStart: "2026-12-13T09:00", eventEnd: "2026-12-12T17:00" })).toEqual({ eventEnd: "campaigns:errors.eventEndBeforeStart" });
    expect(errorsOf({ eventStart: "2026-11-30T09:00" })).toMatchObject({ eventStart: "campaigns:errors.eventBeforeInvitations" });
    expect(errorsOf({ invitationEnd: "2026-12-14" })).toEqual({ invitationEnd: "campaigns:errors.invitationsAfterEvent" });
    expect(errorsOf({ reviewDate: "2026-12-12" })).toEqual({ reviewDate: "campaigns:errors.reviewBeforeEvent" });
    // invitations may run until the event's last day; the event may start on the first invitation day
    expect(errorsOf({ invitationStart: "2026-12-12", invitationEnd: "2026-12-13" })).toEqual({});
  });

  it("reports the date order together with every other error, on the first save (issue 11)", () => {
    expect(errorsOf({ name: "", kpiYesCount: "lots", invitationStart: "2026-12-10", invitationEnd: "2026-12-01", reviewDate: "2026-12-01" })).toEqual({
      name: "errors.required",
      kpiYesCount: "campaigns:errors.count",
      invitationEnd: "campaigns:errors.invitationEndBeforeStart",
      reviewDate: "campaigns:errors.reviewBeforeEvent",
    });
    // a date that does not parse has its own message, and no order rule reads it
    expect(errorsOf({ name: "", invitationEnd: "2026-02-30" })).toEqual({ name: "errors.required", invitationEnd: "campaigns:errors.date" });
    expect(PlanSchema.safeParse(null).success).toBe(false);
  });

  it("needs the kind of trend for 借东风 only, and drops it otherwise", () => {
    expect(errorsOf({ topicSubkind: "" })).toEqual({ topicSubkind: "campaigns:errors.subkindRequired" });
    expect(PlanSchema.parse(planFormValues({ topicTechnique: "emotion", topicSubkind: "policy" })).topicSubkind).toBeNull();
  });

  it("refuses a channel listed twice and too many lines", () => {
    expect(errorsOf({ channels: [{ key: "sms", selected: "on" }, { key: "sms" }] })).toEqual({ "channels.1.key": "campaigns:errors.duplicateChannel" });
    const lines = Array.from({ length: 101 }, () => ({ category: "gifts", quantity: "1", unitCost: "1" }));
    expect(errorsOf({ budget: lines })).toEqual({ budget: "campaigns:errors.tooMany" });
  });
});

describe("other schemas", () => {
  it("AmendSchema takes only KPI targets, budget and tasks", () => {
    const r = AmendSchema.parse({ ...planFormValues(), version: "3", name: "" });
    expect(Object.keys(r).sort()).toEqual(["budget", "kpiArrivals", "kpiConversions", "kpiDeposits", "kpiReachRatePercent", "kpiRevenue", "kpiRoiPercent", "kpiYesCount", "tasks", "version"]);
    expect(parseObject(AmendSchema, { version: "3", kpiReachRatePercent: "200" })).toMatchObject({ ok: false, errors: { kpiReachRatePercent: "campaigns:errors.percent" } });
  });

  it("TransitionSchema needs a comment to return a plan", () => {
    expect(parseObject(TransitionSchema, { action: "return", version: "2", comment: " " })).toMatchObject({ ok: false, errors: { comment: "campaigns:errors.commentRequired" } });
    expect(TransitionSchema.parse({ action: "approve", version: "2" })).toEqual({ action: "approve", version: 2, comment: null });
    expect(parseObject(TransitionSchema, { action: "publish", version: "2" }).ok).toBe(false);
    expect(parseObject(CloneSchema, { name: "" }).ok).toBe(false);
  });

  it("CampaignListQuery ignores bad filters", () => {
    expect(CampaignListQuery.parse({ status: "bogus", year: "abc", view: "map", month: "2026-13", q: " spring " })).toEqual({ view: "list", q: "spring" });
    expect(CampaignListQuery.parse({ status: "approved", chain: "warranty_repair", year: "2026", view: "calendar", month: "2026-12" }))
      .toEqual({ status: "approved", chain: "warranty_repair", year: 2026, view: "calendar", month: "2026-12" });
  });
});

describe("templates", () => {
  it.each(["en", "zh-CN"] as const)("each of the %s templates is a valid plan with the checklist tasks", (locale) => {
    const t = createI18n(locale).t;
    expect(TEMPLATES.map((x) => x.key)).toEqual(["first_maintenance_day", "insurance_renewal_drive", "car_care_class", "thank_you_event"]);
    for (const tpl of TEMPLATES) {
      const values = planDefaults(t, { templateKey: tpl.key, today: "2026-11-22" });
      const plan = PlanSchema.parse(values);
      expect(plan.name).not.toMatch(/templates\./);
      expect(plan.script).not.toMatch(/templates\./);
      expect(plan.budget.every((l) => l.description && !l.description.includes("templates."))).toBe(true);
      expect(plan.goals.every((g) => g.text && !g.text.includes("templates."))).toBe(true);
      expect(plan.tasks).toHaveLength(12);
      expect(plan.invitationStart).toBe("2026-11-23");
      expect(plan.eventStart! > plan.invitationEnd!).toBe(true);
    }
    const blank = PlanSchema.parse({ ...planDefaults(t), name: "x" });
    expect(blank.tasks.map((x) => x.phase)).toEqual(["prep", "prep", "prep", "prep", "prep", "execution", "execution", "execution", "execution", "execution", "wrapup", "wrapup"]);
    expect(blank.tasks[0]!.relativeDays).toBe(-14);
  });
});
