/**
 * Saved segments (目标客户) and the builder's queries. A segment's members are the
 * customers of the store matching its definition on the as-of date, never those marked
 * do_not_contact (they are counted separately). Counts read the segmentation snapshot
 * (customer_segments, kept fresh by ensureSegments) so a builder count is one indexed query.
 */
import { phoneFor, type Viewer } from "./permissions";
import type { ExpressionBuilder } from "kysely";
import type { DB } from "#db/client";
import { toInt } from "#db/dialect";
import type { Database } from "#db/schema";
import { addDays } from "~/utils/format";
import { GROUPS, TIERS, visitTypesOfLine, type GroupNumber, type Tier } from "./domain";
import { OPEN_LEAD_STATUSES } from "./lead.schema";
import { definitionFromFields, SegmentDefinitionSchema, type BuilderFields, type Condition, type SegmentDefinition } from "./segment.schema";
import { ensureSegments, ensureSnapshot } from "./segmentation.server";
import { SegmentNotFound, SegmentStaleVersion } from "./errors";
export { SegmentNotFound, SegmentStaleVersion };

export interface SegmentSummary {
  /** members: matching customers who may be contacted */
  count: number;
  /** matching customers excluded because they refused contact (勿扰) */
  doNotContact: number;
  byGroup: Record<GroupNumber, number>;
  byTier: Record<Tier, number>;
}

export interface SegmentMember {
  customerId: number;
  group: GroupNumber;
  tier: Tier;
}

export interface SavedSegment {
  id: number;
  store_id: number;
  name: string;
  description: string | null;
  definition: SegmentDefinition;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  version: number;
}

type EB = ExpressionBuilder<Database, "customer_segments">;

/** One builder condition as a predicate on customer_segments (plus live tables where needed). */
function conditionExpr(eb: EB, c: Condition, ctx: { storeId: number; asOf: string }) {
  switch (c.kind) {
    case "group":
      return eb("customer_segments.grp", "in", c.values);
    case "tier":
      return eb("customer_segments.tier", "in", c.values);
    case "rfm":
      return eb.and([eb(`customer_segments.${c.metric}`, ">=", c.min), eb(`customer_segments.${c.metric}`, "<=", c.max)]);
    case "vehicleAge":
      return eb("customer_segments.vehicle_age", "in", c.values);
    case "warranty":
      return eb("customer_segments.warranty", "in", c.values);
    case "insuranceDue":
      return eb("customer_segments.insurance_due", "=", c.due ? 1 : 0);
    case "usage":
      return eb("customer_segments.usage", "in", c.values);
    case "preference":
      return eb.exists(
        eb.selectFrom("customer_preferences").select("customer_preferences.customer_id")
          .whereRef("customer_preferences.customer_id", "=", "customer_segments.customer_id")
          .where("customer_preferences.preference", "in", c.values),
      );
    case "model":
      return eb.exists(
        eb.selectFrom("vehicles").select("vehicles.id")
          .whereRef("vehicles.customer_id", "=", "customer_segments.customer_id")
          .where("vehicles.model", "in", c.values),
      );
    case "lastVisit":
      return eb("customer_segments.last_visit", c.op === "after" ? ">" : "<", c.date);
    case "lineVisit": {
      const visits = eb.selectFrom("service_visits").select("service_visits.id")
        .where("service_visits.store_id", "=", ctx.storeId)
        .whereRef("service_visits.customer_id", "=", "customer_segments.customer_id")
        .where("service_visits.type", "in", visitTypesOfLine(c.line))
        .where("service_visits.visit_date", ">", addDays(ctx.asOf, -c.days))
        .where("service_visits.visit_date", "<=", ctx.asOf);
      return c.has ? eb.exists(visits) : eb.not(eb.exists(visits));
    }
    case "openLead":
      return eb.exists(
        eb.selectFrom("leads").select("leads.id")
          .where("leads.store_id", "=", ctx.storeId)
          .whereRef("leads.customer_id", "=", "customer_segments.customer_id")
          .where("leads.kind", "in", c.values)
          .where("leads.status", "in", [...OPEN_LEAD_STATUSES]),
      );
  }
}

/** customer_segments rows of the store matching a definition (members and do-not-contact alike). */
function matching(db: DB, { storeId, asOf, definition }: { storeId: number; asOf: string; definition: SegmentDefinition }) {
  let q = db.selectFrom("customer_segments").where("customer_segments.store_id", "=", storeId);
  if (definition.conditions.length) {
    q = q.where((eb) => {
      const parts = definition.conditions.map((c) => conditionExpr(eb, c, { storeId, asOf }));
      return definition.match === "any" ? eb.or(parts) : eb.and(parts);
    });
  }
  return q;
}

const emptyByGroup = () => Object.fromEntries(GROUPS.map((g) => [g, 0])) as Record<GroupNumber, number>;
const emptyByTier = () => Object.fromEntries(TIERS.map((t) => [t, 0])) as Record<Tier, number>;

/** Count, do-not-contact count and breakdowns for any definition (saved or a builder draft). */
export async function summariseDefinition(
  db: DB,
  { storeId, definition, asOf, freshWithinMs, serveLast }: { storeId: number; definition: SegmentDefinition; asOf?: string; freshWithinMs?: number; serveLast?: boolean },
): Promise<SegmentSummary & { asOf: string }> {
  const day = await ensureSegments(db, { storeId, asOf, freshWithinMs, serveLast });
  const rows = await matching(db, { storeId, asOf: day, definition })
    .select((eb) => ["customer_segments.grp", "customer_segments.tier", "customer_segments.do_not_contact", eb.fn.countAll().as("n")])
    .groupBy(["customer_segments.grp", "customer_segments.tier", "customer_segments.do_not_contact"])
    .execute();
  const out: SegmentSummary & { asOf: string } = { asOf: day, count: 0, doNotContact: 0, byGroup: emptyByGroup(), byTier: emptyByTier() };
  for (const r of rows) {
    const n = toInt(r.n);
    if (toInt(r.do_not_contact)) {
      out.doNotContact += n;
      continue;
    }
    out.count += n;
    out.byGroup[toInt(r.grp) as GroupNumber] += n;
    out.byTier[r.tier as Tier] += n;
  }
  return out;
}

/** Members of a definition (never do-not-contact), ordered by customer id. */
export async function membersOfDefinition(
  db: DB,
  { storeId, definition, asOf }: { storeId: number; definition: SegmentDefinition; asOf?: string },
): Promise<SegmentMember[]> {
  const day = await ensureSegments(db, { storeId, asOf });
  const rows = await matching(db, { storeId, asOf: day, definition })
    .where("customer_segments.do_not_contact", "=", 0)
    .select(["customer_segments.customer_id", "customer_segments.grp", "customer_segments.tier"])
    .orderBy("customer_segments.customer_id")
    .execute();
  return rows.map((r) => ({ customerId: toInt(r.customer_id), group: toInt(r.grp) as GroupNumber, tier: r.tier as Tier }));
}

/** A member as an export shows it (export-rows.server.ts). */
export interface SegmentMemberDetail {
  customerId: number;
  customerCode: string;
  name: string;
  phone: string | null;
  group: GroupNumber;
  tier: Tier;
  lastVisit: string | null;
  visits: number;
  revenueFen: number;
  r: number;
  f: number;
  m: number;
}

/**
 * A saved segment's members (never do-not-contact) page by page in customer id order, for an
 * export of any size: the snapshot is made fresh first (so a missing segment or a failing
 * rebuild surfaces before a download starts), then pages are read by keyset.
 */
export async function segmentMemberPages(
  db: DB,
  { storeId, segmentId, asOf, pageSize = 1000 }: { storeId: number; segmentId: number; asOf?: string; pageSize?: number },
): Promise<{ segment: SavedSegment; asOf: string; pages: AsyncGenerator<SegmentMemberDetail[]> }> {
  const segment = await requireSegment(db, storeId, segmentId);
  const day = await ensureSegments(db, { storeId, asOf });
  async function* pages() {
    let after = 0;
    for (;;) {
      const rows = await matching(db, { storeId, asOf: day, definition: segment.definition })
        .innerJoin("customers", "customers.id", "customer_segments.customer_id")
        .where("customer_segments.do_not_contact", "=", 0)
        .where("customer_segments.customer_id", ">", after)
        .select([
          "customer_segments.customer_id", "customers.customer_code", "customers.name", "customers.phone",
          "customer_segments.grp", "customer_segments.tier", "customer_segments.last_visit", "customer_segments.visits",
          "customer_segments.revenue_fen", "customer_segments.r", "customer_segments.f", "customer_segments.m",
        ])
        .orderBy("customer_segments.customer_id")
        .limit(pageSize)
        .execute();
      if (!rows.length) return;
      yield rows.map((r) => ({
        customerId: toInt(r.customer_id), customerCode: r.customer_code, name: r.name, phone: r.phone,
        group: toInt(r.grp) as GroupNumber, tier: r.tier as Tier, lastVisit: r.last_visit, visits: toInt(r.visits),
        revenueFen: toInt(r.revenue_fen), r: toInt(r.r), f: toInt(r.f), m: toInt(r.m),
      }));
      if (rows.length < pageSize) return;
      after = toInt(rows[rows.length - 1]!.customer_id);
    }
  }
  return { segment, asOf: day, pages: pages() };
}

/** A few members for the builder's preview: highest revenue first. */
export async function sampleOfDefinition(
  db: DB,
  { storeId, definition, asOf, limit = 10, freshWithinMs }: { storeId: number; definition: SegmentDefinition; asOf?: string; limit?: number; freshWithinMs?: number },
) {
  const day = await ensureSegments(db, { storeId, asOf, freshWithinMs });
  const rows = await matching(db, { storeId, asOf: day, definition })
    .innerJoin("customers", "customers.id", "customer_segments.customer_id")
    .where("customer_segments.do_not_contact", "=", 0)
    .select([
      "customers.id", "customers.customer_code", "customers.name", "customers.phone",
      "customer_segments.grp", "customer_segments.tier", "customer_segments.last_visit", "customer_segments.revenue_fen",
    ])
    .orderBy("customer_segments.revenue_fen", "desc")
    .orderBy("customers.customer_code")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, id: toInt(r.id), grp: toInt(r.grp) as GroupNumber, tier: r.tier as Tier, revenue_fen: toInt(r.revenue_fen) }));
}

// ── Saved segments ──

function parseDefinition(json: string): SegmentDefinition {
  const parsed = SegmentDefinitionSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : { match: "all", conditions: [] };
}

export async function listSegments(db: DB, { storeId }: { storeId: number }) {
  return db
    .selectFrom("segments")
    .select(["id", "name", "description", "updated_at"])
    .where("store_id", "=", storeId)
    .orderBy("name")
    .orderBy("id")
    .execute();
}

/** Saved segments with their live member and do-not-contact counts. */
export async function listSegmentsWithCounts(db: DB, { storeId, asOf, serveLast }: { storeId: number; asOf?: string; serveLast?: boolean }) {
  const rows = await db.selectFrom("segments").selectAll().where("store_id", "=", storeId).orderBy("name").orderBy("id").execute();
  const out = [];
  for (const row of rows) {
    const summary = await summariseDefinition(db, { storeId, definition: parseDefinition(row.definition), asOf, serveLast });
    out.push({ id: row.id, name: row.name, description: row.description, updated_at: row.updated_at, count: summary.count, doNotContact: summary.doNotContact });
  }
  return out;
}

export async function getSegment(db: DB, { storeId, id }: { storeId: number; id: number }): Promise<SavedSegment | null> {
  const row = await db.selectFrom("segments").selectAll().where("store_id", "=", storeId).where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  return { ...row, version: toInt(row.version), definition: parseDefinition(row.definition) };
}

async function requireSegment(db: DB, storeId: number, segmentId: number) {
  const segment = await getSegment(db, { storeId, id: segmentId });
  if (!segment) throw new SegmentNotFound();
  return segment;
}

export async function getSegmentSummary(db: DB, { storeId, segmentId, asOf }: { storeId: number; segmentId: number; asOf?: string }): Promise<SegmentSummary> {
  const segment = await requireSegment(db, storeId, segmentId);
  const { asOf: _day, ...summary } = await summariseDefinition(db, { storeId, definition: segment.definition, asOf });
  return summary;
}

export async function getSegmentMembers(db: DB, { storeId, segmentId, asOf }: { storeId: number; segmentId: number; asOf?: string }): Promise<SegmentMember[]> {
  const segment = await requireSegment(db, storeId, segmentId);
  return membersOfDefinition(db, { storeId, definition: segment.definition, asOf });
}

export async function getSegmentMemberIds(db: DB, args: { storeId: number; segmentId: number; asOf?: string }): Promise<number[]> {
  return (await getSegmentMembers(db, args)).map((m) => m.customerId);
}

export async function createSegment(
  db: DB,
  { storeId, userId, name, description, definition }: { storeId: number; userId: number | null; name: string; description?: string | null; definition: SegmentDefinition },
): Promise<SavedSegment> {
  const now = new Date().toISOString();
  const def = SegmentDefinitionSchema.parse(definition);
  const row = await db
    .insertInto("segments")
    .values({ store_id: storeId, name, description: description ?? null, definition: JSON.stringify(def), created_by: userId, created_at: now, updated_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  return (await getSegment(db, { storeId, id: toInt(row.id) }))!;
}

/** Saves a new name/description/definition if `version` is still the stored one (else SegmentStaleVersion). */
export async function updateSegment(
  db: DB,
  { storeId, id, version, name, description, definition }: {
    storeId: number; id: number; userId?: number | null; version: number; name: string; description?: string | null; definition: SegmentDefinition;
  },
): Promise<SavedSegment> {
  const def = SegmentDefinitionSchema.parse(definition);
  const result = await db
    .updateTable("segments")
    .set((eb) => ({
      name, description: description ?? null, definition: JSON.stringify(def),
      updated_at: new Date().toISOString(), version: eb("version", "+", 1),
    }))
    .where("store_id", "=", storeId)
    .where("id", "=", id)
    .where("version", "=", version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) {
    await requireSegment(db, storeId, id);
    throw new SegmentStaleVersion();
  }
  return (await getSegment(db, { storeId, id }))!;
}

/** The whole store (do-not-contact included) by group and by tier, for the /segments overview. */
/** `serveLast`: read the last snapshot while a newer one is computed in the background (segmentation.server.ts). */
export async function storeOverview(db: DB, { storeId, asOf, serveLast }: { storeId: number; asOf?: string; serveLast?: boolean }) {
  const snapshot = await ensureSnapshot(db, { storeId, asOf, serveLast });
  const day = snapshot.asOf;
  const rows = await db.selectFrom("customer_segments").where("store_id", "=", storeId)
    .select((eb) => ["grp", "tier", eb.fn.countAll().as("n")]).groupBy(["grp", "tier"]).execute();
  const byGroup = emptyByGroup();
  const byTier = emptyByTier();
  let total = 0;
  for (const r of rows) {
    const n = toInt(r.n);
    byGroup[toInt(r.grp) as GroupNumber] += n;
    byTier[r.tier as Tier] += n;
    total += n;
  }
  return { asOf: day, computedAt: snapshot.computedAt, rebuilding: snapshot.rebuilding, total, byGroup, byTier };
}

/** Vehicle models on file in the store (the builder's model choices). */
export async function listVehicleModels(db: DB, { storeId }: { storeId: number }): Promise<string[]> {
  const rows = await db.selectFrom("vehicles").select("model").distinct().where("store_id", "=", storeId).where("model", "is not", null).orderBy("model").execute();
  return rows.map((r) => r.model!).filter(Boolean);
}

/** The builder re-counts on every click: within this many ms of a check the snapshot is trusted. */
export const PREVIEW_FRESH_MS = 10_000;

/** The builder's preview of a draft (builder fields): summary and sample, or invalid. */
export async function previewDraft(db: DB, { storeId, fields, asOf, viewer }: { storeId: number; fields: BuilderFields; asOf?: string; viewer?: Viewer }): Promise<{
  asOf: string; summary: SegmentSummary | null; sample: Awaited<ReturnType<typeof sampleOfDefinition>>; invalid: boolean;
}> {
  const parsed = SegmentDefinitionSchema.safeParse(definitionFromFields(fields));
  if (!parsed.success) return { asOf: asOf ?? "", summary: null, sample: [], invalid: true };
  const { asOf: day, ...summary } = await summariseDefinition(db, { storeId, definition: parsed.data, asOf, freshWithinMs: PREVIEW_FRESH_MS });
  const sample = await sampleOfDefinition(db, { storeId, definition: parsed.data, asOf: day, limit: 10, freshWithinMs: PREVIEW_FRESH_MS });
  return { asOf: day, summary, sample: viewer ? sample.map((c) => ({ ...c, phone: phoneFor(viewer, c.phone) })) : sample, invalid: false };
}
