import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { QuickLeadTags } from "~/components/leads/quick-lead";
import { LEAD_SOURCES, QuickLeadSchema, type LeadSource } from "~/models/lead.schema";
import { createLead, getLeadOrigin } from "~/models/lead.server";
import { ErrorPage } from "~/root";
import { formFailure } from "~/utils/action.server";
import { getDb } from "~/utils/db.server";
import { formDataToObject, parseObject } from "~/utils/form";
import { isStorageFailure, notFound, readForm, safeRedirect, storageFailure } from "~/utils/http.server";
import { leadActorOf, leadRefusal } from "~/utils/lead-http.server";
import { pageTitle } from "~/utils/meta";
import { requireUser } from "~/utils/session.server";

const idOf = (v: string | null) => (v && /^[1-9]\d{0,9}$/.test(v) ? Number(v) : null);

/** The two-tap page (from a board card or the order form): the guest and the interest tags. */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const url = new URL(request.url);
  const invitationId = idOf(url.searchParams.get("invitationId"));
  const customerId = idOf(url.searchParams.get("customerId"));
  if (!invitationId && !customerId) throw redirect("/leads");
  const origin = await getLeadOrigin(getDb(), { storeId: ctx.store.id, invitationId, customerId }).catch(() => notFound());
  const source = url.searchParams.get("source");
  return json({
    name: origin.name, invitationId, customerId,
    source: (LEAD_SOURCES as readonly string[]).includes(source ?? "") ? (source as LeadSource) : "card",
    back: safeRedirect(url.searchParams.get("back"), "/leads"),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireUser(request);
  const values = formDataToObject(await readForm(request));
  const parsed = parseObject(QuickLeadSchema, values);
  if (!parsed.ok) return formFailure(400, { formError: Object.values(parsed.errors)[0] ?? "leads:errors.required", errors: parsed.errors, values });
  try {
    const r = await createLead(getDb(), { storeId: ctx.store.id, actor: leadActorOf(ctx), input: parsed.data });
    return json({ ok: true as const, created: r.created, id: r.id, kind: parsed.data.kind, ownerName: r.ownerName, department: r.department, customerName: r.customerName });
  } catch (e) {
    if (isStorageFailure(e)) return storageFailure(e, { intent: "", errors: {}, values });
    return leadRefusal(e, values);
  }
}

export const meta = pageTitle("leads:quick.title");

export default function QuickLeadPage() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { t } = useTranslation("leads");
  return (
    <>
      <h1>{t("quick.title")}</h1>
      <p>{t("quick.for", { name: data.name })}</p>
      {answer ? (
        "ok" in answer
          ? <p className="notice" role="status">{t(answer.created ? "quick.created" : "quick.alreadyOpen", { kind: t(`kinds.${answer.kind}` as "kinds.other"), owner: answer.ownerName, department: t(`departments.${answer.department}` as "departments.sales") })}</p>
          : <p className="form-error" role="alert">{t(answer.formError as "quick.title")}</p>
      ) : null}
      <QuickLeadTags invitationId={data.invitationId ?? undefined} customerId={data.customerId ?? undefined} source={data.source} label={t("quick.for", { name: data.name })} />
      <p><Link to={data.back}>{t("quick.back")}</Link></p>
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
