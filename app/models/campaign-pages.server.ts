/**
 * What the campaign pages show, each in one call: the plan with its options (segments,
 * users) and the chosen segment's live audience; the list with audience sizes.
 * Built on campaign.server.ts and the segment API (segment.server.ts).
 */
import type { DB } from "#db/client";
import type { TFunction } from "i18next";
import type { CampaignListFilters } from "./campaign.schema";
import { allowedActions, editMode, getCampaign, listCampaignMonth, listCampaigns, type Actor } from "./campaign.server";
import { planDefaults, TEMPLATES } from "./campaign-templates";
import { getHistoryRefs } from "./campaign-history.server";
import { getSegmentSummary, listSegments, SegmentNotFound, type SegmentSummary } from "./segment.server";
import { listStoreUsers } from "./user.server";
import { baselineVisitRate, type Baseline } from "./holdout-advice.server";

export type { SegmentSummary };

/** The live audience of a saved segment of the store, or null when there is none; with the store's baseline visit rate (hold-out advice, issue 15). */
export async function getAudience(db: DB, { storeId, segmentId }: { storeId: number; segmentId: number | null }): Promise<(SegmentSummary & { baseline: Baseline }) | null> {
  if (!segmentId) return null;
  try {
    const [summary, baseline] = await Promise.all([getSegmentSummary(db, { storeId, segmentId }), baselineVisitRate(db, { storeId })]);
    return { ...summary, baseline };
  } catch (e) {
    if (e instanceof SegmentNotFound) return null;
    throw e;
  }
}

export async function planOptions(db: DB, { storeId }: { storeId: number }) {
  const [segments, users] = await Promise.all([listSegments(db, { storeId }), listStoreUsers(db, { storeId })]);
  return {
    segments: segments.map((s) => ({ id: s.id, name: s.name })),
    users: users.filter((u) => u.active === 1).map((u) => ({ id: u.id, name: u.display_name })),
  };
}

/** /campaigns/new: a blank or template plan in the user's language, and the pickers' options. */
export async function loadNewPlan(db: DB, { storeId, actor, t, templateKey, today }: { storeId: number; actor: Actor; t: TFunction; templateKey: string | null; today: string }) {
  return {
    values: planDefaults(t, { templateKey, today, ownerId: actor.id }),
    templates: TEMPLATES.map((tpl) => ({ key: tpl.key, groups: tpl.groups, tiers: tpl.tiers })),
    templateKey: TEMPLATES.some((x) => x.key === templateKey) ? templateKey : null,
    ...(await planOptions(db, { storeId })),
  };
}

/** A campaign with what its pages need: options, audience, what the actor may do. */
export async function loadCampaignPage(db: DB, { storeId, id, actor, withOptions = false }: { storeId: number; id: number; actor: Actor; withOptions?: boolean }) {
  const detail = await getCampaign(db, { storeId, id });
  const [audience, options, historyRefs] = await Promise.all([
    getAudience(db, { storeId, segmentId: detail.campaign.segment_id }),
    withOptions ? planOptions(db, { storeId }) : Promise.resolve({ segments: [], users: [] }),
    getHistoryRefs(db, { campaignId: id, history: detail.history }),
  ]);
  return {
    detail,
    audience,
    historyRefs,
    ...options,
    mode: editMode(detail.campaign.status, actor),
    actions: allowedActions(detail.campaign, actor),
  };
}

/** The list (with each segment's live audience size) or the month calendar. */
export async function loadCampaignList(db: DB, { storeId, filters, month }: { storeId: number; filters: CampaignListFilters; month: string }) {
  if (filters.view === "calendar") return { view: "calendar" as const, rows: [], calendar: await listCampaignMonth(db, { storeId, month }) };
  const rows = await listCampaigns(db, { storeId, filters });
  const sizes = new Map<number, number | null>();
  for (const r of rows) {
    if (r.segment_id && !sizes.has(r.segment_id)) sizes.set(r.segment_id, (await getAudience(db, { storeId, segmentId: r.segment_id }))?.count ?? null);
  }
  return {
    view: "list" as const,
    rows: rows.map((r) => ({ ...r, audience: r.segment_id ? sizes.get(r.segment_id) ?? null : null })),
    calendar: null,
  };
}
