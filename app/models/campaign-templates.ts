/**
 * Plan templates and the brief's execution checklist (browser-safe). A template holds the
 * structure (chain, technique, KPI, channels, budget, tasks with due dates relative to the
 * event); its words live in the campaigns catalog under `templates.<key>` so each template
 * exists in both languages. `planDefaults` turns a template (or a blank plan) into form values.
 */
import type { TFunction } from "i18next";
import type { BudgetCategory, Channel, PlanFormValues, TaskPhase } from "./campaign.schema";
import { BUSINESS_CHAINS, CHANNELS, TOPIC_SUBKINDS, TOPIC_TECHNIQUES } from "./campaign.schema";
import { addDays } from "~/utils/format";

/** 活动执行 checklist: phase, catalog key, due relative to the event start (T−N = −N). */
export const CHECKLIST: { key: string; phase: TaskPhase; relativeDays: number }[] = [
  { key: "materials", phase: "prep", relativeDays: -14 },
  { key: "invitation", phase: "prep", relativeDays: -12 },
  { key: "labour", phase: "prep", relativeDays: -7 },
  { key: "rehearsal", phase: "prep", relativeDays: -2 },
  { key: "setup", phase: "prep", relativeDays: -1 },
  { key: "arrivalQuality", phase: "execution", relativeDays: 0 },
  { key: "atmosphere", phase: "execution", relativeDays: 0 },
  { key: "conversion", phase: "execution", relativeDays: 0 },
  { key: "authority", phase: "execution", relativeDays: 0 },
  { key: "allStaff", phase: "execution", relativeDays: 0 },
  { key: "dataMonitoring", phase: "wrapup", relativeDays: 3 },
  { key: "atmosphereExtension", phase: "wrapup", relativeDays: 7 },
];

export interface CampaignTemplate {
  key: string;
  /** groups of the 8-group matrix (and tiers) the template is meant for */
  groups: number[];
  tiers: string[];
  businessChain: (typeof BUSINESS_CHAINS)[number];
  topicTechnique: (typeof TOPIC_TECHNIQUES)[number];
  topicSubkind: (typeof TOPIC_SUBKINDS)[number] | null;
  holdoutPercent: number;
  kpi: { reach: number; yes: number; arrivals: number; conversions: number; revenueYuan: number; depositsYuan: number; roi: number };
  channels: { key: Channel; plannedReach: number | null }[];
  /** budget lines: description is `templates.<key>.budget.<i>` */
  budget: { category: BudgetCategory; quantity: number; unitCostYuan: string; payer: "dealer" | "coop" }[];
  /** number of quantified goals in `templates.<key>.goals.<i>.{text,unit}` with these targets */
  goalTargets: number[];
  /** days of invitations before the event, and the event length in days */
  invitationDays: number;
  eventDays: number;
}

export const TEMPLATES: CampaignTemplate[] = [
  {
    key: "first_maintenance_day",
    groups: [2],
    tiers: [],
    businessChain: "booking_maintenance",
    topicTechnique: "borrow_trend",
    topicSubkind: "seasonal_festival",
    holdoutPercent: 10,
    kpi: { reach: 100, yes: 120, arrivals: 90, conversions: 60, revenueYuan: 90000, depositsYuan: 15000, roi: 200 },
    channels: [{ key: "phone", plannedReach: 300 }, { key: "sms", plannedReach: 300 }, { key: "wechat_official", plannedReach: null }],
    budget: [
      { category: "materials", quantity: 20, unitCostYuan: "35", payer: "dealer" },
      { category: "gifts", quantity: 100, unitCostYuan: "48", payer: "coop" },
      { category: "catering", quantity: 1, unitCostYuan: "1500", payer: "dealer" },
      { category: "incentives", quantity: 1, unitCostYuan: "2000", payer: "dealer" },
    ],
    goalTargets: [90, 60],
    invitationDays: 14,
    eventDays: 1,
  },
  {
    key: "insurance_renewal_drive",
    groups: [4],
    tiers: [],
    businessChain: "renewal_accident",
    topicTechnique: "borrow_trend",
    topicSubkind: "policy",
    holdoutPercent: 10,
    kpi: { reach: 100, yes: 80, arrivals: 60, conversions: 50, revenueYuan: 300000, depositsYuan: 40000, roi: 400 },
    channels: [{ key: "phone", plannedReach: 250 }, { key: "sms", plannedReach: 250 }, { key: "wechat_moments", plannedReach: null }],
    budget: [
      { category: "gifts", quantity: 60, unitCostYuan: "120", payer: "dealer" },
      { category: "discounts", quantity: 50, unitCostYuan: "200", payer: "coop" },
      { category: "materials", quantity: 10, unitCostYuan: "30", payer: "dealer" },
    ],
    goalTargets: [50],
    invitationDays: 21,
    eventDays: 2,
  },
  {
    key: "car_care_class",
    groups: [7],
    tiers: [],
    businessChain: "booking_maintenance",
    topicTechnique: "debate",
    topicSubkind: null,
    holdoutPercent: 0,
    kpi: { reach: 100, yes: 40, arrivals: 30, conversions: 15, revenueYuan: 30000, depositsYuan: 5000, roi: 150 },
    channels: [{ key: "phone", plannedReach: 120 }, { key: "wechat_official", plannedReach: null }, { key: "posters", plannedReach: null }],
    budget: [
      { category: "venue", quantity: 1, unitCostYuan: "800", payer: "dealer" },
      { category: "catering", quantity: 40, unitCostYuan: "25", payer: "dealer" },
      { category: "gifts", quantity: 40, unitCostYuan: "30", payer: "coop" },
    ],
    goalTargets: [30],
    invitationDays: 10,
    eventDays: 1,
  },
  {
    key: "thank_you_event",
    groups: [8],
    tiers: ["A"],
    businessChain: "decoration_beauty",
    topicTechnique: "emotion",
    topicSubkind: null,
    holdoutPercent: 0,
    kpi: { reach: 100, yes: 50, arrivals: 40, conversions: 20, revenueYuan: 120000, depositsYuan: 30000, roi: 120 },
    channels: [{ key: "phone", plannedReach: 80 }, { key: "home_visit", plannedReach: 20 }],
    budget: [
      { category: "venue", quantity: 1, unitCostYuan: "5000", payer: "dealer" },
      { category: "catering", quantity: 60, unitCostYuan: "150", payer: "dealer" },
      { category: "gifts", quantity: 50, unitCostYuan: "300", payer: "coop" },
      { category: "media", quantity: 1, unitCostYuan: "1200", payer: "dealer" },
    ],
    goalTargets: [40],
    invitationDays: 14,
    eventDays: 1,
  },
];

export const templateByKey = (key: string | null | undefined) => TEMPLATES.find((t) => t.key === key) ?? null;

function checklistTasks(t: TFunction): NonNullable<PlanFormValues["tasks"]> {
  return CHECKLIST.map((c) => ({
    id: "", title: t(`campaigns:checklist.${c.key}`), phase: c.phase, ownerId: "", dueDate: "",
    relativeDays: String(c.relativeDays), status: "todo",
  }));
}

const blankChannels = (chosen: { key: Channel; plannedReach: number | null }[] = []) =>
  CHANNELS.map((key) => {
    const c = chosen.find((x) => x.key === key);
    return { key, selected: !!c, plannedReach: c?.plannedReach != null ? String(c.plannedReach) : "" };
  });

/**
 * Form values of a new plan: blank (with the execution checklist as tasks) or from a
 * template in the given language. `today` (the store's date) anchors a template's
 * suggested dates: invitations from tomorrow, the event after them, the review a week later.
 */
export function planDefaults(t: TFunction, opts: { templateKey?: string | null; today?: string; ownerId?: number | null } = {}): PlanFormValues {
  const tpl = templateByKey(opts.templateKey);
  const base: PlanFormValues = {
    version: "0", name: "", ownerId: opts.ownerId ? String(opts.ownerId) : "", background: "", goals: [], nonQuantifiedGoals: "",
    kpiReachRatePercent: "100", kpiYesCount: "", kpiArrivals: "", kpiConversions: "", kpiRevenue: "", kpiDeposits: "", kpiRoiPercent: "",
    segmentId: "", holdoutPercent: "0", theme: "", topicTechnique: "", topicSubkind: "", businessChain: "", offer: "", script: "",
    invitationStart: "", invitationEnd: "", eventStart: "", eventEnd: "", reviewDate: "", venue: "",
    channels: blankChannels(), budget: [], tasks: checklistTasks(t), templateKey: "",
  };
  if (!tpl) return base;
  const k = (s: string) => t(`campaigns:templates.${tpl.key}.${s}`);
  let dates = {};
  if (opts.today) {
    const invitationStart = addDays(opts.today, 1);
    const eventDay = addDays(invitationStart, tpl.invitationDays + 1);
    const lastDay = addDays(eventDay, tpl.eventDays - 1);
    dates = {
      invitationStart, invitationEnd: addDays(eventDay, -1),
      eventStart: `${eventDay}T09:00`, eventEnd: `${lastDay}T17:00`, reviewDate: addDays(lastDay, 7),
    };
  }
  return {
    ...base,
    ...dates,
    name: k("name"),
    templateKey: tpl.key,
    background: k("background"),
    goals: tpl.goalTargets.map((target, i) => ({ text: k(`goals.${i}.text`), target: String(target), unit: k(`goals.${i}.unit`) })),
    nonQuantifiedGoals: k("nonQuantified"),
    kpiReachRatePercent: String(tpl.kpi.reach),
    kpiYesCount: String(tpl.kpi.yes),
    kpiArrivals: String(tpl.kpi.arrivals),
    kpiConversions: String(tpl.kpi.conversions),
    kpiRevenue: String(tpl.kpi.revenueYuan),
    kpiDeposits: String(tpl.kpi.depositsYuan),
    kpiRoiPercent: String(tpl.kpi.roi),
    holdoutPercent: String(tpl.holdoutPercent),
    theme: k("theme"),
    topicTechnique: tpl.topicTechnique,
    topicSubkind: tpl.topicSubkind ?? "",
    businessChain: tpl.businessChain,
    offer: k("offer"),
    script: k("script"),
    venue: k("venue"),
    channels: blankChannels(tpl.channels),
    budget: tpl.budget.map((b, i) => ({
      id: "", category: b.category, description: k(`budget.${i}`), quantity: String(b.quantity), unitCost: b.unitCostYuan, payer: b.payer,
    })),
  };
}
