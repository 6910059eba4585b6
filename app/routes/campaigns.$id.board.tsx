import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Board } from "~/components/board/board";
import { InvitationNav, ScriptPanel } from "~/components/board/nav";
import styles from "~/components/board/board.css";
import { getBoard, getCard } from "~/models/invitation-board.server";
import { COLUMNS, FLAGS, BOARD_PAGE, WORKING_STATUSES, type Column } from "~/models/invitation.constants";
import { GROUPS, TIERS } from "~/models/domain";
import { getDb } from "~/utils/db.server";
import { actionFailure } from "~/utils/action.server";
import { cardFormAction } from "~/utils/invitation-actions.server";
import { actorOf, BoardQuery, campaignIdParam } from "~/utils/invitation-http.server";
import { parseQuery } from "~/utils/query";
import { failureMessage } from "~/components/board/failure";
import { Field, Select } from "~/components/ui/field";
import { useFormFailure } from "~/components/ui/use-form-failure";
import { pageTitle } from "~/utils/meta";
import { useRootData } from "~/root";
import { isManager, requireUser } from "~/utils/session.server";

/** Its HTML depends only on the loader data read from the database: kept per data (app/utils/render-cache.server.ts). */
export const handle = { renderCache: true };

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const campaignId = campaignIdParam(params);
  const { saved: savedId, ...filters } = parseQuery(BoardQuery, request);
  const args = { storeId: ctx.store.id, campaignId, actor: actorOf(ctx) };
  try {
    const board = await getBoard(getDb(), { ...args, filters, timeZone: ctx.store.timezone });
    // back from a card's form posted without JavaScript: say what was saved
    const saved = savedId ? await getCard(getDb(), { ...args, invitationId: savedId }).catch(() => null) : null;
    return json({ board, filters, manager: isManager(ctx), userId: ctx.user.id, saved: saved ? { id: saved.id, name: saved.name, result: saved.result } : null });
  } catch (e) {
    throw actionFailure(e);
  }
}

export async function action(args: ActionFunctionArgs) {
  const done = await cardFormAction(args);
  if (done instanceof Response) return done;
  // Without JavaScript a card's form posts the whole page: come back to the same board, at the
  // card (its anchor), saying what was saved.
  const url = new URL(args.request.url);
  if (!done.invitationId) return redirect(url.pathname + url.search);
  const p = new URLSearchParams(url.search);
  p.set("saved", String(done.invitationId));
  return redirect(`${url.pathname}?${p}#card-${done.invitationId}`);
}

export const meta = pageTitle<SerializeFrom<typeof loader>>("invitations:title.board", (d) => d?.board.campaign.name);

export default function BoardPage() {
  const { board, filters, manager, userId, saved } = useLoaderData<typeof loader>();
  const { timezone } = useRootData();
  const failure = useFormFailure();
  const { t } = useTranslation(["invitations", "common"]);
  const location = useLocation();
  const c = board.campaign;
  const working = (WORKING_STATUSES as readonly string[]).includes(c.status);
  const moreHref = useMemo(() => {
    const out = {} as Record<Column, string>;
    for (const col of COLUMNS) {
      const p = new URLSearchParams(location.search);
      p.delete("saved");
      const show = { ...filters.show, [col]: (filters.show[col] ?? BOARD_PAGE) + BOARD_PAGE * 2 };
      p.set("show", Object.entries(show).map(([k, v]) => `${k}:${v}`).join(","));
      out[col] = `?${p}`;
    }
    return out;
  }, [location.search, filters.show]);
  const assigneeValue = filters.assignee ?? (manager ? "all" : "me");
  return (
    <div>
      <h1>{t("title.board")} · {c.name}</h1>
      <InvitationNav campaignId={c.id} manager={manager} current="board" />
      {!working ? <p className="notice">{t("notInviting", { status: t(`campaigns:status.${c.status}` as "campaigns:status.draft", { defaultValue: c.status }) })}</p> : null}
      <ScriptPanel script={c.script} confirmed={board.scriptConfirmed} />
      {failure && !failure.invitationId ? <p className="form-error" role="alert">{t(failureMessage(failure) as "errors.required")}</p> : null}
      <Form method="get" className="inv-filters" aria-label={t("filters.label")}>
        <Select id="f-round" name="round" label={t("filters.round")} defaultValue={filters.round ?? ""}
          options={[{ value: "", label: t("filters.allRounds") }, ...board.rounds.map((r) => ({ value: r.id, label: t("filters.roundN", { n: r.number }) }))]} />
        <Select id="f-assignee" name="assignee" label={t("filters.assignee")} defaultValue={assigneeValue}
          options={[...(["me", "all", "none"] as const).map((v) => ({ value: v, label: t(`filters.${v}`) })), ...board.inviters.map((u) => ({ value: u.id, label: u.name }))]} />
        <Select id="f-group" name="group" label={t("filters.group")} defaultValue={filters.group ?? ""}
          options={[{ value: "", label: t("filters.allGroups") }, ...GROUPS.map((g) => ({ value: g, label: `${t("common:groupLabel", { n: g })} · ${t(`common:groups.${g}.name` as "common:groups.1.name")}` }))]} />
        <Select id="f-tier" name="tier" label={t("filters.tier")} defaultValue={filters.tier ?? ""}
          options={[{ value: "", label: t("filters.allTiers") }, ...TIERS.map((x) => ({ value: x, label: t(`common:tiers.${x}`) }))]} />
        <Select id="f-flag" name="flag" label={t("filters.flag")} defaultValue={filters.flag ?? ""}
          options={[{ value: "", label: t("filters.noFlag") }, ...FLAGS.map((x) => ({ value: x, label: t(`filters.flags.${x}`) }))]} />
        <Field id="f-q" name="q" type="search" label={t("filters.q")} defaultValue={filters.q ?? ""} maxLength={60} />
        <button type="submit">{t("filters.apply")}</button>
        <Link to={location.pathname}>{t("filters.reset")}</Link>
      </Form>
      <p className="inv-short" data-testid="short-of-three">
        <strong>{t("board.shortOfThree")}:</strong>{" "}
        {board.shortOfThree.length
          ? board.shortOfThree.map((s) => `${s.name ?? t("board.unassigned")} ${s.count}`).join(" · ")
          : t("board.shortNone")}
      </p>
      <Board
        key={location.search}
        campaignId={c.id}
        userId={userId}
        columns={board.columns}
        counts={board.counts}
        targets={board.targets}
        moreHref={moreHref}
        canVerify={manager}
        timeZone={timezone}
        saved={saved}
        failure={failure}
      />
    </div>
  );
}
