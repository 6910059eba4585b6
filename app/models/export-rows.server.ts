/**
 * The rows of the dealer exports (issue 12): segment members, a campaign's audience and the
 * review, as export tables for the shared writers (~/utils/csv for CSV, export-xlsx.server for
 * .xlsx). Headers, sheet names and values in the reader's language; money as fen cells (yuan
 * in the files), days as date cells, phones as text, as the viewer may see them (permissions.phoneFor).
 */
import type { TFunction } from "i18next";
import type { DB } from "#db/client";
import { toInt } from "#db/dialect";
import { day, money, type Cell } from "~/utils/csv";
import { getCampaignRow } from "./campaign.server";
import { phoneFor, type Viewer } from "./permissions";
import type { InvitationResult } from "#db/schema";
import type { ExportColumn, ExportTable } from "./export-table";
import type { ReviewFigures } from "./review-math";
import { reviewRows } from "./review-csv";
import { segmentMemberPages, type SegmentMemberDetail } from "./segment.server";

/** The reader's language, and who reads (staff see phones masked). */
export interface RowContext { t: TFunction; viewer: Pick<Viewer, "role"> }

const T = (t: TFunction, k: string, o?: Record<string, unknown>) => t(k as never, o as never) as unknown as string;
const col = (t: TFunction, key: string, extra: Omit<ExportColumn, "header"> = {}): ExportColumn => ({ header: T(t, `common:exports.columns.${key}`), ...extra });

// ── Segment members ──

export function segmentMemberColumns(t: TFunction): ExportColumn[] {
  return [
    col(t, "customerCode", { text: true, width: 14 }), col(t, "name", { width: 14 }), col(t, "phone", { text: true, width: 15 }),
    col(t, "group"), col(t, "tier", { width: 14 }), col(t, "lastVisit", { width: 12 }), col(t, "visits"), col(t, "revenue", { width: 14 }),
    col(t, "r", { width: 6 }), col(t, "f", { width: 6 }), col(t, "m", { width: 6 }),
  ];
}

export function segmentMemberRow(m: SegmentMemberDetail, { t, viewer }: RowContext): Cell[] {
  return [
    m.customerCode, m.name, phoneFor(viewer, m.phone),
    T(t, "common:groupLabel", { n: m.group }), T(t, `common:tiers.${m.tier}`), day(m.lastVisit), m.visits, money(m.revenueFen),
    m.r, m.f, m.m,
  ];
}

/** A saved segment's members (SegmentNotFound for another store's or a missing segment). */
export async function segmentMembersExport(
  db: DB,
  { storeId, segmentId, t, viewer, asOf }: { storeId: number; segmentId: number; asOf?: string } & RowContext,
): Promise<ExportTable> {
  const { pages } = await segmentMemberPages(db, { storeId, segmentId, asOf });
  async function* rows() {
    for await (const page of pages) for (const m of page) yield segmentMemberRow(m, { t, viewer });
  }
  return { sheetName: T(t, "common:exports.sheets.segmentMembers"), fileStem: `segment-${segmentId}`, columns: segmentMemberColumns(t), rows: rows() };
}

// ── A campaign's audience (its invitations, hold-out included) ──

export interface AudienceMember {
  customerCode: string;
  name: string;
  phone: string | null;
  kind: "audience" | "associated";
  holdout: boolean;
  group: number | null;
  tier: string | null;
  assignee: string | null;
  result: InvitationResult;
  attempts: number;
  lastAttemptAt: string | null;
  nextFollowUp: string | null;
  depositFen: number | null;
}

export function audienceColumns(t: TFunction): ExportColumn[] {
  return [
    col(t, "customerCode", { text: true, width: 14 }), col(t, "name", { width: 14 }), col(t, "phone", { text: true, width: 15 }),
    col(t, "kind"), col(t, "holdout", { width: 8 }), col(t, "group"), col(t, "tier", { width: 14 }), col(t, "assignee", { width: 12 }),
    col(t, "result", { width: 12 }), col(t, "attempts", { width: 8 }), col(t, "lastAttempt", { width: 12 }), col(t, "nextFollowUp", { width: 12 }),
    col(t, "deposit", { width: 12 }),
  ];
}

export function audienceRow(a: AudienceMember, { t, viewer }: RowContext): Cell[] {
  return [
    a.customerCode, a.name, phoneFor(viewer, a.phone),
    T(t, `invitations:kinds.${a.kind}`), T(t, a.holdout ? "common:exports.yes" : "common:exports.no"),
    a.group === null ? null : T(t, "common:groupLabel", { n: a.group }), a.tier === null ? null : T(t, `common:tiers.${a.tier}`),
    a.assignee, T(t, `invitations:columns.${a.result}`), a.attempts, day(a.lastAttemptAt), day(a.nextFollowUp), money(a.depositFen),
  ];
}

/** The campaign's invitations by customer code (CampaignNotFound for another store's campaign). */
export async function listAudience(db: DB, { storeId, campaignId }: { storeId: number; campaignId: number }): Promise<AudienceMember[]> {
  await getCampaignRow(db, { storeId, id: campaignId });
  const rows = await db.selectFrom("invitations")
    .innerJoin("customers", "customers.id", "invitations.customer_id")
    .leftJoin("users as assignee", "assignee.id", "invitations.assignee_id")
    .select([
      "customers.customer_code", "customers.name", "customers.phone", "invitations.kind", "invitations.holdout",
      "invitations.customer_group", "invitations.customer_tier", "assignee.display_name as assignee_name", "invitations.result",
      "invitations.attempts_count", "invitations.last_attempt_at", "invitations.next_follow_up", "invitations.deposit_fen",
    ])
    .where("invitations.campaign_id", "=", campaignId).where("invitations.store_id", "=", storeId)
    .orderBy("customers.customer_code").orderBy("invitations.id")
    .execute();
  return rows.map((r) => ({
    customerCode: r.customer_code, name: r.name, phone: r.phone, kind: r.kind, holdout: toInt(r.holdout) === 1,
    group: r.customer_group === null ? null : toInt(r.customer_group), tier: r.customer_tier, assignee: r.assignee_name,
    result: r.result, attempts: toInt(r.attempts_count), lastAttemptAt: r.last_attempt_at, nextFollowUp: r.next_follow_up,
    depositFen: r.deposit_fen === null ? null : toInt(r.deposit_fen),
  }));
}

export async function audienceExport(
  db: DB,
  { storeId, campaignId, t, viewer }: { storeId: number; campaignId: number } & RowContext,
): Promise<ExportTable> {
  const members = await listAudience(db, { storeId, campaignId });
  return {
    sheetName: T(t, "common:exports.sheets.audience"), fileStem: `audience-${campaignId}`, columns: audienceColumns(t),
    rows: members.map((a) => audienceRow(a, { t, viewer })),
  };
}

// ── The review ──

/** The review's figures as one sheet: the CSV's sections and tables, money as numbers. */
export function reviewExport(fig: ReviewFigures, campaign: { id: number; name: string }, t: TFunction): ExportTable {
  return { sheetName: T(t, "common:exports.sheets.review"), fileStem: `review-${campaign.id}`, rows: reviewRows(fig, campaign.name, t) };
}
