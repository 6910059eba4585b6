import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, isRouteErrorResponse, useLoaderData, useRouteError, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import styles from "~/styles/invite.css";
import { TouchpointSurvey } from "~/components/invite/touchpoint-survey";
import { ErrorText, Field, Select, TextArea } from "~/components/ui/field";
import { useFormFailure } from "~/components/ui/use-form-failure";
import { formatCode } from "~/models/invitation-code";
import { qrSvg } from "~/models/invitation-qr.server";
import { getSurvey } from "~/models/touchpoint-survey.server";
import { getInvitePage, InviteLinkNotFound, InviteRefused, optOutFromInvitation, respondToInvitation, type InvitePage } from "~/models/invitation-link.server";
import { CUSTOMER_LOSS_REASONS, MAX_COMPANIONS, MAX_INVITE_NOTE } from "~/models/invite.constants";
import { ErrorPage } from "~/root";
import { getDb } from "~/utils/db.server";
import { actionFailure, formFailure } from "~/utils/action.server";
import { formDataToObject, parseObject } from "~/utils/form";
import { readForm } from "~/utils/http.server";
import { InviteFormSchema, inviteCheckAddress, inviteCountWrite, inviteMiss } from "~/utils/invite-http.server";
import { pageTitle } from "~/utils/meta";
import { useFormat } from "~/utils/use-format";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
/** The root shows no app header, navigation or signed-in user on this page (decision 017). */
export const handle = { bare: true };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const db = getDb();
  await inviteCheckAddress(db, request, context);
  let page: InvitePage;
  try {
    page = await getInvitePage(db, { token: params.token ?? "" });
  } catch (e) {
    if (e instanceof InviteLinkNotFound) await inviteMiss(db, request, context);
    throw e;
  }
  const [qr, survey] = await Promise.all([page.code ? qrSvg(page.code) : null, getSurvey(db, { token: params.token ?? "" })]);
  return json({ page, qr, survey }, { headers: { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex" } });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const db = getDb();
  const token = params.token ?? "";
  await inviteCheckAddress(db, request, context);
  const values = formDataToObject(await readForm(request));
  // the page's two forms: the answer ("respond") and the opt-out
  const intent = values.intent === "opt_out" ? "opt_out" : "respond";
  const parsed = parseObject(InviteFormSchema, values);
  if (!parsed.ok) return formFailure(400, { intent, formError: "invite:errors.form", errors: parsed.errors, values });
  await inviteCountWrite(db, request, context, token);
  try {
    if (parsed.data.intent === "opt_out") {
      await optOutFromInvitation(db, { token });
      return redirect(`/i/${token}?done=optout`);
    }
    const { intent: _intent, ...answer } = parsed.data;
    await respondToInvitation(db, { token, answer });
    return redirect(`/i/${token}?done=${answer.response}#answer`);
  } catch (e) {
    if (e instanceof InviteLinkNotFound) await inviteMiss(db, request, context);
    return actionFailure(e, { intent, values });
  }
}

export const meta = pageTitle<SerializeFrom<typeof loader>>("invite:title", (d) => d?.page.campaign.theme);

export default function InvitationPage() {
  const { page, qr, survey } = useLoaderData<typeof loader>();
  const { t: tw } = useTranslation("noShows");
  // either form's refusal shows above the answer form; the answer's fields re-render what was sent
  const failure = useFormFailure();
  const [params] = useSearchParams();
  const { t } = useTranslation(["invite", "common"]);
  const f = useFormat();
  const c = page.campaign;
  const when = (v: string | null) => (v ? `${f.date(v.slice(0, 10))} ${v.slice(11, 16)}`.trim() : "—");
  const greeting = page.greeting.kind === "title"
    ? t(`greeting.${page.greeting.title}`, { surname: page.greeting.surname })
    : t("greeting.name", { name: page.greeting.name });
  const done = params.get("done");
  const answeredResult = page.answered || page.result !== "pending" ? page.result : null;
  return (
    <article className="invite">
      <p className="invite-store" data-testid="invite-store">{page.store}</p>
      <h1>{c.theme}</h1>
      <section className="panel" aria-labelledby="invite-greeting">
        <p id="invite-greeting"><strong>{greeting}</strong></p>
        <p>{t("intro", { store: page.store })}</p>
        <dl>
          {c.offer ? <><dt>{t("offer")}</dt><dd>{c.offer}</dd></> : null}
          <dt>{t("when")}</dt><dd data-testid="invite-when">{when(c.eventStart)}{c.eventEnd ? ` – ${when(c.eventEnd)}` : ""}</dd>
          <dt>{t("venue")}</dt><dd>{c.venue ?? "—"}</dd>
          {page.plate ? <><dt>{t("plate")}</dt><dd data-testid="invite-plate">{page.plate}</dd></> : null}
        </dl>
      </section>

      {page.optedOut ? (
        <p className="panel invite-status" role="status" data-testid="invite-opted-out">{t("optOut.done")}</p>
      ) : null}

      {!page.optedOut && answeredResult && answeredResult !== "pending" ? (
        <section className="panel" id="answer" aria-labelledby="invite-answer">
          <p className="invite-status" id="invite-answer" role="status" data-testid="invite-result" data-result={answeredResult}>
            {done && done !== "optout" ? `${t("saved")} ` : ""}{t(`current.${answeredResult}`)}
            {page.companions ? ` ${t("companionsNow", { count: page.companions })}` : ""}
          </p>
          {page.waitlist !== null ? <p className="invite-status" role="note" data-testid="invite-waitlist">{tw("seats.onWaitlist", { n: page.waitlist })}</p> : null}
          {page.result === "yes" && page.code ? (
            <>
              <h2>{t("checkin.title")}</h2>
              <p>{t("checkin.hint")}</p>
              {qr ? <div className="invite-qr" role="img" aria-label={t("checkin.qr", { code: formatCode(page.code) })} data-testid="invite-qr" dangerouslySetInnerHTML={{ __html: qr }} /> : null}
              <p className="invite-code"><span className="muted">{t("checkin.code")}: </span><span data-testid="invite-code">{formatCode(page.code)}</span></p>
              {c.eventStart ? <p><a className="button secondary" href={`/i/${page.token}/calendar`} download="invitation.ics" data-testid="invite-ics">{t("calendar")}</a></p> : null}
              <h3>{t("venueTitle")}</h3>
              <p data-testid="invite-venue">{c.venue ?? "—"}</p>
            </>
          ) : null}
        </section>
      ) : null}

      {page.canAnswer ? (
        <section className="panel">
          {failure?.formError ? <p className="form-error" role="alert" data-testid="invite-form-error">{t(failure.formError as "errors.form")}</p> : null}
          {/* the server judges (noValidate): its message sits next to the field, what was typed stays */}
          <Form method="post" replace noValidate>
            <input type="hidden" name="intent" value="respond" />
            <fieldset>
              <legend>{t("question")}</legend>
              <Field id="invite-companions" name="companions" label={t("companions")} failure={failure} type="number" inputMode="numeric"
                min={0} max={MAX_COMPANIONS} step={1} defaultValue={page.companions ?? ""} />
              <TextArea id="invite-note" name="note" label={t("note")} failure={failure} rows={2} maxLength={MAX_INVITE_NOTE} defaultValue="" />
              <Select id="invite-reason" name="lossReason" label={t("reason")} failure={failure}
                defaultValue={page.result === "no" ? page.lossReason ?? "" : ""}
                options={[{ value: "", label: t("reasonNone") }, ...CUSTOMER_LOSS_REASONS.map((r) => ({ value: r, label: t(`reasons.${r}`) }))]} />
              <div className="invite-answers">
                {(["yes", "maybe", "no"] as const).map((r) => (
                  <button key={r} type="submit" name="response" value={r} className={r === "yes" ? undefined : "secondary"} aria-pressed={page.result === r && page.answered}
                    data-testid={`invite-${r}`}>{t(`responses.${r}`)}</button>
                ))}
              </div>
              <ErrorText id="invite-response-error" message={failure?.errors.response} />
              <p className="muted">{t("change")}</p>
            </fieldset>
          </Form>
        </section>
      ) : page.refusal && !page.optedOut ? <p className="panel muted" data-testid="invite-closed">{t(page.refusal as "errors.closed")}</p> : null}

      {survey.open ? <TouchpointSurvey token={page.token} latest={survey.latest} status={params.get("survey")} /> : null}

      {!page.optedOut ? (
        <section className="panel">
          <Form method="post" replace>
            <input type="hidden" name="intent" value="opt_out" />
            <p><strong>{t("optOut.title")}</strong></p>
            <button type="submit" className="link-like" data-testid="invite-opt-out">{t("optOut.button")}</button>
          </Form>
        </section>
      ) : null}
    </article>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation(["invite"]);
  const tooMany = isRouteErrorResponse(error) && error.status === 429;
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  if (!tooMany && !notFound) return <ErrorPage />;
  return (
    <div className="panel" role="alert">
      <h1>{t(tooMany ? "tooMany.title" : "notFound.title")}</h1>
      <p>{t(tooMany ? "tooMany.body" : "notFound.body")}</p>
    </div>
  );
}
