import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { NoShowList } from "~/components/no-shows/no-show-list";
import { CampaignNotFound } from "~/models/campaign.server";
import { InvitationRefused } from "~/models/invitation.server";
import { listNoShows, NoShowStep, recordNoShowStep } from "~/models/no-shows.server";
import { formFailure } from "~/utils/action.server";
import { getDb } from "~/utils/db.server";
import { badRequest, notFound, IdParam, readForm } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { requireUser } from "~/utils/session.server";

/** GET/POST /campaigns/:id/no-shows — the no-show follow-up list (爽约回访, issue 15). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const id = IdParam.safeParse(params.id);
  if (!id.success) notFound();
  try {
    return json(await listNoShows(getDb(), { storeId: ctx.store.id, campaignId: id.data, actor: { id: ctx.user.id, role: ctx.user.role } }));
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    throw e;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request);
  const id = IdParam.safeParse(params.id);
  if (!id.success) notFound();
  const values = Object.fromEntries([...(await readForm(request)).entries()].map(([k, v]) => [k, String(v)]));
  const parsed = NoShowStep.safeParse(values);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const i of parsed.error.issues) errors[String(i.path[0] ?? "_form")] ??= i.message.startsWith("noShows:") ? i.message : "noShows:errors.outcome";
    return formFailure(400, { errors, values });
  }
  try {
    await recordNoShowStep(getDb(), { storeId: ctx.store.id, campaignId: id.data, actor: { id: ctx.user.id, role: ctx.user.role }, input: parsed.data });
    return json({ errors: null, values: null });
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    if (e instanceof InvitationRefused) return formFailure(e.status, { errors: { [e.field]: e.messageKey }, formError: e.field === "_form" ? e.messageKey : null, values });
    throw e;
  }
}

export const meta = pageTitle<{ campaign: { name: string } }>("noShows:title", (d) => d.campaign.name);

export default function NoShowsRoute() {
  const { t } = useTranslation("noShows");
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as { errors: Record<string, string> | null; values: Record<string, string> | null } | undefined;
  return (
    <>
      <p><Link to={`/campaigns/${data.campaign.id}/review`}>{data.campaign.name}</Link></p>
      <h1>{t("title")}</h1>
      {!data.over ? <p className="muted" data-testid="no-shows-not-over">{t("notOver")}</p> : (
        <>
          <p className="muted">{t("intro", { dueOn: data.dueOn ?? "—" })}</p>
          <NoShowList rows={data.rows} later={data.later} errors={result?.errors ?? null} values={result?.values ?? null} />
        </>
      )}
    </>
  );
}
