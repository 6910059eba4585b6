import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { numeric } from "~/models/fields";
import styles from "~/components/charts/execution.css";
import { CampaignNotFound } from "~/models/campaign.server";
import { listInvitationCodes } from "~/models/checkin.server";
import { formatCode } from "~/models/invitation-code";
import { useFormat } from "~/utils/use-format";
import { qrSvg } from "~/models/invitation-qr.server";
import { getDb } from "~/utils/db.server";
import { notFound, IdParam } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { requireUser } from "~/utils/session.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

const Id = IdParam;
const Page = numeric(z.number().int().min(1).max(100_000)).catch(1);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const id = Id.safeParse(params.id);
  if (!id.success) notFound();
  const page = Page.parse(new URL(request.url).searchParams.get("page") ?? "1");
  try {
    const list = await listInvitationCodes(getDb(), { storeId: ctx.store.id, campaignId: id.data, actor: { id: ctx.user.id, role: ctx.user.role }, page });
    const rows = await Promise.all(list.rows.map(async (r) => ({ ...r, qr: await qrSvg(r.code) })));
    return json({ ...list, rows });
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    throw e;
  }
}

export const meta = pageTitle<{ campaign: { name: string } }>("execution:codes.title", (d) => d.campaign.name);

export default function CodesRoute() {
  const { t } = useTranslation(["execution", "common"]);
  const data = useLoaderData<typeof loader>();
  const local = useFormat().localDateTime;
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  return (
    <>
      <p className="no-print"><Link to={`/campaigns/${data.campaign.id}/execution`}>{t("title")}</Link></p>
      <h1>{t("codes.title")}: {data.campaign.name}</h1>
      <p className="muted">{t("codes.hint", { time: local(data.campaign.eventStart), venue: data.campaign.venue ?? "—" })}</p>
      <p className="no-print"><button type="button" className="secondary" onClick={() => window.print()}>{t("review.print")}</button> <span className="muted">{t("codes.count", { count: data.total })}</span></p>
      {data.rows.length === 0 ? <p className="muted">{t("codes.none")}</p> : (
        <ul className="qr-list" data-testid="codes">
          {data.rows.map((r) => (
            <li key={r.invitationId}>
              <div className="qr" role="img" aria-label={t("codes.qrOf", { code: formatCode(r.code) })} dangerouslySetInnerHTML={{ __html: r.qr }} />
              <div className="code" data-testid="invitation-code">{formatCode(r.code)}</div>
              <div>{r.name}</div>
              <div className="muted">{r.phone ?? ""}</div>
            </li>
          ))}
        </ul>
      )}
      {pages > 1 ? (
        <nav className="row no-print" aria-label={t("common:pagination.page", { page: data.page, pages })}>
          {data.page > 1 ? <Link to={`?page=${data.page - 1}`}>{t("common:pagination.previous")}</Link> : null}
          <span>{t("common:pagination.page", { page: data.page, pages })}</span>
          {data.page < pages ? <Link to={`?page=${data.page + 1}`}>{t("common:pagination.next")}</Link> : null}
        </nav>
      ) : null}
    </>
  );
}
