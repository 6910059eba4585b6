import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import styles from "~/components/charts/execution.css";
import { StatusBadge, useLocalDateTime } from "~/components/plan/plan-summary";
import planStyles from "~/components/plan/plan.css";
import { CheckinDesk } from "~/components/checkin/desk";
import { ErrorText } from "~/components/ui/field";
import { CampaignNotFound } from "~/models/campaign.server";
import { checkIn, CustomerExists, registerWalkIn, type CheckinMatch } from "~/models/checkin.server";
import { AlreadyCheckedIn, ExecutionRefused } from "~/models/execution-errors";
import { ORDER_KINDS, ORDER_LINES } from "~/models/execution.constants";
import type { ExecutionFlashValues as Flash, ExecutionIntent } from "~/models/execution.schema";
import { CheckinQuery, ExecutionAction, ExecutionFlash } from "~/models/execution-forms.server";
import {
  getExecutionPage, recordDeposit, recordOrder, saveActualCosts, saveTouchpointScore, setReadiness, setTaskStatus, type ExecutionPage,
} from "~/models/execution.server";
import { formatCode } from "~/models/invitation-code";
import { getDb } from "~/utils/db.server";
import { parseFormData, type FieldErrors } from "~/utils/form";
import { notFound, IdParam, storageFailure, submittedValues, readForm } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { fenToYuanText } from "~/utils/money";
import { requireUser } from "~/utils/session.server";
import { useFormat } from "~/utils/use-format";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: planStyles }, { rel: "stylesheet", href: styles }];

const Id = IdParam;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const id = Id.safeParse(params.id);
  if (!id.success) notFound();
  const url = new URL(request.url);
  const query = CheckinQuery.safeParse({ q: url.searchParams.get("q") ?? "" });
  const q = query.success ? query.data.q : "";
  const flash = ExecutionFlash.parse(Object.fromEntries(url.searchParams));
  try {
    const page = await getExecutionPage(getDb(), {
      storeId: ctx.store.id, campaignId: id.data, actor: { id: ctx.user.id, role: ctx.user.role }, timeZone: ctx.store.timezone, q,
    });
    return json({ page, blocked: null, flash, qError: query.success ? null : "execution:errors.tooLong" });
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    if (e instanceof ExecutionRefused) return json({ page: null, blocked: { key: e.messageKey, params: e.params }, flash, qError: null });
    throw e;
  }
}

type Answer = { kind: "already"; name: string; at: string; by: string | null } | { kind: "refused"; key: string; params?: Record<string, unknown> };
type ActionData = { intent: string; errors?: FieldErrors; values?: Record<string, unknown>; answer?: Answer; formError?: string; duplicate?: { id: number; name: string } };

const ANCHOR: Record<ExecutionIntent, string> = {
  checkin: "checkin", walkin: "checkin", order: "conversion", deposit: "conversion", actuals: "costs", score: "scores", readiness: "readiness", task: "checklist",
};

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request);
  const id = Id.safeParse(params.id);
  if (!id.success) notFound();
  const fd = await readForm(request);
  const intent = String(fd.get("intent") ?? "");
  const parsed = parseFormData(ExecutionAction, fd);
  // the submitted fields by their own names (lines.0.actual …), as the forms read them back
  if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values: submittedValues(fd) }, { status: 400 });
  const input = parsed.data;
  const base = { storeId: ctx.store.id, campaignId: id.data, actor: { id: ctx.user.id, role: ctx.user.role } };
  const db = getDb();
  const here = `/campaigns/${id.data}/execution`;
  try {
    switch (input.intent) {
      case "checkin": {
        const r = await checkIn(db, { ...base, invitationId: input.invitationId, override: input.override, timeZone: ctx.store.timezone });
        return redirect(`${here}?done=${r.outcome}&arrival=${r.arrivalId}#checkin`);
      }
      case "walkin": {
        const r = await registerWalkIn(db, { ...base, customerId: input.customerId, name: input.name, phone: input.phone, override: input.override, timeZone: ctx.store.timezone });
        return redirect(`${here}?done=${r.outcome}&arrival=${r.arrivalId}#checkin`);
      }
      case "order":
        await recordOrder(db, { ...base, input });
        return redirect(`${here}?saved=order&arrival=${input.arrivalId}#conversion`);
      case "deposit":
        await recordDeposit(db, { ...base, input });
        return redirect(`${here}?saved=deposit&arrival=${input.arrivalId}#conversion`);
      case "actuals":
        await saveActualCosts(db, { ...base, lines: input.lines });
        break;
      case "score":
        await saveTouchpointScore(db, { ...base, input });
        break;
      case "readiness":
        await setReadiness(db, { ...base, point: input.point, checked: input.checked });
        break;
      case "task":
        await setTaskStatus(db, { ...base, taskId: input.taskId, status: input.status });
        break;
    }
    return redirect(`${here}?saved=${input.intent}#${ANCHOR[input.intent]}`);
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    if (e instanceof AlreadyCheckedIn) {
      return json<ActionData>({ intent, answer: { kind: "already", name: e.arrival.name, at: e.arrival.arrivedAt, by: e.arrival.byName } }, { status: 409 });
    }
    if (e instanceof CustomerExists) {
      return json<ActionData>({ intent, errors: { phone: e.messageKey }, values: Object.fromEntries(fd), duplicate: e.customer }, { status: 409 });
    }
    if (e instanceof ExecutionRefused) {
      if (e.status === 403) throw json({ error: "forbidden" }, { status: 403 });
      if (e.status === 404) notFound();
      if (input.intent === "checkin" || input.intent === "walkin") {
        if (e.field !== "_form") return json<ActionData>({ intent, errors: { [e.field]: e.messageKey }, values: parsed.ok ? Object.fromEntries(fd) : {} }, { status: e.status });
        return json<ActionData>({ intent, answer: { kind: "refused", key: e.messageKey, params: e.params } }, { status: e.status });
      }
      return json<ActionData>({ intent, errors: { [e.field]: e.messageKey }, formError: e.field === "_form" ? e.messageKey : undefined, values: submittedValues(fd) }, { status: e.status });
    }
    return storageFailure(e, { intent, values: submittedValues(fd) } satisfies ActionData);
  }
}

export const meta = pageTitle<{ page: ExecutionPage | null }>("execution:title", (d) => d.page?.campaign.name);

export default function ExecutionRoute() {
  const { t } = useTranslation(["execution", "common"]);
  const data = useLoaderData<typeof loader>();
  if (!data.page) {
    return (
      <>
        <h1>{t("title")}</h1>
        <p className="notice" role="status" data-testid="execution-blocked">{t(data.blocked!.key as "title", data.blocked!.params as Record<string, string>)}</p>
      </>
    );
  }
  return <ExecutionPageView page={data.page as unknown as ExecutionPage} flash={data.flash} qError={data.qError} />;
}

function ExecutionPageView({ page, flash, qError }: { page: ExecutionPage; flash: Flash; qError: string | null }) {
  const { t } = useTranslation(["execution", "common"]);
  const c = page.campaign;
  const local = useLocalDateTime();
  const nav = [
    ["checkin", "nav.checkin"], ["conversion", "nav.conversion"], ["checklist", "nav.checklist"], ["readiness", "nav.readiness"],
    ["costs", "nav.costs"], ["scores", "nav.scores"],
  ] as const;
  return (
    <>
      <p className="no-print"><Link to={`/campaigns/${c.id}`}>{t("nav.campaign")}</Link> · <Link to={`/campaigns/${c.id}/codes`}>{t("nav.codes")}</Link>
        {/* the review is a manager's page (staff get a 403 there) */}
        {page.isManager ? <> · <Link to={`/campaigns/${c.id}/review`}>{t("nav.review")}</Link></> : null}</p>
      <h1>{t("title")}: {c.name} <StatusBadge status={c.status} /></h1>
      <p className="muted" data-testid="event-window">
        {t("header.eventTime", { start: local(c.eventStart), end: local(c.eventEnd) })} · {t(`header.window.${page.window}`)}
        {c.venue ? <> · {c.venue}</> : null}
      </p>
      <dl className="stat-grid" data-testid="event-counts">
        <div><dt>{t("counts.invited")}</dt><dd>{page.counts.invited}</dd></div>
        <div><dt>{t("counts.yes")}</dt><dd>{page.counts.yes}</dd></div>
        <div><dt>{t("counts.arrived")}</dt><dd data-testid="count-arrived">{page.counts.arrived}</dd></div>
        <div><dt>{t("counts.walkIns")}</dt><dd>{page.counts.walkIns}</dd></div>
        <div><dt>{t("counts.holdoutArrivals")}</dt><dd>{page.counts.holdoutArrivals}</dd></div>
      </dl>
      <nav className="jump-nav no-print" aria-label={t("nav.label")}>
        <ul>{nav.map(([id, key]) => <li key={id}><a href={`#${id}`}>{t(key)}</a></li>)}</ul>
      </nav>
      <CheckinSection page={page} flash={flash} qError={qError} />
      <ConversionSection page={page} flash={flash} />
      <ChecklistSection page={page} flash={flash} />
      <ReadinessSection page={page} />
      {page.isManager ? <CostsSection page={page} flash={flash} /> : null}
      {page.isManager ? <ScoresSection page={page} flash={flash} /> : null}
    </>
  );
}

function useActionFor(intent: string | string[]) {
  const data = useActionData<typeof action>() as ActionData | undefined;
  const list = Array.isArray(intent) ? intent : [intent];
  return data && list.includes(data.intent) ? data : undefined;
}

function CheckinSection({ page, flash, qError }: { page: ExecutionPage; flash: Flash; qError: string | null }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const result = useActionFor(["checkin", "walkin"]);
  const done = flash.done ? page.arrivals.find((a) => a.id === flash.arrival) : undefined;
  const q = page.q;
  const overrideBox = page.checkinBlocked && page.mayOverride ? (
    <label className="check"><input type="checkbox" name="override" value="on" /> {t("checkin.override")}</label>
  ) : null;
  return (
    <section className="ex-section" id="checkin" aria-labelledby="checkin-title">
      <h2 id="checkin-title">{t("checkin.title")}</h2>
      {done && flash.done ? (
        <p className="answer answer-ok" role="status" data-testid="checkin-answer">
          {t(`checkin.answers.${flash.done}`, { name: done.name, time: f.dateTime(done.arrivedAt) })}{" "}
          <a href={`?arrival=${done.id}#conversion`}>{t("checkin.recordOrder")}</a>
        </p>
      ) : null}
      {result?.answer ? (
        result.answer.kind === "already" ? (
          <p className="answer answer-warn" role="alert" data-testid="checkin-answer">
            {t("checkin.answers.already", { name: result.answer.name, time: f.dateTime(result.answer.at), by: result.answer.by ?? "—" })}
          </p>
        ) : (
          <p className="answer answer-bad" role="alert" data-testid="checkin-answer">{t(result.answer.key as "title", result.answer.params as Record<string, string>)}</p>
        )
      ) : null}
      {result?.formError ? <p className="form-error" role="alert" data-testid="checkin-error">{t(result.formError as "title")}</p> : null}
      {page.checkinBlocked ? <p className="notice" data-testid="checkin-blocked">{t(page.checkinBlocked as "title", page.checkinBlockedParams as Record<string, string>)}</p> : null}
      <CheckinDesk campaignId={page.campaign.id} initial={page.live} disabled={!!page.checkinBlocked} opensAt={page.desk.state === "before" ? page.desk.opensAt : null} />
      <Form method="get" className="search-row" role="search" action="#checkin">
        <div className="field">
          <label htmlFor="checkin-q">{t("checkin.searchLabel")}</label>
          <input id="checkin-q" type="search" name="q" defaultValue={q} key={q} maxLength={40} autoComplete="off" inputMode="search"
            aria-describedby="checkin-q-hint" aria-invalid={qError ? true : undefined} />
          <span className="muted" id="checkin-q-hint">{t("checkin.searchHint")}</span>
          <ErrorText message={qError} />
        </div>
        <button type="submit" className="big-button">{t("checkin.search")}</button>
        {q ? <Link to="?#checkin" className="button secondary">{t("checkin.clear")}</Link> : null}
      </Form>
      {q ? (
        page.guests.length ? (
          <GuestList guests={page.guests} page={page} override={overrideBox} busy={busy} label={t("checkin.results")} testId="guest-results" />
        ) : page.nearGuests.length ? (
          <>
            <p className="answer answer-warn" role="status" data-testid="checkin-answer">{t("checkin.answers.near", { q })}</p>
            <GuestList guests={page.nearGuests} page={page} override={overrideBox} busy={busy} label={t("checkin.nearResults")} testId="near-results" />
          </>
        ) : (
          <p className="answer answer-warn" role="status" data-testid="checkin-answer">{t("checkin.answers.notInvited", { q })}</p>
        )
      ) : null}
      {q && !page.checkinBlocked || (q && page.mayOverride) ? <WalkInForm page={page} override={overrideBox} errors={result?.errors} values={result?.values} busy={busy} duplicate={result?.duplicate} /> : null}
    </section>
  );
}

function GuestList({ guests, page, override, busy, label, testId }: { guests: CheckinMatch[]; page: ExecutionPage; override: React.ReactNode; busy: boolean; label: string; testId: string }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const q = page.q;
  return (
    <ul className="guest-list" data-testid={testId} aria-label={label}>
      {guests.map((g) => (
        <li key={g.invitationId} className="guest" data-testid="guest">
          <div>
            <span className="who">{g.name}</span>{" "}
            {g.holdout ? <span className="tag tag-holdout">{t("checkin.holdout")}</span> : null}
            {g.kind === "associated" ? <span className="tag">{g.arrival?.walkIn ? t("checkin.walkIn") : t("checkin.associated")}</span> : null}
            {g.arrival ? <span className="tag tag-arrived">{t("checkin.arrivedAt", { time: f.dateTime(g.arrival.arrivedAt), by: g.arrival.byName ?? "—" })}</span> : null}
            <div className="muted">
              {[g.phone, ...g.plates].filter(Boolean).join(" · ")} · {t("checkin.code", { code: formatCode(g.code) })}
              {" · "}{t("checkin.result", { result: t(`invitations:columns.${g.result}` as "title") })}
              {g.assigneeName ? <> · {t("checkin.assignee", { name: g.assigneeName })}</> : null}
            </div>
          </div>
          <Form method="post" action={`?q=${encodeURIComponent(q)}#checkin`}>
            <input type="hidden" name="intent" value="checkin" />
            <input type="hidden" name="invitationId" value={g.invitationId} />
            {override}
            <button type="submit" className="big-button" disabled={busy || (!!page.checkinBlocked && !page.mayOverride)}
              aria-label={t("checkin.checkInName", { name: g.name })}>
              {t("checkin.checkIn")}
            </button>
          </Form>
        </li>
      ))}
    </ul>
  );
}

function WalkInForm({ page, override, errors, values, busy, duplicate }: { page: ExecutionPage; override: React.ReactNode; errors?: FieldErrors; values?: Record<string, unknown>; busy: boolean; duplicate?: { id: number; name: string } }) {
  const { t } = useTranslation(["execution", "common"]);
  const q = page.q;
  const looksLikeName = q && !/\d/.test(q);
  return (
    <details className="walk-in" open={(page.guests.length === 0 && page.nearGuests.length === 0) || !!errors} data-testid="walk-in">
      <summary>{t("walkIn.title")}</summary>
      {page.walkInCandidates.length ? (
        <>
          <h3>{t("walkIn.existing")}</h3>
          <ul className="guest-list">
            {page.walkInCandidates.map((cu) => (
              <li key={cu.id} className="guest">
                <div><span className="who">{cu.name}</span><div className="muted">{[cu.code, cu.phone].filter(Boolean).join(" · ")}</div></div>
                <Form method="post" action={`?q=${encodeURIComponent(q)}#checkin`}>
                  <input type="hidden" name="intent" value="walkin" />
                  <input type="hidden" name="customerId" value={cu.id} />
                  {override}
                  <button type="submit" className="big-button" disabled={busy} aria-label={t("walkIn.registerName", { name: cu.name })}>{t("walkIn.register")}</button>
                </Form>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>{t("walkIn.newCustomer")}</h3>
      <Form method="post" action={`?q=${encodeURIComponent(q)}#checkin`} className="form-grid" data-testid="walk-in-new">
        <input type="hidden" name="intent" value="walkin" />
        <div className="field">
          <label htmlFor="walkin-name">{t("walkIn.name")}</label>
          <input id="walkin-name" name="name" maxLength={60} defaultValue={(values?.name as string) ?? (looksLikeName ? q : "")}
            aria-invalid={errors?.name ? true : undefined} aria-describedby={errors?.name ? "walkin-name-error" : undefined} />
          <ErrorText id="walkin-name-error" message={errors?.name} />
        </div>
        <div className="field">
          <label htmlFor="walkin-phone">{t("walkIn.phone")}</label>
          <input id="walkin-phone" name="phone" type="tel" maxLength={20} required autoComplete="off" inputMode="tel" defaultValue={(values?.phone as string) ?? ""}
            aria-invalid={errors?.phone ? true : undefined} aria-describedby={errors?.phone ? "walkin-phone-error" : undefined} />
          {duplicate
            ? <p className="field-error" id="walkin-phone-error" role="alert">{t("checkin.phoneExists", { name: duplicate.name })}</p>
            : <ErrorText id="walkin-phone-error" message={errors?.phone} />}
        </div>
        {override ? <div className="field">{override}</div> : null}
        <div className="field"><button type="submit" className="big-button" disabled={busy}>{t("walkIn.submit")}</button></div>
      </Form>
      {duplicate ? (
        <Form method="post" action={`?q=${encodeURIComponent(q)}#checkin`} data-testid="walk-in-existing">
          <input type="hidden" name="intent" value="walkin" />
          <input type="hidden" name="customerId" value={duplicate.id} />
          {override}
          <button type="submit" className="big-button" disabled={busy}>{t("checkin.registerExisting", { name: duplicate.name })}</button>
        </Form>
      ) : null}
    </details>
  );
}

function ConversionSection({ page, flash }: { page: ExecutionPage; flash: Flash }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const busy = useNavigation().state === "submitting";
  const order = useActionFor("order");
  const deposit = useActionFor("deposit");
  const chosen = String(order?.values?.arrivalId ?? deposit?.values?.arrivalId ?? flash.arrival ?? "");
  const disabled = !page.mayRecord || page.arrivals.length === 0;
  const arrivalSelect = (id: string, errors?: FieldErrors) => (
    <div className="field">
      <label htmlFor={id}>{t("conversion.arrival")}</label>
      <select id={id} name="arrivalId" defaultValue={chosen} key={chosen} aria-invalid={errors?.arrivalId ? true : undefined} aria-describedby={errors?.arrivalId ? `${id}-error` : undefined}>
        <option value="">{t("conversion.choose")}</option>
        {page.arrivals.map((a) => <option key={a.id} value={a.id}>{a.name} · {f.dateTime(a.arrivedAt)}</option>)}
      </select>
      <ErrorText id={`${id}-error`} message={errors?.arrivalId} />
    </div>
  );
  const err = (e: FieldErrors | undefined, k: string, id: string) => ({
    "aria-invalid": e?.[k] ? true : undefined, "aria-describedby": e?.[k] ? `${id}-error` : undefined,
  });
  return (
    <section className="ex-section" id="conversion" aria-labelledby="conversion-title">
      <h2 id="conversion-title">{t("conversion.title")}</h2>
      {flash.saved === "order" || flash.saved === "deposit" ? <p className="notice" role="status" data-testid="conversion-saved">{t(`conversion.saved.${flash.saved}`)}</p> : null}
      {!page.mayRecord ? <p className="muted">{t("errors.notRecording")}</p> : page.arrivals.length === 0 ? <p className="muted">{t("conversion.noArrivals")}</p> : null}
      <div className="card-grid">
        <Form method="post" action="#conversion" data-testid="order-form">
          <h3>{t("conversion.orderTitle")}</h3>
          <input type="hidden" name="intent" value="order" />
          {order?.formError ? <p className="form-error" role="alert">{t(order.formError as "title")}</p> : null}
          {arrivalSelect("order-arrival", order?.errors)}
          <div className="form-grid">
            <div className="field">
              <label htmlFor="order-line">{t("conversion.line")}</label>
              <select id="order-line" name="line" defaultValue={(order?.values?.line as string) ?? "M"} {...err(order?.errors, "line", "order-line")}>
                {ORDER_LINES.map((l) => <option key={l} value={l}>{t(`common:lines.${l}`)}</option>)}
              </select>
              <ErrorText id="order-line-error" message={order?.errors?.line} />
            </div>
            <div className="field">
              <label htmlFor="order-kind">{t("conversion.kind")}</label>
              <select id="order-kind" name="kind" defaultValue={(order?.values?.kind as string) ?? "package"} {...err(order?.errors, "kind", "order-kind")}>
                {ORDER_KINDS.map((k) => <option key={k} value={k}>{t(`conversion.kinds.${k}`)}</option>)}
              </select>
              <ErrorText id="order-kind-error" message={order?.errors?.kind} />
            </div>
            <div className="field wide">
              <label htmlFor="order-description">{t("conversion.description")}</label>
              <input id="order-description" name="description" maxLength={200} defaultValue={(order?.values?.description as string) ?? ""} {...err(order?.errors, "description", "order-description")} />
              <ErrorText id="order-description-error" message={order?.errors?.description} />
            </div>
            <div className="field">
              <label htmlFor="order-amount">{t("conversion.amount")}</label>
              <input id="order-amount" name="amount" inputMode="decimal" defaultValue={(order?.values?.amount as string) ?? ""} {...err(order?.errors, "amount", "order-amount")} />
              <ErrorText id="order-amount-error" message={order?.errors?.amount} />
            </div>
          </div>
          <button type="submit" disabled={busy || disabled}>{t("conversion.saveOrder")}</button>
        </Form>
        <Form method="post" action="#conversion" data-testid="deposit-form">
          <h3>{t("conversion.depositTitle")}</h3>
          <input type="hidden" name="intent" value="deposit" />
          {deposit?.formError ? <p className="form-error" role="alert">{t(deposit.formError as "title")}</p> : null}
          {arrivalSelect("deposit-arrival", deposit?.errors)}
          <div className="form-grid">
            <div className="field">
              <label htmlFor="deposit-amount">{t("conversion.amount")}</label>
              <input id="deposit-amount" name="amount" inputMode="decimal" defaultValue={(deposit?.values?.amount as string) ?? ""} {...err(deposit?.errors, "amount", "deposit-amount")} />
              <ErrorText id="deposit-amount-error" message={deposit?.errors?.amount} />
            </div>
            <div className="field">
              <label htmlFor="deposit-receipt">{t("conversion.receipt")}</label>
              <input id="deposit-receipt" name="receipt" maxLength={60} defaultValue={(deposit?.values?.receipt as string) ?? ""} />
            </div>
          </div>
          <button type="submit" disabled={busy || disabled}>{t("conversion.saveDeposit")}</button>
        </Form>
      </div>
      <h3>{t("arrivals.title")}</h3>
      {page.arrivals.length ? (
        <div className="table-wrap" tabIndex={0}>
          <table data-testid="arrivals-table">
            <thead><tr><th>{t("arrivals.guest")}</th><th>{t("arrivals.time")}</th><th>{t("arrivals.by")}</th><th>{t("arrivals.kind")}</th><th className="num">{t("arrivals.orders")}</th><th className="num">{t("arrivals.deposits")}</th></tr></thead>
            <tbody>
              {page.arrivals.map((a) => (
                <tr key={a.id}>
                  <td>{a.name}</td>
                  <td>{f.dateTime(a.arrivedAt)}</td>
                  <td>{a.byName ?? "—"}</td>
                  <td>{a.holdout ? t("checkin.holdout") : a.walkIn ? t("checkin.walkIn") : a.kind === "associated" ? t("checkin.associated") : t("arrivals.invited")}{a.override ? ` · ${t("arrivals.override")}` : ""}</td>
                  <td className="num">{a.orders ? f.money(a.ordersFen) : "—"}</td>
                  <td className="num">{a.depositsFen ? f.money(a.depositsFen) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : <p className="muted">{t("conversion.noArrivals")}</p>}
      {page.orders.length ? (
        <>
          <h3>{t("conversion.orders")}</h3>
          <div className="table-wrap" tabIndex={0}>
            <table data-testid="orders-table">
              <thead><tr><th>{t("arrivals.guest")}</th><th>{t("conversion.line")}</th><th>{t("conversion.kind")}</th><th>{t("conversion.description")}</th><th className="num">{t("conversion.amount")}</th><th>{t("arrivals.by")}</th></tr></thead>
              <tbody>
                {page.orders.map((o) => (
                  <tr key={o.id}><td>{o.name}</td><td>{t(`common:lines.${o.line}`)}</td><td>{t(`conversion.kinds.${o.kind}`)}</td><td>{o.description}</td><td className="num">{f.money(o.amount_fen)}</td><td>{o.by_name ?? "—"}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {page.deposits.length ? (
        <>
          <h3>{t("conversion.deposits")}</h3>
          <div className="table-wrap" tabIndex={0}>
            <table data-testid="deposits-table">
              <thead><tr><th>{t("arrivals.guest")}</th><th className="num">{t("conversion.amount")}</th><th>{t("conversion.receipt")}</th><th>{t("arrivals.by")}</th></tr></thead>
              <tbody>
                {page.deposits.map((d) => <tr key={d.id}><td>{d.name}</td><td className="num">{f.money(d.amount_fen)}</td><td>{d.receipt ?? "—"}</td><td>{d.by_name ?? "—"}</td></tr>)}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}

function ChecklistSection({ page, flash }: { page: ExecutionPage; flash: Flash }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const busy = useNavigation().state === "submitting";
  const phases = ["prep", "execution", "wrapup"] as const;
  const result = useActionFor("task");
  return (
    <section className="ex-section" id="checklist" aria-labelledby="checklist-title">
      <h2 id="checklist-title">{t("checklist.title")}</h2>
      {flash.saved === "task" ? <p className="notice" role="status">{t("saved")}</p> : null}
      {result?.formError ? <p className="form-error" role="alert">{t(result.formError as "title")}</p> : null}
      {page.tasks.length === 0 ? <p className="muted">{t("checklist.none")}</p> : null}
      {phases.map((phase) => {
        const tasks = page.tasks.filter((x) => x.phase === phase);
        if (!tasks.length) return null;
        return (
          <div key={phase}>
            <h3>{t(`campaigns:phases.${phase}` as "title")} <span className="muted">({tasks.filter((x) => x.status === "done").length}/{tasks.length})</span></h3>
            <div className="table-wrap" tabIndex={0}>
              <table data-testid={`tasks-${phase}`}>
                <thead><tr><th>{t("checklist.task")}</th><th>{t("checklist.owner")}</th><th>{t("checklist.due")}</th><th>{t("checklist.status")}</th></tr></thead>
                <tbody>
                  {tasks.map((task) => (
                    <tr key={task.id}>
                      <td>{task.title} {task.overdue ? <span className="tag tag-overdue">{t("checklist.overdue")}</span> : null}</td>
                      <td>{task.ownerName ?? t("checklist.noOwner")}</td>
                      <td>{f.date(task.dueDate)}</td>
                      <td>
                        {task.mayChange && c_open(page) ? (
                          <Form method="post" action="#checklist" className="inline-form">
                            <input type="hidden" name="intent" value="task" />
                            <input type="hidden" name="taskId" value={task.id} />
                            <label className="visually-hidden" htmlFor={`task-${task.id}`}>{t("checklist.statusOf", { title: task.title })}</label>
                            <select id={`task-${task.id}`} name="status" defaultValue={result?.values?.taskId === String(task.id) ? String(result.values.status) : task.status}>
                              {(["todo", "doing", "done"] as const).map((s) => <option key={s} value={s}>{t(`campaigns:taskStatuses.${s}` as "title")}</option>)}
                            </select>
                            <button type="submit" className="secondary" disabled={busy} aria-label={t("checklist.saveOf", { title: task.title })}>{t("checklist.save")}</button>
                          </Form>
                        ) : t(`campaigns:taskStatuses.${task.status}` as "title")}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        );
      })}
    </section>
  );
}
const c_open = (page: ExecutionPage) => page.campaign.status !== "closed";

function ReadinessSection({ page }: { page: ExecutionPage }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const busy = useNavigation().state === "submitting";
  const done = page.readiness.filter((r) => r.checked).length;
  const result = useActionFor("readiness");
  return (
    <section className="ex-section" id="readiness" aria-labelledby="readiness-title">
      <h2 id="readiness-title">{t("readiness.title")} <span className="muted">({done}/{page.readiness.length})</span></h2>
      {result?.formError ? <p className="form-error" role="alert">{t(result.formError as "title")}</p> : null}
      <p className="muted">{t("readiness.hint")}</p>
      <ul className="readiness" data-testid="readiness">
        {page.readiness.map((r) => (
          <li key={r.point}>
            <span>
              <strong>{t(`readiness.points.${r.point}`)}</strong><br />
              <span className={r.checked ? "ok" : "muted"}>{r.checked ? t("readiness.readyBy", { by: r.by ?? "—", time: f.dateTime(r.at) }) : t("readiness.notReady")}</span>
            </span>
            {page.mayTickReadiness ? (
              <Form method="post" action="#readiness">
                <input type="hidden" name="intent" value="readiness" />
                <input type="hidden" name="point" value={r.point} />
                <input type="hidden" name="checked" value={r.checked ? "0" : "1"} />
                <button type="submit" className={r.checked ? "secondary" : undefined} disabled={busy}
                  aria-label={t(r.checked ? "readiness.undoOf" : "readiness.markOf", { point: t(`readiness.points.${r.point}`) })}>
                  {r.checked ? t("readiness.undo") : t("readiness.mark")}
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function CostsSection({ page, flash }: { page: ExecutionPage; flash: Flash }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const busy = useNavigation().state === "submitting";
  const result = useActionFor("actuals");
  const missing = page.budget.filter((l) => l.actualFen === null).length;
  const planned = page.budget.reduce((s, l) => s + l.amountFen, 0);
  const actual = page.budget.reduce((s, l) => s + (l.actualFen ?? 0), 0);
  return (
    <section className="ex-section" id="costs" aria-labelledby="costs-title">
      <h2 id="costs-title">{t("costs.title")}</h2>
      {flash.saved === "actuals" ? <p className="notice" role="status" data-testid="costs-saved">{t("saved")}</p> : null}
      {result?.formError ? <p className="form-error" role="alert">{t(result.formError as "title")}</p> : null}
      <p data-testid="costs-summary">{t("costs.summary", { planned: f.money(planned), actual: f.money(actual) })} {missing ? <span className="bad">{t("costs.missingCount", { count: missing })}</span> : null}</p>
      {page.budget.length === 0 ? <p className="muted">{t("costs.none")}</p> : (
        <Form method="post" action="#costs" data-testid="costs-form">
          <input type="hidden" name="intent" value="actuals" />
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead><tr><th>{t("costs.line")}</th><th>{t("costs.payer")}</th><th className="num">{t("costs.planned")}</th><th>{t("costs.actual")}</th><th>{t("costs.note")}</th></tr></thead>
              <tbody>
                {page.budget.map((l, i) => {
                  const e = result?.errors?.[`lines.${i}.actual`];
                  const v = result?.values as Record<string, string> | undefined;
                  return (
                    <tr key={l.id}>
                      <td>{t(`campaigns:categories.${l.category}` as "title")}{l.description ? ` · ${l.description}` : ""} {l.actualFen === null ? <span className="tag tag-overdue">{t("costs.missing")}</span> : null}</td>
                      <td>{t(`campaigns:payers.${l.payer}` as "title")}</td>
                      <td className="num">{f.money(l.amountFen)}</td>
                      <td>
                        <input type="hidden" name={`lines.${i}.id`} value={l.id} />
                        <label className="visually-hidden" htmlFor={`actual-${l.id}`}>{t("costs.actualOf", { line: l.description || t(`campaigns:categories.${l.category}` as "title") })}</label>
                        <input id={`actual-${l.id}`} name={`lines.${i}.actual`} inputMode="decimal" size={10}
                          defaultValue={v?.[`lines.${i}.actual`] ?? (l.actualFen === null ? "" : fenToYuanText(l.actualFen))}
                          aria-invalid={e ? true : undefined} aria-describedby={e ? `actual-${l.id}-error` : undefined} disabled={!page.mayRecord} />
                        <ErrorText id={`actual-${l.id}-error`} message={e} />
                      </td>
                      <td>
                        <label className="visually-hidden" htmlFor={`note-${l.id}`}>{t("costs.noteOf", { line: l.description || t(`campaigns:categories.${l.category}` as "title") })}</label>
                        <input id={`note-${l.id}`} name={`lines.${i}.note`} maxLength={200} defaultValue={v?.[`lines.${i}.note`] ?? l.actualNote ?? ""} disabled={!page.mayRecord} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p><button type="submit" disabled={busy || !page.mayRecord}>{t("costs.save")}</button></p>
        </Form>
      )}
    </section>
  );
}

function ScoresSection({ page, flash }: { page: ExecutionPage; flash: Flash }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const busy = useNavigation().state === "submitting";
  const result = useActionFor("score");
  return (
    <section className="ex-section" id="scores" aria-labelledby="scores-title">
      <h2 id="scores-title">{t("scores.title")}</h2>
      {flash.saved === "score" ? <p className="notice" role="status" data-testid="scores-saved">{t("saved")}</p> : null}
      <div className="card-grid">
        {page.scores.map((s) => {
          const mine = result?.values?.touchpoint === s.touchpoint ? result : undefined;
          const sent = mine?.values;
          const sentIndicators = sent ? ([] as unknown[]).concat(sent.indicators ?? []).map(String) : null;
          const id = `tp-${s.touchpoint}`;
          return (
            <Form method="post" action="#scores" key={s.touchpoint} data-testid={`score-${s.touchpoint}`}>
              <h3 id={`${id}-title`}>{t(`scores.touchpoints.${s.touchpoint}`)}</h3>
              <p className="muted">{s.score ? t("scores.current", { score: s.score, by: s.by ?? "—", time: f.dateTime(s.at) }) : t("scores.notScored")}</p>
              {mine?.formError ? <p className="form-error" role="alert">{t(mine.formError as "title")}</p> : null}
              <input type="hidden" name="intent" value="score" />
              <input type="hidden" name="touchpoint" value={s.touchpoint} />
              <fieldset className="score-scale" aria-describedby={mine?.errors?.score ? `${id}-score-error` : undefined}>
                <legend>{t("scores.score")}</legend>
                {[1, 2, 3, 4, 5].map((n) => (
                  <label key={n}><input type="radio" name="score" value={n} defaultChecked={sent ? String(sent.score) === String(n) : s.score === n} disabled={!page.mayRecord} /> {n}</label>
                ))}
              </fieldset>
              <ErrorText id={`${id}-score-error`} message={mine?.errors?.score} />
              <fieldset className="checks">
                <legend>{t("scores.indicators")}</legend>
                {s.indicators.map((ind) => (
                  <label key={ind}><input type="checkbox" name="indicators" value={ind} defaultChecked={sentIndicators ? sentIndicators.includes(ind) : s.checked.includes(ind)} disabled={!page.mayRecord} /> {t(`scores.indicator.${ind}`)}</label>
                ))}
              </fieldset>
              <div className="field">
                <label htmlFor={`${id}-notes`}>{t("scores.notes")}</label>
                <textarea id={`${id}-notes`} name="notes" rows={2} maxLength={1000} defaultValue={sent ? String(sent.notes ?? "") : s.notes ?? ""} disabled={!page.mayRecord} />
              </div>
              <button type="submit" disabled={busy || !page.mayRecord} aria-label={t("scores.saveOf", { touchpoint: t(`scores.touchpoints.${s.touchpoint}`) })}>{t("scores.save")}</button>
            </Form>
          );
        })}
      </div>
    </section>
  );
}
