/**
 * The plan form (5W2H + KPI), one <Form method="post"> in sections. react-hook-form with the
 * same zod schema as the action; field arrays for goals, budget lines and tasks; the seven
 * channels as a fixed array. Works without JavaScript (plain post, server errors beside
 * each field, the typed values sent back).
 *
 * Nothing typed is lost: every change is copied to localStorage under
 * `cp:plan-draft:<store>:<campaign id | new>`; when the page opens again (after a failed
 * save, a session expiry and a new sign-in, a crash) and the copy differs from the saved
 * plan, the user is offered to restore it. The copy is cleared after a successful save.
 * Autosave (existing plans only): a few seconds after the last change, a valid form is
 * saved through a fetcher (intent=autosave); a version conflict stops it and says who
 * changed the plan.
 */
import { zodResolver } from "@hookform/resolvers/zod";
import { Form, useFetcher, useLocation, useNavigate, useNavigation, useSubmit } from "@remix-run/react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { get, useFieldArray, useForm, useWatch, type UseFormRegister } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { ErrorText, Field, Select, TextArea } from "~/components/ui/field";
import { useFormFailure, type FormFailure } from "~/components/ui/use-form-failure";
import {
  AmendSchema, BUDGET_CATEGORIES, budgetTotals, BUSINESS_CHAINS, CHANNELS, PAYERS, PlanSchema, TASK_PHASES, TASK_STATUSES,
  TOPIC_SUBKINDS, TOPIC_TECHNIQUES, type PlanFormValues,
} from "~/models/campaign.schema";
import { addDays } from "~/utils/format";
import { yuanToFen } from "~/utils/money";
import { useFormat } from "~/utils/use-format";
import { AudienceTable, BudgetTotalsTable } from "./plan-summary";
import { HoldoutAdvice } from "./holdout-advice";
import type { Option, SegmentSummaryView } from "./types";

export type PlanFormMode = "new" | "edit" | "amend";

export interface PlanFormProps {
  mode: PlanFormMode;
  storeId: number;
  campaignId: number | null;
  /** the stored plan (or the template's); a refused save re-renders what it sent instead */
  defaultValues: PlanFormValues;
  segments: Option[];
  users: Option[];
  audience: SegmentSummaryView | null;
  /** after a successful save: clear the browser copy (and say when it was saved) */
  justSaved?: boolean;
  savedAt?: string | null;
  /** read-only parts shown while amending an approved plan */
  locked?: ReactNode;
  timezone: string;
}

/** An accepted autosave: the new version, and the ids of the rows it created (in form order). */
export type AutosaveAnswer = { ok: true; version: number; savedAt: string; budgetIds: number[]; taskIds: number[] };

const fieldId = (name: string) => `plan-${name.replace(/\./g, "-")}`;
const draftKey = (storeId: number, id: number | null) => `cp:plan-draft:${storeId}:${id ?? "new"}`;
const AUTOSAVE_MS = 4000;

type Draft = { at: string; values: PlanFormValues };

function readDraft(key: string): Draft | null {
  try {
    const raw = window.localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as Draft) : null;
  } catch {
    return null;
  }
}

/** Comparable form values: numbers and strings alike, booleans and "on" alike. */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, normalise(x)]));
  if (v === true || v === "on") return "1";
  if (v === false || v === undefined || v === null) return "";
  return String(v);
}
const same = (a: unknown, b: unknown) => JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));

export function PlanForm(props: PlanFormProps) {
  const { t } = useTranslation(["campaigns", "common"]);
  const f = useFormat();
  const { mode } = props;
  // the refused save (the page's one form; the new plan's answer has no intent); autosave answers its fetcher
  const failure = useFormFailure(["save", ""]);
  const defaultValues = (failure?.values as PlanFormValues | undefined) ?? props.defaultValues;
  const serverErrors = failure?.errors ?? {};
  const schema = mode === "amend" ? AmendSchema : PlanSchema;
  const form = useForm<PlanFormValues>({
    resolver: zodResolver(schema as typeof PlanSchema) as any,
    defaultValues,
  });
  const { register, control, formState } = form;
  const submit = useSubmit();
  const location = useLocation();
  const navigation = useNavigation();
  const autosave = useFetcher<AutosaveAnswer | FormFailure>();
  const formRef = useRef<HTMLFormElement>(null);
  const key = draftKey(props.storeId, props.campaignId);

  const goals = useFieldArray({ control, name: "goals", keyName: "_key" });
  const budget = useFieldArray({ control, name: "budget", keyName: "_key" });
  const tasks = useFieldArray({ control, name: "tasks", keyName: "_key" });

  const err = (name: string): string | undefined => ((get(formState.errors, name) as { message?: string } | undefined)?.message) ?? serverErrors[name];
  const dv = (name: string) => {
    const v = get(defaultValues, name);
    return v === undefined || v === null ? "" : String(v);
  };

  // ── the browser copy and the restore offer ──
  const [draft, setDraft] = useState<Draft | null>(null);
  const navigate = useNavigate();
  const [savedNotice, setSavedNotice] = useState(!!props.justSaved);
  useEffect(() => {
    if (props.justSaved) return;
    const found = readDraft(key);
    if (found && !same(found.values, defaultValues)) setDraft(found);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    if (!props.justSaved) return;
    // saved: the browser copy is obsolete; the form takes the stored plan (new version, ids of new rows)
    window.localStorage.removeItem(key);
    if (props.campaignId) window.localStorage.removeItem(draftKey(props.storeId, null));
    form.reset(props.defaultValues);
    setDraft(null);
    setSavedNotice(true);
    // drop ?saved from the address so a later visit (e.g. after signing in again) offers the browser copy
    navigate(location.pathname, { replace: true, preventScrollReset: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.justSaved]);

  // ── copy every change; schedule an autosave ──
  const [autosaveState, setAutosaveState] = useState<"idle" | "failed" | "stopped">("idle");
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const sent = useRef<{ budget: number; tasks: number } | null>(null);
  useEffect(() => {
    const sub = form.watch((values, info) => {
      if (!info.name && !info.type) return; // reset/restore, not typing
      try {
        window.localStorage.setItem(key, JSON.stringify({ at: new Date().toISOString(), values }));
      } catch {
        /* storage full or disabled: the form still works */
      }
      if (mode === "new" || autosaveState === "stopped") return;
      clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        const current = form.getValues();
        if (!formRef.current || !schema.safeParse(current).success) return;
        const fd = new FormData(formRef.current);
        fd.set("intent", "autosave");
        sent.current = { budget: current.budget?.length ?? 0, tasks: current.tasks?.length ?? 0 };
        autosave.submit(fd, { method: "post" });
      }, AUTOSAVE_MS);
    });
    return () => {
      sub.unsubscribe();
      clearTimeout(timer.current);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [mode, autosaveState, key]);

  // ── autosave answers: new version, ids of new rows, or a conflict ──
  const [autosavedAt, setAutosavedAt] = useState<string | null>(null);
  const [liveConflict, setLiveConflict] = useState<{ name: string | null; at: string } | null>(null);
  useEffect(() => {
    const d = autosave.data;
    if (!d || autosave.state !== "idle") return;
    if ("ok" in d) {
      form.setValue("version", String(d.version));
      const values = form.getValues();
      if (sent.current && values.budget?.length === sent.current.budget) d.budgetIds?.forEach((id, i) => form.setValue(`budget.${i}.id`, String(id)));
      if (sent.current && values.tasks?.length === sent.current.tasks) d.taskIds?.forEach((id, i) => form.setValue(`tasks.${i}.id`, String(id)));
      setAutosavedAt(d.savedAt);
      setAutosaveState("idle");
      if (same(form.getValues(), values)) window.localStorage.removeItem(key);
    } else if (d.conflict) {
      setLiveConflict(d.conflict);
      setAutosaveState("stopped");
    } else {
      setAutosaveState("failed");
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [autosave.data, autosave.state]);

  const conflict = failure?.conflict ?? liveConflict;
  const saving = navigation.state === "submitting" && navigation.formMethod?.toLowerCase() === "post";
  const hasErrors = Object.keys(formState.errors).length > 0 || Object.keys(serverErrors).length > 0;

  // live values for computed parts
  const watched = useWatch({ control }) as PlanFormValues;
  const lines = (watched.budget ?? []).map((l) => {
    const unit = yuanToFen(String(l?.unitCost ?? ""));
    const qty = /^\d+$/.test(String(l?.quantity ?? "").trim()) ? Number(l?.quantity) : null;
    return { category: String(l?.category ?? ""), payer: String(l?.payer || "dealer"), amountFen: unit !== null && qty !== null ? unit * qty : 0, valid: unit !== null && qty !== null };
  });
  const totals = budgetTotals(lines);
  const eventDay = /^\d{4}-\d{2}-\d{2}/.test(String(watched.eventStart ?? "")) ? String(watched.eventStart).slice(0, 10) : null;

  // WHO: the chosen segment's live audience
  const audienceFetcher = useFetcher<{ audience: SegmentSummaryView | null }>();
  const segmentId = String(watched.segmentId ?? "");
  const initialSegment = useRef(dv("segmentId"));
  useEffect(() => {
    if (mode === "amend") return;
    if (segmentId === initialSegment.current && !audienceFetcher.data) return;
    audienceFetcher.load(`/campaigns/audience?segmentId=${encodeURIComponent(segmentId)}`);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [segmentId]);
  const audience = audienceFetcher.data ? audienceFetcher.data.audience : props.audience;

  const restore = () => {
    if (!draft) return;
    const version = form.getValues("version");
    form.reset({ ...draft.values, version });
    setDraft(null);
  };
  const discard = () => {
    window.localStorage.removeItem(key);
    setDraft(null);
  };

  const text = (name: string, label: string, opts: { type?: string; hint?: string; textarea?: boolean; inputMode?: "decimal" | "numeric"; required?: boolean; className?: string } = {}) => {
    const wiring = { id: fieldId(name), label, hint: opts.hint, error: err(name), defaultValue: dv(name), ...register(name as "name") };
    const field = opts.textarea ? <TextArea rows={4} {...wiring} />
      : <Field type={opts.type ?? "text"} inputMode={opts.inputMode} aria-required={opts.required || undefined} {...wiring} />;
    return opts.className ? <div className={opts.className}>{field}</div> : field;
  };

  const select = (name: string, label: string, options: { value: string; label: string }[], opts: { empty?: string } = {}) => (
    <Select id={fieldId(name)} label={label} error={err(name)} defaultValue={dv(name)} {...register(name as "name")}
      options={opts.empty !== undefined ? [{ value: "", label: opts.empty }, ...options] : options} />
  );

  const tr = (k: string) => t(k as "campaigns:title");
  const userOptions = props.users.map((u) => ({ value: String(u.id), label: u.name }));
  const choose = t("campaigns:fields.choose");
  const editable = mode !== "amend";

  return (
    <Form
      method="post"
      action={location.pathname}
      noValidate
      ref={formRef}
      className="plan-form"
      data-testid="plan-form"
      onSubmit={form.handleSubmit(
        () => submit(formRef.current, { method: "post" }),
        () => {
          const first = formRef.current?.querySelector<HTMLElement>("[aria-invalid='true']");
          first?.focus();
        },
      )}
    >
      <input type="hidden" name="intent" value="save" />
      <input type="hidden" name="mode" value={mode === "amend" ? "amend" : "edit"} />
      <input type="hidden" defaultValue={dv("version")} {...register("version")} />
      {editable ? <input type="hidden" defaultValue={dv("templateKey")} {...register("templateKey")} /> : null}

      {draft ? (
        <div className="notice" role="status" data-testid="draft-offer">
          <p>{t("campaigns:form.draftFound", { at: f.dateTime(draft.at) })}</p>
          <div className="row">
            <button type="button" onClick={restore}>{t("campaigns:form.restore")}</button>
            <button type="button" className="secondary" onClick={discard}>{t("campaigns:form.discard")}</button>
          </div>
        </div>
      ) : null}
      {conflict ? (
        <div className="form-error" role="alert" data-testid="conflict">
          <p>{t("campaigns:form.conflict", { name: conflict.name ?? t("campaigns:form.conflictSomeone"), at: f.dateTime(conflict.at) })}</p>
          <a href={location.pathname} data-testid="reload" onClick={(e) => { e.preventDefault(); window.location.assign(location.pathname); }}>
            {t("campaigns:form.reload")}
          </a>
        </div>
      ) : null}
      {failure?.formError && !conflict ? <p className="form-error" role="alert">{tr(failure.formError)}</p> : null}
      {hasErrors && !conflict ? <p className="form-error" role="alert" data-testid="form-errors">{t("campaigns:form.fixErrors")}</p> : null}
      {mode === "amend" ? <p className="notice">{t("campaigns:form.amendNotice")}</p> : null}

      {editable ? (
        <section className="plan-section" aria-labelledby="sec-basics">
          <h2 id="sec-basics">{t("campaigns:sections.basics")}</h2>
          <div className="field-grid">
            {text("name", t("campaigns:fields.name"), { required: true })}
            {select("ownerId", t("campaigns:fields.owner"), userOptions, { empty: t("campaigns:fields.nobody") })}
          </div>
        </section>
      ) : null}

      {editable ? (
        <section className="plan-section" aria-labelledby="sec-why">
          <h2 id="sec-why">{t("campaigns:sections.why")}</h2>
          {text("background", t("campaigns:fields.background"), { textarea: true })}
          <fieldset>
            <legend>{t("campaigns:fields.goals")}</legend>
            {goals.fields.map((g, i) => (
              <div key={g._key} className="row-card" data-testid="goal-row">
                {text(`goals.${i}.text`, t("campaigns:fields.goalText"))}
                {text(`goals.${i}.target`, t("campaigns:fields.goalTarget"), { inputMode: "decimal" })}
                {text(`goals.${i}.unit`, t("campaigns:fields.goalUnit"))}
                <div className="field">
                  <button type="button" className="secondary" onClick={() => goals.remove(i)}>{t("campaigns:fields.removeGoal", { n: i + 1 })}</button>
                </div>
              </div>
            ))}
            <ErrorText message={err("goals")} />
            <button type="button" className="secondary" onClick={() => goals.append({ text: "", target: "", unit: "" })}>{t("campaigns:fields.addGoal")}</button>
          </fieldset>
          {text("nonQuantifiedGoals", t("campaigns:fields.nonQuantifiedGoals"), { textarea: true })}
        </section>
      ) : null}

      <section className="plan-section" aria-labelledby="sec-kpi">
        <h2 id="sec-kpi">{t("campaigns:sections.kpi")}</h2>
        <div className="field-grid">
          {text("kpiReachRatePercent", t("campaigns:fields.kpiReachRatePercent"), { inputMode: "numeric" })}
          {text("kpiYesCount", t("campaigns:fields.kpiYesCount"), { inputMode: "numeric" })}
          {text("kpiArrivals", t("campaigns:fields.kpiArrivals"), { inputMode: "numeric" })}
          {text("kpiConversions", t("campaigns:fields.kpiConversions"), { inputMode: "numeric" })}
          {text("kpiRevenue", t("campaigns:fields.kpiRevenue"), { inputMode: "decimal" })}
          {text("kpiDeposits", t("campaigns:fields.kpiDeposits"), { inputMode: "decimal" })}
          {text("kpiRoiPercent", t("campaigns:fields.kpiRoiPercent"), { inputMode: "numeric" })}
        </div>
      </section>

      {editable ? (
        <section className="plan-section" aria-labelledby="sec-who">
          <h2 id="sec-who">{t("campaigns:sections.who")}</h2>
          <div className="field-grid">
            {select("segmentId", t("campaigns:fields.segment"), props.segments.map((s) => ({ value: String(s.id), label: s.name })), { empty: t("campaigns:fields.noSegment") })}
            {text("holdoutPercent", t("campaigns:fields.holdoutPercent"), { inputMode: "numeric", hint: t("campaigns:fields.holdoutHint") })}
          </div>
          <div aria-live="polite" aria-busy={audienceFetcher.state !== "idle"}>
            {audienceFetcher.state !== "idle" ? <p className="muted">{t("campaigns:who.loading")}</p> : null}
            <AudienceTable audience={segmentId ? audience : null} idPrefix="form-aud" />
            <HoldoutAdvice audience={segmentId ? audience : null} holdoutPercent={Number(watched.holdoutPercent)} />
          </div>
        </section>
      ) : null}

      {editable ? (
        <section className="plan-section" aria-labelledby="sec-what">
          <h2 id="sec-what">{t("campaigns:sections.what")}</h2>
          <div className="field-grid">
            {text("theme", t("campaigns:fields.theme"))}
            {select("businessChain", t("campaigns:fields.businessChain"), BUSINESS_CHAINS.map((c) => ({ value: c, label: t(`campaigns:chains.${c}`) })), { empty: choose })}
            {select("topicTechnique", t("campaigns:fields.topicTechnique"), TOPIC_TECHNIQUES.map((c) => ({ value: c, label: t(`campaigns:techniques.${c}`) })), { empty: choose })}
            {select("topicSubkind", t("campaigns:fields.topicSubkind"), TOPIC_SUBKINDS.map((c) => ({ value: c, label: t(`campaigns:subkinds.${c}`) })), { empty: choose })}
          </div>
          {text("offer", t("campaigns:fields.offer"), { textarea: true })}
          {text("script", t("campaigns:fields.script"), { textarea: true })}
        </section>
      ) : null}

      {editable ? (
        <section className="plan-section" aria-labelledby="sec-when">
          <h2 id="sec-when">{t("campaigns:sections.when")}</h2>
          <p className="muted">{t("campaigns:fields.timeZoneHint", { tz: props.timezone })}</p>
          <div className="field-grid dates-grid">
            {text("invitationStart", t("campaigns:fields.invitationStart"), { type: "date" })}
            {text("invitationEnd", t("campaigns:fields.invitationEnd"), { type: "date" })}
            {text("eventStart", t("campaigns:fields.eventStart"), { type: "datetime-local" })}
            {text("eventEnd", t("campaigns:fields.eventEnd"), { type: "datetime-local" })}
            {text("reviewDate", t("campaigns:fields.reviewDate"), { type: "date" })}
          </div>
        </section>
      ) : null}

      {editable ? (
        <section className="plan-section" aria-labelledby="sec-where">
          <h2 id="sec-where">{t("campaigns:sections.where")}</h2>
          {text("venue", t("campaigns:fields.venue"))}
          {text("capacity", t("campaigns:fields.capacity"), { inputMode: "numeric", hint: t("campaigns:fields.capacityHint") })}
          <fieldset>
            <legend>{t("campaigns:fields.channels")}</legend>
            {CHANNELS.map((ch, i) => {
              const label = t(`campaigns:channels.${ch}`);
              const checked = get(defaultValues, `channels.${i}.selected`);
              return (
                <div key={ch} className="row-card" data-testid={`channel-${ch}`}>
                  <input type="hidden" value={ch} {...register(`channels.${i}.key`)} />
                  <div className="field">
                    <label className="check" htmlFor={fieldId(`channels.${i}.selected`)}>
                      <input type="checkbox" id={fieldId(`channels.${i}.selected`)} value="on" defaultChecked={checked === true || checked === "on"} {...register(`channels.${i}.selected`)} />
                      {label}
                    </label>
                  </div>
                  {text(`channels.${i}.plannedReach`, t("campaigns:fields.plannedReach", { channel: label }), { inputMode: "numeric" })}
                </div>
              );
            })}
          </fieldset>
        </section>
      ) : null}

      {props.locked}

      <section className="plan-section" aria-labelledby="sec-howmuch">
        <h2 id="sec-howmuch">{t("campaigns:sections.howMuch")}</h2>
        {budget.fields.map((l, i) => (
          <fieldset key={l._key} data-testid="budget-row">
            <legend>{t("campaigns:fields.line", { n: i + 1 })}</legend>
            <input type="hidden" defaultValue={dv(`budget.${i}.id`) || String(l.id ?? "")} {...register(`budget.${i}.id`)} />
            <div className="row-card">
              {select(`budget.${i}.category`, t("campaigns:fields.category"), BUDGET_CATEGORIES.map((c) => ({ value: c, label: t(`campaigns:categories.${c}`) })), { empty: choose })}
              {text(`budget.${i}.description`, t("campaigns:fields.description"))}
              {text(`budget.${i}.quantity`, t("campaigns:fields.quantity"), { inputMode: "numeric" })}
              {text(`budget.${i}.unitCost`, t("campaigns:fields.unitCost"), { inputMode: "decimal" })}
              {select(`budget.${i}.payer`, t("campaigns:fields.payer"), PAYERS.map((p) => ({ value: p, label: t(`campaigns:payers.${p}`) })))}
              <div className="field">
                <span className="label">{t("campaigns:fields.amount")}</span>
                <output data-testid="line-amount">{lines[i]?.valid ? f.money(lines[i]!.amountFen) : "—"}</output>
              </div>
              <div className="field">
                <button type="button" className="secondary" onClick={() => budget.remove(i)}>{t("campaigns:fields.removeLine", { n: i + 1 })}</button>
              </div>
            </div>
          </fieldset>
        ))}
        <ErrorText message={err("budget")} />
        <p>
          <button type="button" className="secondary" onClick={() => budget.append({ id: "", category: "", description: "", quantity: "1", unitCost: "", payer: "dealer" })}>
            {t("campaigns:fields.addLine")}
          </button>
        </p>
        <BudgetTotalsTable totals={totals} idPrefix="form" />
      </section>

      <section className="plan-section" aria-labelledby="sec-howtodo">
        <h2 id="sec-howtodo">{t("campaigns:sections.howToDo")}</h2>
        <p className="muted">{t("campaigns:fields.relativeHint")}</p>
        {tasks.fields.map((task, i) => {
          const rel = String(watched.tasks?.[i]?.relativeDays ?? "").trim();
          const computed = eventDay && /^-?\d{1,3}$/.test(rel) ? addDays(eventDay, Number(rel)) : null;
          return (
            <fieldset key={task._key} data-testid="task-row">
              <legend>{t("campaigns:fields.task", { n: i + 1 })}</legend>
              <input type="hidden" defaultValue={dv(`tasks.${i}.id`) || String(task.id ?? "")} {...register(`tasks.${i}.id`)} />
              <div className="row-card">
                {text(`tasks.${i}.title`, t("campaigns:fields.taskTitle"), { className: "wide" })}
                {select(`tasks.${i}.phase`, t("campaigns:fields.phase"), TASK_PHASES.map((p) => ({ value: p, label: t(`campaigns:phases.${p}`) })))}
                {select(`tasks.${i}.ownerId`, t("campaigns:fields.taskOwner"), userOptions, { empty: t("campaigns:fields.nobody") })}
                {text(`tasks.${i}.relativeDays`, t("campaigns:fields.relativeDays"), { inputMode: "numeric" })}
                {computed ? (
                  <div className="field">
                    <span className="label">{t("campaigns:fields.dueDate")}</span>
                    <output>{f.date(computed)}</output>
                  </div>
                ) : (
                  text(`tasks.${i}.dueDate`, t("campaigns:fields.dueDate"), { type: "date" })
                )}
                {select(`tasks.${i}.status`, t("campaigns:fields.taskStatus"), TASK_STATUSES.map((s) => ({ value: s, label: t(`campaigns:taskStatuses.${s}`) })))}
                <div className="field">
                  <button type="button" className="secondary" onClick={() => tasks.remove(i)}>{t("campaigns:fields.removeTask", { n: i + 1 })}</button>
                </div>
              </div>
            </fieldset>
          );
        })}
        <ErrorText message={err("tasks")} />
        <button type="button" className="secondary" onClick={() => tasks.append({ id: "", title: "", phase: "prep", ownerId: "", dueDate: "", relativeDays: "", status: "todo" })}>
          {t("campaigns:fields.addTask")}
        </button>
      </section>

      <div className="sticky-actions">
        <button type="submit" disabled={saving} data-testid="save">{saving ? t("campaigns:form.saving") : t("campaigns:form.save")}</button>
        <span role="status" className="muted" data-testid="save-status">
          {autosaveState === "failed" ? t("campaigns:form.autosaveFailed")
            : autosavedAt ? t("campaigns:form.autosavedAt", { at: f.dateTime(autosavedAt) })
              : savedNotice && props.savedAt ? t("campaigns:form.savedAt", { at: f.dateTime(props.savedAt) }) : ""}
        </span>
      </div>
    </Form>
  );
}

