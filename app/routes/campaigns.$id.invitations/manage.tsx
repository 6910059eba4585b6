import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Checkbox, DateTimeField, ErrorText, Field, Select } from "~/components/ui/field";
import { sentChecked, useFormFailure, type FormFailure } from "~/components/ui/use-form-failure";
import type { Data } from "./route";
import { INVITATION_CHANNELS as CHANNELS } from "~/models/invitation.constants";
import { isStaff } from "~/models/permissions";

/** A list of check boxes of one name, re-rendered as a refused form sent it, its error after it. */
function CheckList({ legend, name, failure, options }: {
  legend: string; name: string; failure?: FormFailure;
  options: { value: string | number; label: ReactNode; checked: boolean; ariaLabel?: string }[];
}) {
  return (
    <>
      <fieldset className="inv-checks">
        <legend>{legend}</legend>
        {options.map((o) => (
          <label key={o.value}><input type="checkbox" name={name} value={o.value} defaultChecked={sentChecked(failure, name, o.value, o.checked)} aria-label={o.ariaLabel} /> {o.label}</label>
        ))}
      </fieldset>
      <ErrorText message={failure?.errors[name]} />
    </>
  );
}

/** A form that sets the page's address (a filter, a search): the page's query, read by its loader. */
function QueryForm({ submit, children }: { submit: string; children: ReactNode }) {
  return (
    <Form method="get" className="inv-filters">
      {children}
      <button type="submit" className="secondary">{submit}</button>
    </Form>
  );
}

/** Rounds, assignment, reassignment and associated customers (while inviting or executing). */
export function ManageSections({ data }: { data: Data }) {
  const { t } = useTranslation(["invitations", "common"]);
  const round = useFormFailure("open_round");
  const assign = useFormFailure("assign");
  const reassign = useFormFailure("reassign");
  const associated = useFormFailure("create_associated");
  const s = data.summary;
  const inviters = data.inviters.map((u) => ({ value: u.id, label: u.name }));
  return (
      <div className="inv-grid">
        <section className="panel" aria-labelledby="rounds-title">
          <h2 id="rounds-title">{t("admin.rounds.open")}</h2>
          <p className="muted">{t("admin.rounds.openHint")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="open_round" />
            <CheckList legend={t("admin.rounds.channels")} name="channels" failure={round}
              options={CHANNELS.map((ch) => ({ value: ch, label: t(`channels.${ch}`), checked: ch === "phone" }))} />
            <DateTimeField dateOnly id="round-start" name="startDate" label={t("admin.rounds.start")} failure={round} />
            <DateTimeField dateOnly id="round-end" name="endDate" label={t("admin.rounds.end")} failure={round} />
            <button type="submit">{t("admin.rounds.submit")}</button>
          </Form>
        </section>

        <section className="panel" aria-labelledby="assign-title">
          <h2 id="assign-title">{t("admin.assign.title")}</h2>
          <p className="muted">{t("admin.assign.hint")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="assign" />
            <Select id="assign-round" name="roundId" label={t("admin.assign.round")} failure={assign} defaultValue={s.perRound[s.perRound.length - 1]?.round.id}
              options={s.perRound.map(({ round: r }) => ({ value: r.id, label: t("filters.roundN", { n: r.number }) }))} />
            <CheckList legend={t("admin.assign.staff")} name="staffIds" failure={assign}
              options={data.inviters.map((u) => ({ value: u.id, label: `${u.name} · ${t(`common:departments.${u.department}`)}`, checked: isStaff(u) }))} />
            <Checkbox id="assign-balance" name="balanceByGroup" label={t("admin.assign.balance")} failure={assign} />
            <Checkbox id="assign-all" name="redistributeAll" label={t("admin.assign.all")} failure={assign} />
            <button type="submit">{t("admin.assign.submit")}</button>
          </Form>
        </section>

        <section className="panel" aria-labelledby="reassign-title">
          <h2 id="reassign-title">{t("admin.assign.reassign")}</h2>
          <QueryForm submit={t("filters.apply")}>
            <Select id="reassign-from" name="from" label={t("filters.assignee")} defaultValue={data.query.from} options={[{ value: "none", label: t("filters.none") }, ...inviters]} />
          </QueryForm>
          <Form method="post">
            <input type="hidden" name="intent" value="reassign" />
            {data.cards.length ? (
              <CheckList legend={t("admin.assign.reassign")} name="invitationIds" failure={reassign}
                options={data.cards.map((card) => ({ value: card.id, label: `${card.name} · ${t(`columns.${card.result}`)}`, checked: false, ariaLabel: t("admin.assign.select", { name: card.name }) }))} />
            ) : <><p className="muted">{t("board.empty")}</p><ErrorText message={reassign?.errors.invitationIds} /></>}
            <Select id="reassign-to" name="assigneeId" label={t("admin.assign.reassignTo")} failure={reassign} options={inviters} />
            <button type="submit">{t("admin.assign.reassign")}</button>
          </Form>
        </section>

        <section className="panel" aria-labelledby="associated-title">
          <h2 id="associated-title">{t("admin.associated.title")}</h2>
          <QueryForm submit={t("admin.associated.searchSubmit")}>
            <Field id="assoc-q" name="q" type="search" label={t("admin.associated.search")} defaultValue={data.query.q ?? ""} maxLength={60} />
          </QueryForm>
          {data.query.q ? (data.found.length ? (
            <ul>
              {data.found.map((cu) => (
                <li key={cu.id}>
                  {cu.name} · {cu.code}{" "}
                  {cu.invited ? <span className="badge">{t("admin.associated.invited")}</span> : cu.doNotContact ? <span className="badge">{t("admin.associated.refused")}</span> : (
                    <Form method="post" className="inv-inline-form">
                      <input type="hidden" name="intent" value="add_associated" />
                      <input type="hidden" name="customerId" value={cu.id} />
                      <button type="submit" className="secondary" aria-label={`${t("admin.associated.add")} ${cu.name}`}>{t("admin.associated.add")}</button>
                    </Form>
                  )}
                </li>
              ))}
            </ul>
          ) : <p className="muted">{t("admin.associated.noMatch")}</p>) : null}
          <h3>{t("admin.associated.create")}</h3>
          <Form method="post">
            <input type="hidden" name="intent" value="create_associated" />
            <Field id="assoc-name" name="name" label={t("admin.associated.name")} maxLength={60} failure={associated} />
            <Field id="assoc-phone" name="phone" label={t("admin.associated.phone")} inputMode="tel" maxLength={11} failure={associated} />
            <button type="submit">{t("admin.associated.createSubmit")}</button>
          </Form>
        </section>
      </div>
  );
}
