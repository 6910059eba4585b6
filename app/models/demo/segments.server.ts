/** Demo saved segments for the Zhengzhou store (called at the end of seedDemo). */
import type { DemoContext } from "./context";
import type { SegmentDefinition } from "~/models/segment.schema";
import { createSegment } from "~/models/segment.server";

export const DEMO_SEGMENTS: { name: string; description: string; definition: SegmentDefinition }[] = [
  {
    name: "第 2 类 待开发",
    description: "保养多、维修和续保少：以养代修",
    definition: { match: "all", conditions: [{ kind: "group", values: [2] }] },
  },
  {
    name: "保险 60 天内到期",
    description: "续保关键触点：到期前两月",
    definition: { match: "all", conditions: [{ kind: "insuranceDue", due: true }] },
  },
  {
    name: "A 类客户与高忠诚",
    description: "VIP 或第 8 类高忠诚客户：答谢回馈",
    definition: { match: "any", conditions: [{ kind: "tier", values: ["A"] }, { kind: "group", values: [8] }] },
  },
  {
    name: "第 7 类 重安全",
    description: "维修与续保事故多、保养少：养车讲堂",
    definition: { match: "all", conditions: [{ kind: "group", values: [7] }] },
  },
];

export async function seedSegmentsDemo(ctx: DemoContext) {
  const storeId = ctx.stores.ZZ01;
  if (!storeId) return;
  const userId = ctx.users["manager@demo.test"] ?? null;
  for (const s of DEMO_SEGMENTS) await createSegment(ctx.db, { storeId, userId, ...s });
}
