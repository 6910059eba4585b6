import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import styles from "~/components/board/board.css";
import { InvitationNav } from "~/components/board/nav";
import { ExportLinks } from "~/components/ui/export-links";
import { ErrorText } from "~/components/ui/field";
import { getInvitationsAdmin, type SummaryLine } from "~/models/invitation-board.server";
import { getOutboxPanel, queueInvitationMessages } from "~/models/outbox.server";
import { INVITATION_CHANNELS as CHANNELS, LOSS_REASONS } from "~/models/invitation.constants";
import {
  addAssociated, assignRound, createAssociatedCustomer, openRound, reassign, snapshotAudience, startInvitations, verifyIntent, verifyLoss,
} from "~/models/invitation.server";
import { getDb } from "~/utils/db.server";
import { formDataToObject, parseObject } from "~/utils/form";
import { isStorageFailure, storageFailure, readForm } from "~/utils/http.server";
import { actorOf, campaignIdParam, failure, InvitationsAdminSchema, refusalResponse } from "~/utils/invitation-http.server";
import { publicBaseUrl } from "~/utils/invite-http.server";
import { pageTitle } from "~/utils/meta";
import { useFormat } from "~/utils/use-format";
import { requireManager } from "~/utils/session.server";
import { isStaff } from "~/models/permissions";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireManager(request);
  const campaignId = campaignIdParam(params);
  const url = new URL(request.url);
  const q = url.searchParams.get("q")?.trim().slice(0, 60) || null;
  const fromRaw = url.searchParams.get("from");
  const from = fromRaw && /^\d{1,12}$/.test(fromRaw) ? Number(fromRaw) : "none";
  try {
    const [admin, outbox] = await Promise.all([
      getInvitationsAdmin(getDb(), { storeId: ctx.store.id, campaignId, actor: actorOf(ctx), q, from }),
      getOutboxPanel(getDb(), { storeId: ctx.store.id, campaignId }),
    ]);
    return json({ ...admin, outbox });
  } catch (e) {
    throw refusalResponse(e, {});
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requireManager(request);
  const campaignId = campaignIdParam(params);
  const raw = formDataToObject(await readForm(request));
  const parsed = parseObject(InvitationsAdminSchema, raw);
  if (!parsed.ok) return failure(400, { formError: "invitations:errors.required", errors: parsed.errors, values: { ...raw, intent: raw.intent } });
  const db = getDb();
  const args = { storeId: ctx.store.id, campaignId, actor: actorOf(ctx) };
  const input = parsed.data;
  let done = "";
  let n: number | string = "";
  try {
    switch (input.intent) {
      case "start": {
        const r = await startInvitations(db, { ...args, seed: input.seed, expectedVersion: input.campaignVersion });
        done = "start";
        n = `${r.audience_count - r.holdout_count}-${r.holdout_count}`;
        break;
      }
      case "snapshot":
        await snapshotAudience(db, args);
        done = "snapshot";
        break;
      case "send_messages":
        n = (await queueInvitationMessages(db, { storeId: ctx.store.id, campaignId, baseUrl: publicBaseUrl(request) })).queued;
        done = "messages";
        break;
      case "open_round":
        n = (await openRound(db, { ...args, channels: input.channels, startDate: input.startDate, endDate: input.endDate })).round.number;
        done = "round";
        break;
      case "assign":
        n = (await assignRound(db, { ...args, roundId: input.roundId, staffIds: input.staffIds, balanceByGroup: input.balanceByGroup, redistributeAll: input.redistributeAll })).assigned;
        done = "assign";
        break;
      case "reassign":
        n = (await reassign(db, { ...args, invitationIds: input.invitationIds, assigneeId: input.assigneeId })).reassigned;
        done = "reassign";
        break;
      case "add_associated":
        await addAssociated(db, { ...args, customerId: input.customerId });
        done = "associated";
        break;
      case "create_associated":
        await createAssociatedCustomer(db, { ...args, name: input.name, phone: input.phone });
        done = "associated";
        break;
      case "verify_loss":
        await verifyLoss(db, { ...args, invitationId: input.invitationId, version: input.version });
        done = "verify";
        break;
      case "verify_intent":
        await verifyIntent(db, { ...args, invitationId: input.invitationId, version: input.version });
        done = "verifyIntent";
        break;
    }
  } catch (e) {
    if (isStorageFailure(e)) return storageFailure(e, { ok: false as const, errors: {} as Record<string, string>, values: raw });
    return refusalResponse(e, raw);
  }
  const url = new URL(request.url);
  const p = new URLSearchParams(url.search);
  p.set("done", done);
  p.set("n", String(n));
  return redirect(`${url.pathname}?${p}`);
}

export const meta = pageTitle<SerializeFrom<typeof loader>>("invitations:title.admin", (d) => d?.campaign.name);

function pct(ratio: number | null) {
  return ratio;
}

export default function InvitationsAdmin() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation(["invitations", "common"]);
  const f = useFormat();
  const c = data.campaign;
  const s = data.summary;
  const failed = actionData && !actionData.ok ? actionData : null;
  const errFor = (intent: string, field: string) => (failed?.values?.intent === intent ? failed.errors[field] : undefined);
  /** what a refused form sent (validation or a storage failure), so it re-renders as typed */
  const sent = (intent: string) => (failed?.values?.intent === intent ? (failed.values as Record<string, unknown>) : null);
  const text = (intent: string, field: string) => { const v = sent(intent)?.[field]; return typeof v === "string" ? v : undefined; };
  const checked = (intent: string, field: string, value: string | number, fallback: boolean) => {
    const s = sent(intent);
    return s ? ([] as unknown[]).concat(s[field] ?? []).map(String).includes(String(value)) : fallback;
  };
  const done = params.get("done");
  const n = params.get("n") ?? "";
  const audience = s.audience;
  const working = c.status === "inviting" || c.status === "executing";
  const doneText = done === "start"
    ? t("admin.done.start", { count: Number(n.split("-")[0]) || 0, holdout: Number(n.split("-")[1]) || 0 })
    : done === "round" ? t("admin.done.round", { n })
      : done === "assign" || done === "reassign" ? t(`admin.done.${done}`, { count: Number(n) || 0 })
        : done === "messages" ? t("invite:outbox.done", { count: Number(n) || 0 })
        : done && ["snapshot", "associated", "verify", "verifyIntent"].includes(done) ? t(`admin.done.${done as "snapshot"}`) : null;
  const kpiRows: [string, string, string][] = [
    [t("admin.summary.invited"), f.number(s.progress.invited), "—"],
    [t("admin.summary.reached"), f.number(s.progress.reached), "—"],
    [t("admin.summary.reachRate"), f.percent(pct(s.progress.reachRate)), `${s.campaign.kpiReachRatePercent ?? 100}%`],
    [t("admin.summary.yes"), f.number(s.progress.yes), s.campaign.kpiYesCount !== null ? f.number(s.campaign.kpiYesCount) : "—"],
    [t("admin.summary.maybe"), f.number(s.progress.maybe), "—"],
    [t("admin.summary.no"), f.number(s.progress.no), "—"],
    [t("admin.summary.deposits"), f.number(s.progress.deposits), "—"],
    [t("admin.summary.depositAmount"), f.money(s.progress.depositFen), s.campaign.kpiDepositsFen !== null ? f.money(s.campaign.kpiDepositsFen) : "—"],
    [t("admin.summary.short"), f.number(s.progress.shortOfThree), "0"],
    [t("admin.summary.unassigned"), f.number(s.progress.unassigned), "0"],
  ];
  return (
    <div>
      <h1>{t("title.admin")} · {c.name}</h1>
      <InvitationNav campaignId={c.id} manager current="admin" />
      {doneText ? <p className="notice" role="status">{doneText}</p> : null}
      {failed ? <p className="form-error" role="alert">{t(failed.formError as "errors.required")}</p> : null}

      {c.status === "approved" ? (
        <section className="panel" aria-labelledby="start-title">
          <h2 id="start-title">{t("admin.start.title")}</h2>
          <p>{t("admin.start.hint", { percent: c.holdoutPercent })}</p>
          {data.preview ? (
            <p data-testid="preview">{t("admin.audience.audience")}: {f.number(data.preview.count)} · {t("admin.audience.excluded")}: {f.number(data.preview.doNotContact)}</p>
          ) : null}
          <Form method="post">
            <input type="hidden" name="intent" value="start" />
            <input type="hidden" name="campaignVersion" value={c.version} />
            <div className="field">
              <label htmlFor="start-seed">{t("admin.start.seed")}</label>
              <input id="start-seed" name="seed" inputMode="numeric" defaultValue={text("start", "seed")} aria-describedby={errFor("start", "seed") ? "start-seed-error" : undefined} />
              <ErrorText id="start-seed-error" message={errFor("start", "seed")} />
            </div>
            <button type="submit">{t("admin.start.submit")}</button>
          </Form>
        </section>
      ) : null}

      <section className="panel" aria-labelledby="audience-title">
        <h2 id="audience-title">{t("admin.audience.title")}</h2>
        {audience ? (
          <>
            <p className="muted">{t("admin.audience.snapshotAt", { at: f.dateTime(audience.snapshot_at), count: audience.snapshot_count })}</p>
            <dl className="kpi-grid" data-testid="audience">
              <div><dt>{t("admin.audience.audience")}</dt><dd>{f.number(audience.audience_count)}</dd></div>
              <div><dt>{t("admin.audience.holdout")}</dt><dd data-testid="holdout-count">{f.number(audience.holdout_count)} ({audience.holdout_percent}%)</dd></div>
              <div><dt>{t("admin.audience.contactable")}</dt><dd>{f.number(audience.audience_count - audience.holdout_count)}</dd></div>
              <div><dt>{t("admin.audience.excluded")}</dt><dd data-testid="excluded-count">{f.number(audience.excluded_do_not_contact)}</dd></div>
              <div><dt>{t("admin.audience.associated")}</dt><dd>{f.number(s.progress.associated)}</dd></div>
              <div><dt>{t("admin.audience.seed")}</dt><dd>{audience.seed}</dd></div>
            </dl>
          </>
        ) : <p className="muted">{t("admin.audience.none")}</p>}
        {audience ? <ExportLinks href={`/campaigns/${c.id}/audience/export`} label={t("common:exports.audience")} testId="audience-export" /> : null}
        {audience && working ? (
          <p>
            <a href={`/campaigns/${c.id}/messages/csv`} download data-testid="messages-csv">{t("invite:messages.download")}</a>
            {" · "}<a href={`/campaigns/${c.id}/messages/csv?channel=wecom`} download>{t("invite:messages.downloadWecom")}</a>
            <br /><span className="muted">{t("invite:messages.downloadHint")}</span>
          </p>
        ) : null}
        {audience && working ? (
          <Form method="post" data-testid="send-messages">
            <h3>{t("invite:outbox.title")}</h3>
            <p>{data.outbox.toQueue > 0 ? t("invite:outbox.preview", { count: data.outbox.toQueue }) : t("invite:outbox.nothing")}</p>
            {data.outbox.noPhone > 0 ? <p className="muted">{t("invite:outbox.noPhone", { count: data.outbox.noPhone })}</p> : null}
            <p className="muted" data-testid="outbox-counts">{t("invite:outbox.counts", data.outbox.counts)}</p>
            <p className="muted">{t("invite:outbox.reminders")}</p>
            <input type="hidden" name="intent" value="send_messages" />
            <button type="submit" disabled={data.outbox.toQueue === 0}>{t("invite:outbox.button")}</button>
          </Form>
        ) : null}
        {working ? (
          <Form method="post">
            <p className="muted">{t("admin.audience.resnapshotHint")}</p>
            <input type="hidden" name="intent" value="snapshot" />
            <button type="submit" className="secondary">{t("admin.audience.resnapshot")}</button>
          </Form>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="summary-title">
        <h2 id="summary-title">{t("admin.summary.campaign")}</h2>
        {/* focusable: on a phone the table scrolls sideways, by keyboard too */}
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="summary-title">
          <table data-testid="kpi-table">
            <thead><tr><th scope="col">{t("admin.summary.measure")}</th><th scope="col">{t("admin.summary.actual")}</th><th scope="col">{t("admin.summary.target")}</th></tr></thead>
            <tbody>{kpiRows.map(([label, actual, target]) => <tr key={label}><th scope="row">{label}</th><td>{actual}</td><td>{target}</td></tr>)}</tbody>
          </table>
        </div>
        <h3>{t("admin.summary.lossReasons")}</h3>
        <ul className="inv-nav">
          {LOSS_REASONS.map((r) => <li key={r}>{t(`lossReasons.${r}`)}: {s.progress.lossReasons[r]}</li>)}
        </ul>
        <h2>{t("admin.summary.title")}</h2>
        {s.perRound.length ? s.perRound.map(({ round, staff, total }) => (
          <div key={round.id} className="table-wrap" tabIndex={0} role="region" aria-labelledby={`round-${round.number}-caption`}>
            <table data-testid={`round-${round.number}`}>
              <caption id={`round-${round.number}-caption`}>{t("admin.summary.roundTitle", { n: round.number })} · {round.channels.map((ch) => t(`channels.${ch as "phone"}`)).join(", ")} · {f.date(round.start_date)} – {f.date(round.end_date)}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("admin.summary.staff")}</th><th scope="col">{t("admin.summary.assigned")}</th><th scope="col">{t("admin.summary.reached")}</th>
                  <th scope="col">{t("admin.summary.reachRate")} ({t("admin.summary.reachTarget", { target: s.campaign.kpiReachRatePercent ?? 100 })})</th>
                  <th scope="col">{t("admin.summary.yes")}</th><th scope="col">{t("admin.summary.maybe")}</th><th scope="col">{t("admin.summary.no")}</th>
                  <th scope="col">{t("admin.summary.deposits")}</th><th scope="col">{t("admin.summary.short")}</th>
                </tr>
              </thead>
              <tbody>
                {[...staff, { ...total, name: t("admin.summary.total") } as SummaryLine].map((l, i) => (
                  <tr key={i} data-staff={l.name ?? ""}>
                    <th scope="row">{l.name ?? t("admin.summary.unassigned")}</th>
                    <td>{l.assigned}</td><td>{l.reached}</td><td>{f.percent(l.assigned ? l.reached / l.assigned : null)}</td>
                    <td>{l.yes}</td><td>{l.maybe}</td><td>{l.no}</td>
                    <td>{l.deposits}{l.depositFen ? ` · ${f.money(l.depositFen)}` : ""}</td><td>{l.shortOfThree}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )) : <p className="muted">{t("admin.summary.noRounds")}</p>}
      </section>

      {working ? (
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
                  <label key={u.id}><input type="checkbox" name="staffIds" value={u.id} defaultChecked={checked("assign", "staffIds", u.id, isStaff(u))} /> {u.name} · {t(`common:departments.${u.department}`)}</label>
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
      ) : null}

      <div className="inv-grid">
        <section className="panel" aria-labelledby="joins-title">
          <h2 id="joins-title">{t("admin.lists.managerJoins")}</h2>
          {data.lists.managerJoins.length ? (
            <ul>{data.lists.managerJoins.map((card) => <li key={card.id}>{card.name} · {card.phone} · {f.date(card.nextFollowUp)} · {card.assigneeName ?? "—"}</li>)}</ul>
          ) : <p className="muted">{t("admin.lists.none")}</p>}
        </section>
        <section className="panel" aria-labelledby="intents-title" data-testid="intents-to-verify">
          <h2 id="intents-title">{t("admin.lists.intents")}</h2>
          {data.lists.intentsToVerify.length ? (
            <ul>
              {data.lists.intentsToVerify.map((card) => (
                <li key={card.id} data-card-id={card.id}>
                  {card.name} · {card.phone} · {card.depositFen ? f.money(card.depositFen) : t("admin.lists.noDeposit")} · {card.assigneeName ?? "—"}{" "}
                  <Form method="post" className="inv-inline-form">
                    <input type="hidden" name="intent" value="verify_intent" />
                    <input type="hidden" name="invitationId" value={card.id} />
                    <input type="hidden" name="version" value={card.version} />
                    <button type="submit" className="secondary" aria-label={`${t("form.verifyIntent")} ${card.name}`}>{t("form.verifyIntent")}</button>
                  </Form>
                </li>
              ))}
            </ul>
          ) : <p className="muted">{t("admin.lists.none")}</p>}
        </section>
        <section className="panel" aria-labelledby="losses-title">
          <h2 id="losses-title">{t("admin.lists.losses")}</h2>
          {data.lists.lossesToVerify.length ? (
            <ul>
              {data.lists.lossesToVerify.map((card) => (
                <li key={card.id}>
                  {card.name} · {card.lossReason ? t(`lossReasons.${card.lossReason}`) : ""} · {card.assigneeName ?? "—"}{" "}
                  <Form method="post" className="inv-inline-form">
                    <input type="hidden" name="intent" value="verify_loss" />
                    <input type="hidden" name="invitationId" value={card.id} />
                    <input type="hidden" name="version" value={card.version} />
                    <button type="submit" className="secondary" aria-label={`${t("form.verifyLoss")} ${card.name}`}>{t("form.verifyLoss")}</button>
                  </Form>
                </li>
              ))}
            </ul>
          ) : <p className="muted">{t("admin.lists.none")}</p>}
        </section>
      </div>
    </div>
  );
}
