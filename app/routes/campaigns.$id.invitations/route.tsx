import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { StartAndAudience } from "./audience";
import { useSent } from "./form-state";
import { VerifyLists } from "./lists";
import { ManageSections } from "./manage";
import { Summary } from "./summary";
import styles from "~/components/board/board.css";
import { InvitationNav } from "~/components/board/nav";
import { getInvitationsAdmin } from "~/models/invitation-board.server";
import { getOutboxPanel, queueInvitationMessages } from "~/models/outbox.server";
import {
  addAssociated, assignRound, createAssociatedCustomer, openRound, reassign, snapshotAudience, startInvitations, verifyIntent, verifyLoss,
} from "~/models/invitation.server";
import { getDb } from "~/utils/db.server";
import { formDataToObject, parseObject } from "~/utils/form";
import { isStorageFailure, storageFailure, readForm } from "~/utils/http.server";
import { actorOf, campaignIdParam, failure, InvitationsAdminSchema, refusalResponse } from "~/utils/invitation-http.server";
import { publicBaseUrl } from "~/utils/invite-http.server";
import { pageTitle } from "~/utils/meta";
import { requireManager } from "~/utils/session.server";

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

export type Data = SerializeFrom<typeof loader>;

export const meta = pageTitle<Data>("invitations:title.admin", (d) => d?.campaign.name);

export default function InvitationsAdmin() {
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { t } = useTranslation(["invitations", "common"]);
  const c = data.campaign;
  const { failed } = useSent();
  const done = params.get("done");
  const n = params.get("n") ?? "";
  const working = c.status === "inviting" || c.status === "executing";
  const doneText = done === "start"
    ? t("admin.done.start", { count: Number(n.split("-")[0]) || 0, holdout: Number(n.split("-")[1]) || 0 })
    : done === "round" ? t("admin.done.round", { n })
      : done === "assign" || done === "reassign" ? t(`admin.done.${done}`, { count: Number(n) || 0 })
        : done === "messages" ? t("invite:outbox.done", { count: Number(n) || 0 })
        : done && ["snapshot", "associated", "verify", "verifyIntent"].includes(done) ? t(`admin.done.${done as "snapshot"}`) : null;
  return (
    <div>
      <h1>{t("title.admin")} · {c.name}</h1>
      <InvitationNav campaignId={c.id} manager current="admin" />
      {doneText ? <p className="notice" role="status">{doneText}</p> : null}
      {failed ? <p className="form-error" role="alert">{t(failed.formError as "errors.required")}</p> : null}

      <StartAndAudience data={data} />
      <Summary data={data} />
      {working ? <ManageSections data={data} /> : null}
      <VerifyLists data={data} />
    </div>
  );
}
