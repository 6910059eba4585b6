/**
 * Plan templates and the brief's execution checklist (browser-safe). A template holds the
 * structure (chain, technique, KPI, channels, budget, tasks with due dates relative to the
 * event); its words live in the campaigns catalog under `templates.<key>` so each template
 * exists in both languages. `planDefaults` turns a template (or a blank plan) into form values.
 */
import type { TFunction } from "i18next";
import type { BudgetCategory, Channel, PlanFormValues, TaskPhase } from "./campaign.schema";
import { BUSINESS_CHAINS, CHANNELS, KPI_KEYS, TOPIC_SUBKINDS, TOPIC_TECHNIQUES } from "./campaign.schema";
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

/** A budget line of a template: category, quantity, unit cost in yuan, who pays (its description is `templates.<key>.budget.<i>`). */
type TemplateLine = [category: BudgetCategory, quantity: number, unitCostYuan: string, payer: "dealer" | "coop"];

export interface CampaignTemplate {
  key: string;
  /** groups of the 8-group matrix (and tiers) the template is meant for */
  groups: number[];
  tiers: string[];
  businessChain: (typeof BUSINESS_CHAINS)[number];
  topicTechnique: (typeof TOPIC_TECHNIQUES)[number];
  topicSubkind: (typeof TOPIC_SUBKINDS)[number] | null;
  holdoutPercent: number;
  /** the KPI targets in the order of KPI_KEYS: reach %, yes, arrivals, conversions, revenue ¥, deposits ¥, ROI % */
  kpi: readonly [number, number, number, number, number, number, number];
  /** the channels used, with their planned reach (null: not planned) */
  channels: Partial<Record<Channel, number | null>>;
  budget: TemplateLine[];
  /** number of quantified goals in `templates.<key>.goals.<i>.{text,unit}` with these targets */
  goalTargets: number[];
  /** days of invitations before the event, and the event length in days */
  invitationDays: number;
  eventDays: number;
}

/** One row per template; its words are in the campaigns catalog under `templates.<key>`. */
export const TEMPLATES: CampaignTemplate[] = [
  { key: "first_maintenance_day", groups: [2], tiers: [], businessChain: "booking_maintenance", topicTechnique: "borrow_trend", topicSubkind: "seasonal_festival", holdoutPercent: 10, kpi: [100, 120, 90, 60, 90000, 15000, 200], channels: { phone: 300, sms: 300, wechat_official: null }, budget: [["materials", 20, "35", "dealer"], ["gifts", 100, "48", "coop"], ["catering", 1, "1500", "dealer"], ["incentives", 1, "2000", "dealer"]], goalTargets: [90, 60], invitationDays: 14, eventDays: 1 },
  { key: "insurance_renewal_drive", groups: [4], tiers: [], businessChain: "renewal_accident", topicTechnique: "borrow_trend", topicSubkind: "policy", holdoutPercent: 10, kpi: [100, 80, 60, 50, 300000, 40000, 400], channels: { phone: 250, sms: 250, wechat_moments: null }, budget: [["gifts", 60, "120", "dealer"], ["discounts", 50, "200", "coop"], ["materials", 10, "30", "dealer"]], goalTargets: [50], invitationDays: 21, eventDays: 2 },
  { key: "car_care_class", groups: [7], tiers: [], businessChain: "booking_maintenance", topicTechnique: "debate", topicSubkind: null, holdoutPercent: 0, kpi: [100, 40, 30, 15, 30000, 5000, 150], channels: { phone: 120, wechat_official: null, posters: null }, budget: [["venue", 1, "800", "dealer"], ["catering", 40, "25", "dealer"], ["gifts", 40, "30", "coop"]], goalTargets: [30], invitationDays: 10, eventDays: 1 },
  { key: "thank_you_event", groups: [8], tiers: ["A"], businessChain: "decoration_beauty", topicTechnique: "emotion", topicSubkind: null, holdoutPercent: 0, kpi: [100, 50, 40, 20, 120000, 30000, 120], channels: { phone: 80, home_visit: 20 }, budget: [["venue", 1, "5000", "dealer"], ["catering", 60, "150", "dealer"], ["gifts", 50, "300", "coop"], ["media", 1, "1200", "dealer"]], goalTargets: [40], invitationDays: 14, eventDays: 1 },
];

export const templateByKey = (key: string | null | undefined) => TEMPLATES.find((t) => t.key === key) ?? null;

function checklistTasks(t: TFunction): NonNullable<PlanFormValues["tasks"]> {
  return CHECKLIST.map((c) => ({
    id: "", title: t(`campaigns:checklist.${c.key}`), phase: c.phase, ownerId: "", dueDate: "",
    relativeDays: String(c.relativeDays), status: "todo",
  }));
}

const blankChannels = (chosen: CampaignTemplate["channels"] = {}) =>
  CHANNELS.map((key) => {
    const reach = chosen[key];
    return { key, selected: reach !== undefined, plannedReach: reach != null ? String(reach) : "" };
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
    ...Object.fromEntries(KPI_KEYS.map((key, i) => [key, String(tpl.kpi[i])])),
    holdoutPercent: String(tpl.holdoutPercent),
    theme: k("theme"),
    topicTechnique: tpl.topicTechnique,
    topicSubkind: tpl.topicSubkind ?? "",
    businessChain: tpl.businessChain,
    offer: k("offer"),
    script: k("script"),
    venue: k("venue"),
    channels: blankChannels(tpl.channels),
    budget: tpl.budget.map(([category, quantity, unitCost, payer], i) => ({ id: "", category, description: k(`budget.${i}`), quantity: String(quantity), unitCost, payer })),
  };
}
