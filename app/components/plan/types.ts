import type { SerializeFrom } from "@remix-run/node";
import type { CampaignDetail as Detail } from "~/models/campaign.server";
import type { SegmentSummary } from "~/models/segment.server";

/** The campaign detail as a loader sends it (plain JSON). */
export type CampaignDetail = SerializeFrom<Detail>;
export type SegmentSummaryView = SerializeFrom<SegmentSummary> & { baseline?: { rate: number; days: number; source: "history" | "default" } };
export type Option = { id: number; name: string };
