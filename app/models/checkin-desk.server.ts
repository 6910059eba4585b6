/**
 * The check-in desk for a crowd (issue 15): a scanned invitation code checks the guest in at
 * once, and the desk's live count of arrivals against the expected guests (yes + maybe) by staff
 * member and by segment. The scan answers in one of a few words the desk shows in colour and
 * sound: checked in, already in (when, by whom), not invited (not a code of this store), another
 * campaign's guest, or refused (the desk is not open yet, the campaign is closed).
 */
import type { DB } from "#db/client";
import { toInt } from "#db/dialect";
import type { Actor } from "./campaign.server";
import { getCampaignRow } from "./campaign.server";
import { checkIn } from "./checkin.server";
import { AlreadyCheckedIn, ExecutionRefused } from "./execution-errors";
import { decodeInvitationCode, invitationCode } from "./invitation-code";

export type ScanAnswer =
  | { outcome: "checked_in" | "holdout_checked_in"; name: string; code: string; at: string; arrivalId: number }
  | { outcome: "already"; name: string; code: string; at: string; by: string | null }
  | { outcome: "not_invited"; code: string | null }
  | { outcome: "other_campaign"; code: string; campaign: string }
  | { outcome: "refused"; key: string; params: Record<string, string | number | null> };

/**
 * What a scanned (or typed) code does at this campaign's desk. The QR on the invitation page holds
 * the invitation code alone (`invitationCode(id)`, 7 characters); case, spaces and dashes are
 * ignored. Another store's code is "not invited": the desk never names another store's campaign.
 */
export async function scanCheckIn(
  db: DB,
  { storeId, campaignId, actor, text, timeZone, now = new Date() }: { storeId: number; campaignId: number; actor: Actor; text: string; timeZone: string; now?: Date },
): Promise<ScanAnswer> {
  await getCampaignRow(db, { storeId, id: campaignId });
  const id = decodeInvitationCode(text.trim());
  if (id === null) return { outcome: "not_invited", code: null };
  const code = invitationCode(id);
  const inv = await db.selectFrom("invitations").innerJoin("campaigns", "campaigns.id", "invitations.campaign_id")
    .select(["invitations.campaign_id", "campaigns.name"])
    .where("invitations.id", "=", id).where("invitations.store_id", "=", storeId).executeTakeFirst();
  if (!inv) return { outcome: "not_invited", code };
  if (inv.campaign_id !== campaignId) return { outcome: "other_campaign", code, campaign: inv.name };
  try {
    const r = await checkIn(db, { storeId, campaignId, actor, invitationId: id, timeZone, now });
    return { outcome: r.outcome === "holdout_checked_in" ? "holdout_checked_in" : "checked_in", name: r.name, code, at: r.arrivedAt, arrivalId: r.arrivalId };
  } catch (e) {
    if (e instanceof AlreadyCheckedIn) return { outcome: "already", name: e.arrival.name, code, at: e.arrival.arrivedAt, by: e.arrival.byName };
    if (e instanceof ExecutionRefused) return { outcome: "refused", key: e.messageKey, params: e.params };
    throw e;
  }
}

export interface DeskCountRow {
  /** the assignee's user id / the segment's group number; null: unassigned / no group */
  key: number | null;
  name: string | null;
  expected: number;
  arrived: number;
}

export interface DeskCounts {
  /** yes + maybe invitations, hold-out left out */
  expected: number;
  /** every arrival (walk-ins and hold-out guests included) */
  arrived: number;
  /** arrivals among the expected guests */
  arrivedExpected: number;
  walkIns: number;
  byStaff: DeskCountRow[];
  bySegment: DeskCountRow[];
}

/**
 * The desk's live count: one grouped query over the campaign's invitations (by assignee and
 * segment, joined to their arrival) and the assignees' names. A row's `arrived` counts every
 * arrival of its invitations (a "no" who came anyway included); the hold-out is left out of the
 * rows (never invited) but in the total.
 */
export async function deskCounts(db: DB, { storeId, campaignId }: { storeId: number; campaignId: number }): Promise<DeskCounts> {
  await getCampaignRow(db, { storeId, id: campaignId });
  const rows = await db.selectFrom("invitations")
    .leftJoin("arrivals", "arrivals.invitation_id", "invitations.id")
    .select((eb) => [
      "invitations.assignee_id", "invitations.customer_group", "invitations.holdout",
      eb.fn.sum<number>(eb.case().when("invitations.result", "in", ["yes", "maybe"]).then(1).else(0).end()).as("expected"),
      eb.fn.sum<number>(eb.case().when("arrivals.id", "is not", null).then(1).else(0).end()).as("arrived"),
      eb.fn.sum<number>(eb.case().when("invitations.result", "in", ["yes", "maybe"]).then(eb.case().when("arrivals.id", "is not", null).then(1).else(0).end()).else(0).end()).as("arrived_expected"),
      eb.fn.sum<number>(eb.case().when("arrivals.walk_in", "=", 1).then(1).else(0).end()).as("walk_ins"),
    ])
    .where("invitations.campaign_id", "=", campaignId)
    .groupBy(["invitations.assignee_id", "invitations.customer_group", "invitations.holdout"])
    .execute();
  const staffIds = [...new Set(rows.map((r) => r.assignee_id).filter((x): x is number => x !== null))];
  const names = staffIds.length
    ? new Map((await db.selectFrom("users").select(["id", "display_name"]).where("id", "in", staffIds).execute()).map((u) => [u.id, u.display_name]))
    : new Map<number, string>();
  const byStaff = new Map<number | null, DeskCountRow>();
  const bySegment = new Map<number | null, DeskCountRow>();
  const total: DeskCounts = { expected: 0, arrived: 0, arrivedExpected: 0, walkIns: 0, byStaff: [], bySegment: [] };
  const add = (m: Map<number | null, DeskCountRow>, key: number | null, name: string | null, expected: number, arrived: number) => {
    const row = m.get(key) ?? { key, name, expected: 0, arrived: 0 };
    row.expected += expected;
    row.arrived += arrived;
    m.set(key, row);
  };
  for (const r of rows) {
    const arrived = toInt(r.arrived);
    total.arrived += arrived;
    total.walkIns += toInt(r.walk_ins);
    if (toInt(r.holdout)) continue;
    const expected = toInt(r.expected);
    total.expected += expected;
    total.arrivedExpected += toInt(r.arrived_expected);
    const staff = r.assignee_id === null ? null : toInt(r.assignee_id);
    const group = r.customer_group === null ? null : toInt(r.customer_group);
    add(byStaff, staff, staff === null ? null : names.get(staff) ?? null, expected, arrived);
    add(bySegment, group, null, expected, arrived);
  }
  const nullsLast = (a: DeskCountRow, b: DeskCountRow) => (a.key === null ? 1 : 0) - (b.key === null ? 1 : 0);
  total.byStaff = [...byStaff.values()].sort((a, b) => nullsLast(a, b) || (a.name ?? "").localeCompare(b.name ?? "", "zh-CN") || (a.key ?? 0) - (b.key ?? 0));
  total.bySegment = [...bySegment.values()].sort((a, b) => nullsLast(a, b) || (a.key ?? 0) - (b.key ?? 0));
  return total;
}
