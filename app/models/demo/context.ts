/**
 * What the demo seeds share: the context `seedDemo` hands each of them (the stores and users it
 * made) and the small helpers more than one of them uses. Imports no seed module, so the seeds
 * and `demo.server.ts` form no import cycle.
 */
import type { DB } from "#db/client";
import { transition, type Actor } from "~/models/campaign.server";
import { assignRound, confirmScript, startInvitations } from "~/models/invitation.server";
import { addDays } from "~/utils/format";

export type DemoContext = { db: DB; today: string; stores: Record<string, number>; users: Record<string, number> };

/** A UTC instant on the day `offset` days from `day`, at a Shanghai (UTC+8) hour. */
export const demoAt = (day: string, offset: number, hour: number, minute: number) =>
  new Date(`${addDays(day, offset)}T${String(hour - 8).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00Z`);

/** Deposit receipt numbers unique within a campaign: a number drawn twice gets a suffix ("-2"). */
export function uniqueReceipts(): (drawn: string) => string {
  const receipts = new Set<string>();
  return (drawn) => {
    let out = drawn;
    for (let k = 2; receipts.has(out); k++) out = `${drawn}-${k}`;
    receipts.add(out);
    return out;
  };
}

/**
 * A drafted campaign to inviting: submitted by its author, approved, the audience snapshot
 * taken, the script confirmed by everyone, round 1 dealt over the staff (balanced by group).
 */
export async function startDemoInvitations(db: DB, { storeId, campaignId, author, approver, staff, asOf, snapshotSeed, dealSeed }: {
  storeId: number; campaignId: number; author: Actor; approver: Actor; staff: Actor[]; asOf: string; snapshotSeed: number; dealSeed: number;
}) {
  await transition(db, { storeId, id: campaignId, actor: author, action: "submit" });
  await transition(db, { storeId, id: campaignId, actor: approver, action: "approve" });
  await startInvitations(db, { storeId, campaignId, actor: author, seed: snapshotSeed, asOf });
  for (const a of [author, approver, ...staff]) await confirmScript(db, { storeId, campaignId, actor: a });
  const round1 = await db.selectFrom("invitation_rounds").select("id").where("campaign_id", "=", campaignId).where("number", "=", 1).executeTakeFirstOrThrow();
  await assignRound(db, { storeId, campaignId, actor: author, roundId: round1.id, staffIds: staff.map((s) => s.id), balanceByGroup: true, seed: dealSeed });
}
