import { CheckinDesk } from "~/components/checkin/desk";
import { Form, Link, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { QuickLeadTags } from "~/components/leads/quick-lead";
import { ErrorText } from "~/components/ui/field";
import type { CheckinMatch } from "~/models/checkin.server";
import type { ExecutionFlashValues as Flash } from "~/models/execution.schema";
import type { ExecutionPage } from "~/models/execution.server";
import { formatCode } from "~/models/invitation-code";
import type { FieldErrors } from "~/utils/form";
import { useFormat } from "~/utils/use-format";
import { useFormFailure } from "~/components/ui/use-form-failure";

export function CheckinSection({ page, flash, qError }: { page: ExecutionPage; flash: Flash; qError: string | null }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const result = useFormFailure(["checkin", "walkin"]);
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
      {done && flash.done ? <div data-testid="checkin-lead"><QuickLeadTags key={done.id} invitationId={done.invitationId} source="desk" label={done.name} /></div> : null}
      {result?.arrival ? (
        <p className="answer answer-warn" role="alert" data-testid="checkin-answer">
          {t("checkin.answers.already", { name: result.arrival.name, time: f.dateTime(result.arrival.arrivedAt), by: result.arrival.byName ?? "—" })}
        </p>
      ) : result?.formError && result.formParams ? (
        <p className="answer answer-bad" role="alert" data-testid="checkin-answer">{t(result.formError as "title", result.formParams as Record<string, string>)}</p>
      ) : result?.formError ? <p className="form-error" role="alert" data-testid="checkin-error">{t(result.formError as "title")}</p> : null}
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

