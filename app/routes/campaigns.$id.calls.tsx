import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import styles from "~/components/board/board.css";
import { InvitationNav, ScriptPanel } from "~/components/board/nav";
import { ResultFields } from "~/components/board/result-fields";
import { QuickLeadTags } from "~/components/leads/quick-lead";
import { CardHidden } from "~/components/board/card-hidden";
import { failureMessage } from "~/components/board/failure";
import { DateTimeField } from "~/components/ui/field";
import { useFormFailure } from "~/components/ui/use-form-failure";
import { getCardHistory, getNextCall, type HistoryEntry } from "~/models/invitation-board.server";
import { MIN_ATTEMPTS } from "~/models/invitation.constants";
import { getDb } from "~/utils/db.server";
import { actionFailure } from "~/utils/action.server";
import { cardFormAction } from "~/utils/invitation-actions.server";
import { actorOf, CallsQuery, campaignIdParam } from "~/utils/invitation-http.server";
import { parseQuery } from "~/utils/query";
import { pageTitle } from "~/utils/meta";
import { useFormat } from "~/utils/use-format";
import { isManager, requireUser } from "~/utils/session.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const campaignId = campaignIdParam(params);
  const { invitation: invitationId } = parseQuery(CallsQuery, request);
  try {
    const data = await getNextCall(getDb(), { storeId: ctx.store.id, campaignId, actor: actorOf(ctx), timeZone: ctx.store.timezone, invitationId });
    const history = data.card ? await getCardHistory(getDb(), { storeId: ctx.store.id, campaignId, invitationId: data.card.id }) : [];
    return json({ ...data, history, opened: invitationId !== null, manager: isManager(ctx) });
  } catch (e) {
    throw actionFailure(e);
  }
}

export async function action(args: ActionFunctionArgs) {
  const done = await cardFormAction(args);
  if (done instanceof Response) return done;
  // A card opened by its id (from the board) stays open with its new state; the workbench
  // queue moves on to the next call.
  const { invitation } = parseQuery(CallsQuery, args.request);
  return redirect(invitation ? `/campaigns/${done.campaignId}/calls?invitation=${invitation}&saved=1` : `/campaigns/${done.campaignId}/calls`);
}

export const meta = pageTitle<SerializeFrom<typeof loader>>("invitations:title.calls", (d) => d?.campaign.name);

export default function CallsPage() {
  const data = useLoaderData<typeof loader>();
  const failed = useFormFailure();
  const attemptFailed = useFormFailure("attempt");
  const { t } = useTranslation(["invitations", "common"]);
  const f = useFormat();
  const { card, customer } = data;
  const hidden = card ? <CardHidden intent="attempt" card={card} /> : null;
  /** the refused attempt form of this outcome: its errors and what it sent */
  const valuesFor = (outcome: string) => (attemptFailed?.values.outcome === outcome ? attemptFailed : undefined);
  const [search] = useSearchParams();
  /** a history value in words: labels for keys, names for people, money for amounts */
  const describe = (e: HistoryEntry, value: string | null, label: string | null) => {
    if (value === null || value === "") return "—";
    switch (e.field) {
      case "result": return t(`columns.${value}` as "columns.yes", { defaultValue: value });
      case "outcome": return t(`outcomes.${value}` as "outcomes.yes", { defaultValue: value });
      case "loss_reason": return t(`lossReasons.${value}` as "lossReasons.price", { defaultValue: value });
      case "kind": return t(`kinds.${value}` as "kinds.associated", { defaultValue: value });
      case "deposit_fen": return f.money(Number(value));
      case "intent_verified": case "manager_joins": return t(value === "1" || value === "true" ? "history.yes" : "history.no");
      case "round_id": return label ? t("filters.roundN", { n: label }) : value;
      case "assignee_id": case "loss_verified_by": case "intent_verified_by": return label ?? "—";
      case "callback_at": return value.replace("T", " ");
      case "loss_verified_at": case "intent_verified_at": return f.dateTime(value);
      default: return value;
    }
  };
  return (
    <div>
      <h1>{t("title.calls")} · {data.campaign.name}</h1>
      <InvitationNav campaignId={data.campaign.id} manager={data.manager} current="calls" />
      <ScriptPanel script={data.campaign.script} confirmed={data.scriptConfirmed} />
      {data.opened ? <p><Link to={`/campaigns/${data.campaign.id}/board`}>{t("calls.backToBoard")}</Link></p> : null}
      {search.get("saved") && !failed ? <p className="notice" role="status" data-testid="call-saved">{t("calls.saved")}</p> : null}
      {failed ? <p className="form-error" role="alert">{t(failureMessage(failed) as "errors.required")}</p> : null}
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
              <dt>{t("calls.result")}</dt><dd>{t(`columns.${card.result}`)} · <span className={card.attempts < MIN_ATTEMPTS ? "badge badge-warn" : "badge"}>{t("board.attempts", { n: card.attempts })}</span>
                {card.result === "yes" ? <> · <span className={card.intentVerified ? "badge" : "badge badge-warn"} data-testid="intent-status">{t(card.intentVerified ? "board.intentVerified" : "board.intentUnverified")}</span></> : null}</dd>
              {card.depositFen ? <><dt>{t("form.deposit")}</dt><dd>{f.money(card.depositFen)}</dd></> : null}
              {card.callbackAt ? <><dt>{t("form.callbackAt")}</dt><dd>{card.callbackAt.replace("T", " ")}</dd></> : null}
              {card.nextFollowUp ? <><dt>{t("form.nextFollowUp")}</dt><dd>{f.date(card.nextFollowUp)}</dd></> : null}
            </dl>
            <h3>{t("calls.visits")}</h3>
            {customer.visits.length ? (
              <ul>{customer.visits.map((v, i) => <li key={i}>{f.date(v.visit_date)} · {t(`common:visitTypes.${v.type}` as "common:visitTypes.maintenance", { defaultValue: v.type })} · {f.money(v.amount_fen)}</li>)}</ul>
            ) : <p className="muted">{t("calls.noVisits")}</p>}
            <QuickLeadTags key={card.id} invitationId={card.id} source="calls" label={card.name} />
          </section>
          {/* Keyed by the card and its version: the next customer (or this one after a save)
              gets empty forms, never the answers typed for the previous one. */}
          <section className="panel" aria-labelledby="log-title" key={`${card.id}:${card.version}`} data-testid="call-forms">
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
                  <DateTimeField id="cb-at" name="callbackAt" label={t("form.callbackAt")} failure={valuesFor("callback")} />
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
              <div className="table-wrap" tabIndex={0} role="region" aria-label={t("calls.history")}>
                <table>
                  <thead><tr><th scope="col">{t("calls.at")}</th><th scope="col">{t("form.outcome")}</th><th scope="col">{t("calls.by")}</th><th scope="col">{t("form.note")}</th></tr></thead>
                  <tbody>
                    {data.attempts.map((a) => (
                      <tr key={a.id}>
                        <td>{f.dateTime(a.at)}</td>
                        <td>{t(`outcomes.${a.outcome}`)}{a.callback_at ? ` · ${a.callback_at.replace("T", " ")}` : ""}</td>
                        <td>{a.user_name ?? (a.channel === "self" ? t("calls.customerSelf") : "—")}</td>
                        <td>{a.note ?? ""}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : <p className="muted">{t("calls.noHistory")}</p>}
            {data.manager && card.result === "yes" && !card.intentVerified ? (
              <Form method="post">
                <fieldset>
                  <legend>{t("calls.verifyIntentTitle")}</legend>
                  <CardHidden intent="verify_intent" card={card} />
                  <p>{t("calls.verifyIntentHint")}</p>
                  <button type="submit">{t("form.verifyIntent")}</button>
                </fieldset>
              </Form>
            ) : null}
            {data.manager && card.result === "no" && !card.lossVerified ? (
              <Form method="post">
                <fieldset>
                  <legend>{t("calls.verifyTitle")}</legend>
                  <CardHidden intent="verify_loss" card={card} />
                  <p>{card.lossReason ? t(`lossReasons.${card.lossReason}`) : null}</p>
                  <button type="submit">{t("form.verifyLoss")}</button>
                </fieldset>
              </Form>
            ) : null}
          </section>
          <section className="panel inv-history" aria-labelledby="history-title" data-testid="card-history">
            <h2 id="history-title">{t("history.title")}</h2>
            {data.history.length ? (
              <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="history-title">
                <table>
                  <thead><tr><th scope="col">{t("history.at")}</th><th scope="col">{t("history.by")}</th><th scope="col">{t("history.change")}</th><th scope="col">{t("history.from")}</th><th scope="col">{t("history.to")}</th></tr></thead>
                  <tbody>
                    {data.history.map((e) => (
                      <tr key={e.id} data-field={e.field ?? ""}>
                        <td>{f.dateTime(e.at)}</td>
                        <td>{e.by ?? (e.self ? t("calls.customerSelf") : "—")}</td>
                        <td>{t(`history.fields.${e.field ?? "outcome"}` as "history.fields.result", { defaultValue: e.field ?? e.kind })}</td>
                        <td>{describe(e, e.from, e.fromLabel)}</td>
                        <td>{describe(e, e.to, e.toLabel)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : <p className="muted">{t("history.none")}</p>}
          </section>
        </div>
      )}
    </div>
  );
}
