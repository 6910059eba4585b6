/**
 * The words for a campaign's history (campaign_history): every kind (status, field, comment)
 * and every field the models write, with its value formatted — money in fen as ¥, dates,
 * customers and tasks by name, statuses by their label — in the reader's language.
 * Browser-safe and pure: the component and the tests call the same function.
 *
 * Fields, by writer:
 * - campaign.server (amendPlan): the KPI columns, `budget_line` (JSON), `budget_total` (fen);
 *   status rows (`field` = the action, `status` for the draft's creation); comments.
 * - execution.server: `event_order`, `event_deposit` (JSON, new only), `actual_cost` (JSON per
 *   line), `touchpoint_<key>` (JSON score), `readiness_<point>` ("0"/"1"), `task_status` (JSON).
 * - review.server: `review_what_worked|what_to_change|decisions` (text), status rows `close`,
 *   `reopen`, `finalise`, and `figures_provisional_until` (a date) on an early close.
 */
import { N8_POINTS, TOUCHPOINT_KEYS } from "~/models/execution.schema";

export interface HistoryEntry {
  kind: string;
  field: string | null;
  old_value: string | null;
  new_value: string | null;
}

/** Names the values refer to (ids → what the reader knows them by). */
export interface HistoryRefs {
  tasks: Record<string, string>;
  lines: Record<string, { category: string; description: string }>;
  arrivals: Record<string, string>;
}

export interface HistoryFormat {
  money: (fen: number) => string;
  number: (n: number) => string;
  date: (isoDate: string) => string;
}

type T = (key: string, options?: Record<string, unknown>) => string;

const KPI_FIELDS = ["kpi_reach_rate_percent", "kpi_yes_count", "kpi_arrivals", "kpi_conversions", "kpi_revenue_fen", "kpi_deposits_fen", "kpi_roi_percent"] as const;
const LESSON_FIELDS = { review_what_worked: "whatWorked", review_what_to_change: "whatToChange", review_decisions: "decisions" } as const;

/** Every field a campaign's history may hold (the tests check each written one is here). */
export const HISTORY_FIELDS: readonly string[] = [
  ...KPI_FIELDS, "budget_line", "budget_total",
  "event_order", "event_deposit", "actual_cost", "task_status", "figures_provisional_until",
  ...TOUCHPOINT_KEYS.map((k) => `touchpoint_${k}`), ...N8_POINTS.map((p) => `readiness_${p}`),
  ...Object.keys(LESSON_FIELDS),
];
/** The `field` of status rows: the workflow actions, `status` (created as a draft) and the review's. */
export const HISTORY_STATUS_FIELDS: readonly string[] = [
  "status", "submit", "approve", "return", "start_invitations", "start_execution", "start_review", "close", "cancel", "reopen", "finalise",
];

export const isKnownHistoryField = (field: string | null) => field !== null && HISTORY_FIELDS.includes(field);

function json<V>(v: string | null): V | null {
  if (v === null) return null;
  try {
    const parsed = JSON.parse(v) as unknown;
    return parsed !== null && typeof parsed === "object" ? (parsed as V) : null;
  } catch {
    return null;
  }
}
/** A number out of stored text, or null (never NaN). */
function num(v: unknown): number | null {
  if (v === null || v === undefined || v === "") return null;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}
const clip = (s: string, max = 140) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/**
 * One history row as a sentence: `{ text }`, where field changes read
 * "<field>: <old> → <new>" and new records "<field>: <what>".
 */
export function describeHistory(h: HistoryEntry, t: T, f: HistoryFormat, refs: HistoryRefs): string {
  const none = "—";
  if (h.kind === "comment") return t("campaigns:history.comment");
  if (h.kind === "status") {
    if (h.old_value === null) return t("campaigns:history.created");
    if (h.field === "finalise") return t("campaigns:history.finalised");
    const status = (s: string | null) => (s === null ? none : t(`campaigns:status.${s}`));
    return t("campaigns:history.status", { from: status(h.old_value), to: status(h.new_value) });
  }
  const field = h.field ?? "";
  const change = (label: string, show: (v: string | null) => string) => t("campaigns:history.field", { field: label, from: show(h.old_value), to: show(h.new_value) });
  const money = (v: unknown) => {
    const n = num(v);
    return n === null ? none : f.money(n);
  };

  if ((KPI_FIELDS as readonly string[]).includes(field)) {
    const show = (v: string | null) => {
      const n = num(v);
      if (n === null) return none;
      if (field.endsWith("_fen")) return f.money(n);
      if (field.endsWith("_percent")) return `${f.number(n)}%`;
      return f.number(n);
    };
    return change(t(`campaigns:history.fields.${field}`), show);
  }
  if (field === "budget_total") return change(t("campaigns:history.fields.budget_total"), money);
  if (field === "budget_line") {
    const show = (v: string | null) => {
      if (v === null) return none;
      const l = json<{ category?: string; description?: string; quantity?: number; unitCostFen?: number; amountFen?: number; payer?: string }>(v);
      if (!l) return clip(v);
      const parts = [
        l.category ? t(`campaigns:categories.${l.category}`) : null,
        l.description || null,
        num(l.quantity) !== null && num(l.unitCostFen) !== null ? `${f.number(num(l.quantity)!)} × ${f.money(num(l.unitCostFen)!)} = ${money(l.amountFen)}` : money(l.amountFen),
        l.payer ? `(${t(`campaigns:payers.${l.payer}`)})` : null,
      ];
      return parts.filter(Boolean).join(" ");
    };
    return change(t("campaigns:history.fields.budget_line"), show);
  }
  if (field === "event_order" || field === "event_deposit") {
    const v = json<{ arrivalId?: number; line?: string; kind?: string; amountFen?: number }>(h.new_value);
    const who = v?.arrivalId !== undefined ? refs.arrivals[String(v.arrivalId)] ?? t("campaigns:history.unknownGuest") : t("campaigns:history.unknownGuest");
    const what = field === "event_order"
      ? [who, v?.line ? t(`common:lines.${v.line}`) : null, v?.kind ? t(`execution:conversion.kinds.${v.kind}`) : null, money(v?.amountFen)]
      : [who, money(v?.amountFen)];
    return t("campaigns:history.recorded", { field: t(`campaigns:history.fields.${field}`), value: what.filter(Boolean).join(" · ") });
  }
  if (field === "actual_cost") {
    const o = json<{ lineId?: number; actualFen?: number | null; note?: string | null }>(h.old_value);
    const n = json<{ lineId?: number; actualFen?: number | null; note?: string | null }>(h.new_value);
    const lineId = n?.lineId ?? o?.lineId;
    const line = lineId !== undefined ? refs.lines[String(lineId)] : undefined;
    const lineLabel = line ? [t(`campaigns:categories.${line.category}`), line.description].filter(Boolean).join(" · ") : t("campaigns:history.removedLine");
    const show = (v: { actualFen?: number | null; note?: string | null } | null) => {
      if (!v || num(v.actualFen) === null) return v?.note ? `${none} (${clip(v.note, 60)})` : none;
      return v.note ? `${money(v.actualFen)} (${clip(v.note, 60)})` : money(v.actualFen);
    };
    return t("campaigns:history.field", { field: t("campaigns:history.fields.actual_cost", { line: lineLabel }), from: show(o), to: show(n) });
  }
  if (field === "task_status") {
    const o = json<{ taskId?: number; status?: string }>(h.old_value);
    const n = json<{ taskId?: number; status?: string }>(h.new_value);
    const taskId = n?.taskId ?? o?.taskId;
    const title = (taskId !== undefined ? refs.tasks[String(taskId)] : undefined) ?? t("campaigns:history.removedTask");
    const show = (v: { status?: string } | null) => (v?.status ? t(`campaigns:taskStatuses.${v.status}`) : none);
    return t("campaigns:history.field", { field: t("campaigns:history.fields.task_status", { task: title }), from: show(o), to: show(n) });
  }
  if (field.startsWith("touchpoint_") && (TOUCHPOINT_KEYS as readonly string[]).includes(field.slice("touchpoint_".length))) {
    const tp = field.slice("touchpoint_".length);
    const show = (v: string | null) => {
      const s = json<{ score?: number; indicators?: string[]; notes?: string | null }>(v);
      if (!s) return none;
      const indicators = Array.isArray(s.indicators) ? s.indicators.map((i) => t(`execution:scores.indicator.${i}`)).join(t("campaigns:history.listSeparator")) : "";
      return [num(s.score) !== null ? t("campaigns:history.score", { score: num(s.score) }) : none, indicators ? `(${indicators})` : null, s.notes ? `“${clip(s.notes, 60)}”` : null]
        .filter(Boolean).join(" ");
    };
    return change(t("campaigns:history.fields.touchpoint", { touchpoint: t(`execution:scores.touchpoints.${tp}`) }), show);
  }
  if (field.startsWith("readiness_") && (N8_POINTS as readonly string[]).includes(field.slice("readiness_".length))) {
    const point = field.slice("readiness_".length);
    const show = (v: string | null) => (v === "1" ? t("campaigns:history.ready") : v === "0" ? t("campaigns:history.notReady") : none);
    return change(t("campaigns:history.fields.readiness", { point: t(`execution:readiness.points.${point}`) }), show);
  }
  if (field in LESSON_FIELDS) {
    const show = (v: string | null) => (v === null || v === "" ? none : `“${clip(v)}”`);
    return change(t(`execution:review.lessons.${LESSON_FIELDS[field as keyof typeof LESSON_FIELDS]}`), show);
  }
  if (field === "figures_provisional_until") {
    return t("campaigns:history.provisionalUntil", { date: h.new_value ? f.date(h.new_value) : none });
  }
  // a field this version does not know (written by a newer one): say so, show the raw values
  return t("campaigns:history.field", { field: t("campaigns:history.otherField"), from: h.old_value ?? none, to: h.new_value ?? none });
}
