import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { StartAndAudience } from "./audience";
import { VerifyLists } from "./lists";
import { ManageSections } from "./manage";
import { Summary } from "./summary";
import styles from "~/components/board/board.css";
import { failureMessage } from "~/components/board/failure";
import { InvitationNav } from "~/components/board/nav";
import { useFormFailure } from "~/components/ui/use-form-failure";
import { getInvitationsAdmin } from "~/models/invitation-board.server";
import { getOutboxPanel, queueInvitationMessages } from "~/models/outbox.server";
import {
  addAssociated, assignRound, createAssociatedCustomer, openRound, reassign, snapshotAudience, startInvitations, verifyIntent, verifyLoss,
} from "~/models/invitation.server";
import { getDb } from "~/utils/db.server";
import type { AdminDone } from "~/models/invitation.schema";
import { actionFailure, formFailure } from "~/utils/action.server";
import { formDataToObject, parseObject } from "~/utils/form";
import { readForm } from "~/utils/http.server";
import { actorOf, campaignIdParam, InvitationsAdminQuery, InvitationsAdminSchema } from "~/utils/invitation-http.server";
import { parseQuery } from "~/utils/query";
import { publicBaseUrl } from "~/utils/invite-http.server";
import { pageTitle } from "~/utils/meta";
import { requireManager } from "~/utils/session.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireManager(request);
  const campaignId = campaignIdParam(params);
  const { q, from, done, n, holdout } = parseQuery(InvitationsAdminQuery, request);
  try {
    const [admin, outbox] = await Promise.all([
      getInvitationsAdmin(getDb(), { storeId: ctx.store.id, campaignId, actor: actorOf(ctx), q, from }),
      getOutboxPanel(getDb(), { storeId: ctx.store.id, campaignId }),
    ]);
    return json({ ...admin, outbox, query: { q, from }, flash: { done, n, holdout } });
  } catch (e) {
    throw actionFailure(e);
  }
}

/** What a saved form says when the page comes back (`?done=…&n=…`, see `InvitationsAdminQuery`). */
type Flash = { done: AdminDone; n?: number; holdout?: number };

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requireManager(request);
  const campaignId = campaignIdParam(params);
  const values = formDataToObject(await readForm(request));
  const intent = String(values.intent ?? "");
  const parsed = parseObject(InvitationsAdminSchema, values);
  if (!parsed.ok) return formFailure(400, { intent, errors: parsed.errors, values, formError: "invitations:errors.required" });
  const db = getDb();
  const args = { storeId: ctx.store.id, campaignId, actor: actorOf(ctx) };
  const input = parsed.data;
  let flash: Flash;
  try {
    switch (input.intent) {
      case "start": {
        const r = await startInvitations(db, { ...args, seed: input.seed, expectedVersion: input.campaignVersion });
        flash = { done: "start", n: r.audience_count - r.holdout_count, holdout: r.holdout_count };
        break;
      }
      case "snapshot":
        await snapshotAudience(db, args);
        flash = { done: "snapshot" };
        break;
      case "send_messages":
        flash = { done: "messages", n: (await queueInvitationMessages(db, { storeId: ctx.store.id, campaignId, baseUrl: publicBaseUrl(request) })).queued };
        break;
      case "open_round":
        flash = { done: "round", n: (await openRound(db, { ...args, channels: input.channels, startDate: input.startDate, endDate: input.endDate })).round.number };
        break;
      case "assign":
        flash = { done: "assign", n: (await assignRound(db, { ...args, roundId: input.roundId, staffIds: input.staffIds, balanceByGroup: input.balanceByGroup, redistributeAll: input.redistributeAll })).assigned };
        break;
      case "reassign":
        flash = { done: "reassign", n: (await reassign(db, { ...args, invitationIds: input.invitationIds, assigneeId: input.assigneeId })).reassigned };
        break;
      case "add_associated":
        await addAssociated(db, { ...args, customerId: input.customerId });
        flash = { done: "associated" };
        break;
      case "create_associated":
        await createAssociatedCustomer(db, { ...args, name: input.name, phone: input.phone });
        flash = { done: "associated" };
        break;
      case "verify_loss":
        await verifyLoss(db, { ...args, invitationId: input.invitationId, version: input.version });
        flash = { done: "verify" };
        break;
      case "verify_intent":
        await verifyIntent(db, { ...args, invitationId: input.invitationId, version: input.version });
        flash = { done: "verifyIntent" };
        break;
    }
  } catch (e) {
    return actionFailure(e, { intent, values });
  }
  // back to the same page (its search and reassignment filter kept), saying what was saved
  const url = new URL(request.url);
  const keep = [...url.searchParams].filter(([k]) => !["done", "n", "holdout"].includes(k));
  const said = Object.entries(flash).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]);
  return redirect(`${url.pathname}?${new URLSearchParams([...keep, ...said])}`);
}

export type Data = SerializeFrom<typeof loader>;

export const meta = pageTitle<Data>("invitations:title.admin", (d) => d?.campaign.name);

export default function InvitationsAdmin() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation(["invitations", "common"]);
  const c = data.campaign;
  const failed = useFormFailure();
  const { done, n, holdout } = data.flash;
  const working = c.status === "inviting" || c.status === "executing";
  const count = n ?? 0;
  const doneText = !done ? null
    : done === "start" ? t("admin.done.start", { count, holdout: holdout ?? 0 })
      : done === "round" ? t("admin.done.round", { n: count })
        : done === "assign" || done === "reassign" ? t(`admin.done.${done}`, { count })
          : done === "messages" ? t("invite:outbox.done", { count })
            : t(`admin.done.${done}`);
  return (
    <div>
      <h1>{t("title.admin")} · {c.name}</h1>
      <InvitationNav campaignId={c.id} manager current="admin" />
      {doneText ? <p className="notice" role="status">{doneText}</p> : null}
      {failed ? <p className="form-error" role="alert">{t(failureMessage(failed) as "errors.required")}</p> : null}

      <StartAndAudience data={data} />
      <Summary data={data} />
      {working ? <ManageSections data={data} /> : null}
      <VerifyLists data={data} />
    </div>
  );
}
