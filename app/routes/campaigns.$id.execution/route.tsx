import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import styles from "~/components/charts/execution.css";
import { StatusBadge, useLocalDateTime } from "~/components/plan/plan-summary";
import planStyles from "~/components/plan/plan.css";
import { CampaignNotFound } from "~/models/campaign.server";
import { checkIn, CustomerExists, registerWalkIn } from "~/models/checkin.server";
import { AlreadyCheckedIn, ExecutionRefused } from "~/models/execution-errors";
import type { ExecutionFlashValues as Flash, ExecutionIntent } from "~/models/execution.schema";
import { CheckinQuery, ExecutionAction, ExecutionFlash } from "~/models/execution-forms.server";
import {
  getExecutionPage, recordDeposit, recordOrder, saveActualCosts, saveTouchpointScore, setReadiness, setTaskStatus, type ExecutionPage,
} from "~/models/execution.server";
import { getDb } from "~/utils/db.server";
import { parseFormData } from "~/utils/form";
import { notFound, IdParam, storageFailure, submittedValues, readForm } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { requireUser } from "~/utils/session.server";
import type { ActionData } from "./action-data";
import { CheckinSection } from "./checkin";
import { ChecklistSection, ReadinessSection } from "./checklist";
import { ConversionSection } from "./conversion";
import { CostsSection, ScoresSection } from "./costs";

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

