import { Form, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorText } from "~/components/ui/field";
import { useSent } from "./form-state";
import type { Data } from "./route";
import { INVITATION_CHANNELS as CHANNELS } from "~/models/invitation.constants";

/** Rounds, assignment, reassignment and associated customers (while inviting or executing). */
export function ManageSections({ data }: { data: Data }) {
  const { t } = useTranslation(["invitations", "common"]);
  const { errFor, text, checked } = useSent();
  const [params] = useSearchParams();
  const s = data.summary;
  return (
      <div className="inv-grid">
        <section className="panel" aria-labelledby="rounds-title">
          <h2 id="rounds-title">{t("admin.rounds.open")}</h2>
          <p className="muted">{t("admin.rounds.openHint")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="open_round" />
            <fieldset className="inv-checks">
              <legend>{t("admin.rounds.channels")}</legend>
              {CHANNELS.map((ch) => (
                <label key={ch}><input type="checkbox" name="channels" value={ch} defaultChecked={checked("open_round", "channels", ch, ch === "phone")} /> {t(`channels.${ch}`)}</label>
              ))}
            </fieldset>
            <ErrorText message={errFor("open_round", "channels")} />
            <div className="field">
              <label htmlFor="round-start">{t("admin.rounds.start")}</label>
              <input id="round-start" name="startDate" type="date" defaultValue={text("open_round", "startDate")} />
              <ErrorText message={errFor("open_round", "startDate")} />
            </div>
            <div className="field">
              <label htmlFor="round-end">{t("admin.rounds.end")}</label>
              <input id="round-end" name="endDate" type="date" defaultValue={text("open_round", "endDate")} />
              <ErrorText message={errFor("open_round", "endDate")} />
            </div>
            <button type="submit">{t("admin.rounds.submit")}</button>
          </Form>
        </section>

        <section className="panel" aria-labelledby="assign-title">
          <h2 id="assign-title">{t("admin.assign.title")}</h2>
          <p className="muted">{t("admin.assign.hint")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="assign" />
            <div className="field">
              <label htmlFor="assign-round">{t("admin.assign.round")}</label>
              <select id="assign-round" name="roundId" defaultValue={text("assign", "roundId") ?? s.perRound[s.perRound.length - 1]?.round.id}>
                {s.perRound.map(({ round }) => <option key={round.id} value={round.id}>{t("filters.roundN", { n: round.number })}</option>)}
              </select>
            </div>
            <fieldset className="inv-checks">
              <legend>{t("admin.assign.staff")}</legend>
              {data.inviters.map((u) => (
                <label key={u.id}><input type="checkbox" name="staffIds" value={u.id} defaultChecked={checked("assign", "staffIds", u.id, u.role === "staff")} /> {u.name} · {t(`common:departments.${u.department}`)}</label>
              ))}
            </fieldset>
            <ErrorText message={errFor("assign", "staffIds")} />
            <div className="field check"><input id="assign-balance" type="checkbox" name="balanceByGroup" defaultChecked={!!text("assign", "balanceByGroup")} /><label htmlFor="assign-balance">{t("admin.assign.balance")}</label></div>
            <div className="field check"><input id="assign-all" type="checkbox" name="redistributeAll" defaultChecked={!!text("assign", "redistributeAll")} /><label htmlFor="assign-all">{t("admin.assign.all")}</label></div>
            <button type="submit">{t("admin.assign.submit")}</button>
          </Form>
        </section>

        <section className="panel" aria-labelledby="reassign-title">
          <h2 id="reassign-title">{t("admin.assign.reassign")}</h2>
          <Form method="get" className="inv-filters">
            <div className="field">
              <label htmlFor="reassign-from">{t("filters.assignee")}</label>
              <select id="reassign-from" name="from" defaultValue={params.get("from") ?? "none"}>
                <option value="none">{t("filters.none")}</option>
                {data.inviters.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
              </select>
            </div>
            <button type="submit" className="secondary">{t("filters.apply")}</button>
          </Form>
          <Form method="post">
            <input type="hidden" name="intent" value="reassign" />
            {data.cards.length ? (
              <fieldset className="inv-checks">
                <legend>{t("admin.assign.reassign")}</legend>
                {data.cards.map((card) => (
                  <label key={card.id}><input type="checkbox" name="invitationIds" value={card.id} defaultChecked={checked("reassign", "invitationIds", card.id, false)} aria-label={t("admin.assign.select", { name: card.name })} /> {card.name} · {t(`columns.${card.result}`)}</label>
                ))}
              </fieldset>
            ) : <p className="muted">{t("board.empty")}</p>}
            <ErrorText message={errFor("reassign", "invitationIds")} />
            <div className="field">
              <label htmlFor="reassign-to">{t("admin.assign.reassignTo")}</label>
              <select id="reassign-to" name="assigneeId" defaultValue={text("reassign", "assigneeId")}>
                {data.inviters.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
              </select>
            </div>
            <button type="submit">{t("admin.assign.reassign")}</button>
          </Form>
        </section>

        <section className="panel" aria-labelledby="associated-title">
          <h2 id="associated-title">{t("admin.associated.title")}</h2>
          <Form method="get" className="inv-filters">
            <div className="field">
              <label htmlFor="assoc-q">{t("admin.associated.search")}</label>
              <input id="assoc-q" name="q" type="search" defaultValue={params.get("q") ?? ""} maxLength={60} />
            </div>
            <button type="submit" className="secondary">{t("admin.associated.searchSubmit")}</button>
          </Form>
          {params.get("q") ? (data.found.length ? (
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
            <div className="field">
              <label htmlFor="assoc-name">{t("admin.associated.name")}</label>
              <input id="assoc-name" name="name" maxLength={60} defaultValue={text("create_associated", "name")} />
              <ErrorText message={errFor("create_associated", "name")} />
            </div>
            <div className="field">
              <label htmlFor="assoc-phone">{t("admin.associated.phone")}</label>
              <input id="assoc-phone" name="phone" inputMode="tel" maxLength={11} defaultValue={text("create_associated", "phone")} />
              <ErrorText message={errFor("create_associated", "phone")} />
            </div>
            <button type="submit">{t("admin.associated.createSubmit")}</button>
          </Form>
        </section>
      </div>
  );
}
