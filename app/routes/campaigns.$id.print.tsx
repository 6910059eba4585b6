import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { PlanSummary, StatusBadge } from "~/components/plan/plan-summary";
import styles from "~/components/plan/plan.css";
import { loadCampaignPage } from "~/models/campaign-pages.server";
import { CampaignNotFound } from "~/models/campaign.server";
import { getDb } from "~/utils/db.server";
import { notFound, IdParam } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { useFormat } from "~/utils/use-format";
import { requireUser } from "~/utils/session.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

const Id = IdParam;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const id = Id.safeParse(params.id);
  if (!id.success) notFound();
  try {
    const page = await loadCampaignPage(getDb(), { storeId: ctx.store.id, id: id.data, actor: { id: ctx.user.id, role: ctx.user.role } });
    const approval = [...page.detail.history].reverse().find((h) => h.kind === "status" && h.new_value === "approved");
    return json({ detail: page.detail, audience: page.audience, storeName: ctx.store.name, approvedBy: approval?.user_name ?? null, approvedAt: approval?.at ?? null });
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    throw e;
  }
}

export const meta = pageTitle<{ detail: { campaign: { name: string } } }>("campaigns:printTitle", (d) => d.detail.campaign.name);

/** The whole plan on one or two A4 pages for sign-off (print CSS in plan.css). */
export default function CampaignPrint() {
  const { t } = useTranslation(["campaigns", "common"]);
  const data = useLoaderData<typeof loader>();
  const f = useFormat();
  const c = data.detail.campaign;
  return (
    <article className="print-page" data-testid="print-view">
      <p className="no-print row">
        <Link to={`/campaigns/${c.id}`}>{t("campaigns:print.back")}</Link>
        <button type="button" onClick={() => window.print()}>{t("campaigns:print.print")}</button>
      </p>
      <p className="muted">{data.storeName} · {t("campaigns:printTitle")}</p>
      <h1>{c.name} <StatusBadge status={c.status} /></h1>
      <p>
        {t("campaigns:fields.author")}: {data.detail.authorName ?? "—"} · {t("campaigns:fields.owner")}: {data.detail.ownerName ?? "—"} ·{" "}
        {t("campaigns:home.version", { version: c.version, at: f.dateTime(c.updated_at), name: data.detail.updatedByName ?? "—" })}
      </p>
      <PlanSummary detail={data.detail} audience={data.audience} idPrefix="print" />
      <section className="plan-section" aria-labelledby="sign-off">
        <h2 id="sign-off">{t("campaigns:print.signOff")}</h2>
        <div className="sign-off">
          <div>{t("campaigns:print.preparedBy")}: {data.detail.authorName ?? ""}</div>
          <div>{t("campaigns:print.approvedBy")}: {data.approvedBy ?? ""}</div>
          <div>{t("campaigns:print.date")}: {data.approvedAt ? f.dateTime(data.approvedAt) : ""}</div>
        </div>
      </section>
    </article>
  );
}
