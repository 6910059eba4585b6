import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import styles from "~/components/board/board.css";
import { InvitationNav, ScriptPanel } from "~/components/board/nav";
import { ResultFields } from "~/components/board/result-fields";
import { ErrorText } from "~/components/ui/field";
import { getNextCall } from "~/models/invitation-board.server";
import { MIN_ATTEMPTS } from "~/models/invitation.constants";
import { confirmScript, recordAttempt } from "~/models/invitation.server";
import { getDb } from "~/utils/db.server";
import { formDataToObject, parseObject } from "~/utils/form";
import { actorOf, BoardFormSchema, campaignIdParam, failure, refusalResponse } from "~/utils/invitation-http.server";
import { pageTitle } from "~/utils/meta";
import { useFormat } from "~/utils/use-format";
import { isManager, requireUser } from "~/utils/session.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const campaignId = campaignIdParam(params);
  const requested = new URL(request.url).searchParams.get("invitation");
  const invitationId = requested && /^\d{1,12}$/.test(requested) ? Number(requested) : null;
  try {
    const data = await getNextCall(getDb(), { storeId: ctx.store.id, campaignId, actor: actorOf(ctx), timeZone: ctx.store.timezone, invitationId });
    return json({ ...data, manager: isManager(ctx) });
  } catch (e) {
    throw refusalResponse(e, {});
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request);
  const campaignId = campaignIdParam(params);
  const raw = formDataToObject(await request.formData());
  const parsed = parseObject(BoardFormSchema, raw);
  const invitationId = Number(raw.invitationId) || null;
  if (!parsed.ok) return failure(400, { formError: "invitations:errors.required", errors: parsed.errors, values: raw, invitationId });
  const args = { storeId: ctx.store.id, campaignId, actor: actorOf(ctx) };
  try {
    const input = parsed.data;
    if (input.intent === "confirm_script") await confirmScript(getDb(), args);
    else if (input.intent === "attempt") await recordAttempt(getDb(), { ...args, input: input.attempt });
    else return failure(400, { formError: "invitations:errors.intent", errors: {}, values: raw, invitationId });
  } catch (e) {
    return refusalResponse(e, raw, invitationId);
  }
  return redirect(`/campaigns/${campaignId}/calls`);
}

export const meta = pageTitle<SerializeFrom<typeof loader>>("invitations:title.calls", (d) => d?.campaign.name);

export default function CallsPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation(["invitations", "common"]);
  const f = useFormat();
  const { card, customer } = data;
  const failed = actionData && !actionData.ok ? actionData : null;
  const hidden = card ? (
    <>
      <input type="hidden" name="intent" value="attempt" />
      <input type="hidden" name="invitationId" value={card.id} />
      <input type="hidden" name="version" value={card.version} />
    </>
  ) : null;
  const valuesFor = (outcome: string) => (failed?.values?.outcome === outcome ? failed : null);
  return (
    <div>
      <h1>{t("title.calls")} · {data.campaign.name}</h1>
      <InvitationNav campaignId={data.campaign.id} manager={data.manager} current="calls" />
      <ScriptPanel script={data.campaign.script} confirmed={data.scriptConfirmed} />
      {failed ? <p className="form-error" role="alert">{t(failed.formError as "errors.required")}</p> : null}
      <p className="muted" data-testid="queue-remaining">{t("calls.remaining", { count: data.remaining })}</p>
      {!card || !customer ? <p className="notice">{t("calls.none")}</p> : (
        <div className="inv-workbench" data-testid="call-card" data-invitation-id={card.id}>
          <section className="panel" aria-labelledby="customer-title">
            <h2 id="customer-title">{t("calls.customer")}: {card.name}</h2>
            <dl className="summary">
              <dt>{t("calls.phone")}</dt><dd>{card.phone ? <a href={`tel:${card.phone}`}>{card.phone}</a> : "—"}</dd>
              <dt>{t("calls.code")}</dt><dd>{customer.code}</dd>
              <dt>{t("calls.vehicles")}</dt><dd>{card.vehicles.map((v) => [v.plate, v.model].filter(Boolean).join(" ")).join(" · ") || "—"}</dd>
              <dt>{t("filters.group")}</dt><dd>{card.group ? `${t("common:groupLabel", { n: card.group })} · ${t(`common:groups.${card.group}.name` as "common:groups.1.name")} — ${t(`common:groups.${card.group}.tactic` as "common:groups.1.tactic")}` : "—"}</dd>
              <dt>{t("calls.result")}</dt><dd>{t(`columns.${card.result}`)} · <span className={card.attempts < MIN_ATTEMPTS ? "badge badge-warn" : "badge"}>{t("board.attempts", { n: card.attempts })}</span></dd>
              {card.callbackAt ? <><dt>{t("form.callbackAt")}</dt><dd>{card.callbackAt.replace("T", " ")}</dd></> : null}
              {card.nextFollowUp ? <><dt>{t("form.nextFollowUp")}</dt><dd>{f.date(card.nextFollowUp)}</dd></> : null}
            </dl>
            <h3>{t("calls.visits")}</h3>
            {customer.visits.length ? (
              <ul>{customer.visits.map((v, i) => <li key={i}>{f.date(v.visit_date)} · {t(`common:visitTypes.${v.type}` as "common:visitTypes.maintenance", { defaultValue: v.type })} · {f.money(v.amount_fen)}</li>)}</ul>
            ) : <p className="muted">{t("calls.noVisits")}</p>}
          </section>
          <section className="panel" aria-labelledby="log-title">
            <h2 id="log-title">{t("calls.outcomes")}</h2>
            <h3>{t("calls.oneClick")}</h3>
            <div className="inv-outcomes">
              {(["no_answer", "wrong_number"] as const).map((o) => (
                <Form method="post" key={o}>
                  {hidden}
                  <input type="hidden" name="outcome" value={o} />
                  <button type="submit" className="secondary">{t(`outcomes.${o}`)}</button>
                </Form>
              ))}
            </div>
            <h3>{t("calls.withDetails")}</h3>
            <div className="inv-outcome-forms">
              <Form method="post">
                <fieldset>
                  <legend>{t("outcomes.callback")}</legend>
                  {hidden}
                  <input type="hidden" name="outcome" value="callback" />
                  <div className="field">
                    <label htmlFor="cb-at">{t("form.callbackAt")}</label>
                    <input id="cb-at" name="callbackAt" type="datetime-local" aria-describedby={valuesFor("callback")?.errors.callbackAt ? "cb-at-error" : undefined} />
                    <ErrorText id="cb-at-error" message={valuesFor("callback")?.errors.callbackAt} />
                  </div>
                  <button type="submit">{t("outcomes.callback")}</button>
                </fieldset>
              </Form>
              {(["yes", "maybe", "no"] as const).map((o) => (
                <Form method="post" key={o}>
                  <fieldset>
                    <legend>{t(`outcomes.${o}`)}</legend>
                    {hidden}
                    <ResultFields idPrefix={`call-${o}`} column={o} errors={valuesFor(o)?.errors} values={valuesFor(o)?.values} showChannel={false} />
                    <button type="submit">{t(`outcomes.${o}`)}</button>
                  </fieldset>
                </Form>
              ))}
            </div>
            <h3>{t("calls.history")}</h3>
            {data.attempts.length ? (
              <div className="table-wrap">
                <table>
                  <thead><tr><th scope="col">{t("calls.at")}</th><th scope="col">{t("form.outcome")}</th><th scope="col">{t("calls.by")}</th><th scope="col">{t("form.note")}</th></tr></thead>
                  <tbody>
                    {data.attempts.map((a) => (
                      <tr key={a.id}>
                        <td>{f.dateTime(a.at)}</td>
                        <td>{t(`outcomes.${a.outcome}`)}{a.callback_at ? ` · ${a.callback_at.replace("T", " ")}` : ""}</td>
                        <td>{a.user_name ?? "—"}</td>
                        <td>{a.note ?? ""}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : <p className="muted">{t("calls.noHistory")}</p>}
          </section>
        </div>
      )}
    </div>
  );
}
