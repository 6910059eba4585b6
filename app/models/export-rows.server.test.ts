import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { createTestDb } from "../../tests/helpers/test-db";
import { makeStore } from "../../tests/helpers/factories";
import { makeSegment } from "../../tests/helpers/campaign-factories";
import { attempt, makeEventCampaign } from "../../tests/helpers/execution-factories";
import { customerWith } from "../../tests/helpers/segment-factories";
import { csvDocument, parseCsv, type Cell } from "~/utils/csv";
import { fixedT } from "~/utils/i18n-resources.server";
import { addDays } from "~/utils/format";
import { CampaignNotFound } from "./campaign.server";
import { audienceExport, audienceRow, segmentMemberColumns, segmentMemberRow, segmentMembersExport } from "./export-rows.server";
import { segmentMemberPages, SegmentNotFound } from "./segment.server";

const AS_OF = "2026-06-30";
const MANAGER = { role: "manager" } as const;
const STAFF = { role: "staff" } as const;
const collect = async (rows: Iterable<Cell[]> | AsyncIterable<Cell[]>) => { const out: Cell[][] = []; for await (const r of rows) out.push(r); return out; };

describe("row builders", () => {
  const member = { customerId: 1, customerCode: "C001", name: "王小明", phone: "13800001234", group: 2 as const, tier: "A" as const, lastVisit: "2026-06-20", visits: 3, revenueFen: 123450, r: 5, f: 3, m: 4 };
  it("a segment member in the reader's language, money in fen, the day as a date cell, the phone masked for staff", () => {
    expect(segmentMemberRow(member, { t: fixedT("zh-CN"), viewer: MANAGER })).toEqual(["C001", "王小明", "13800001234", "第 2 类", "A · VIP", { date: "2026-06-20" }, 3, { fen: 123450 }, 5, 3, 4]);
    expect(segmentMemberRow(member, { t: fixedT("en"), viewer: STAFF })[2]).toBe("138****1234");
    expect(segmentMemberColumns(fixedT("zh-CN")).map((c) => c.header).slice(0, 3)).toEqual(["客户编号", "姓名", "手机号码"]);
    expect(segmentMemberColumns(fixedT("en")).find((c) => c.header === "Phone")?.text).toBe(true);
  });
  it("an audience member: kind, hold-out and result as words", () => {
    const row = audienceRow({
      customerCode: "C9", name: "谢伟", phone: null, kind: "audience", holdout: true, group: null, tier: null, assignee: null,
      result: "pending", attempts: 0, lastAttemptAt: "2026-12-05T10:00", nextFollowUp: null, depositFen: 50000,
    }, { t: fixedT("en"), viewer: MANAGER });
    expect(row).toEqual(["C9", "谢伟", null, "Target group", "Yes", null, null, null, "To contact", 0, { date: "2026-12-05" }, null, { fen: 50000 }]);
  });
});

describe("exports from the database", () => {
  let db: DB;
  beforeEach(async () => { db = await createTestDb(); });
  afterEach(async () => { await db.destroy(); });

  it("reads a segment's members page by page, never the do-not-contact ones, and never another store's segment", async () => {
    const storeId = (await makeStore(db)).id;
    for (let i = 1; i <= 5; i++) await customerWith(db, storeId, { code: `C${i}`, name: `客户${i}`, visits: [[addDays(AS_OF, -i), "maintenance", 100 * i]] });
    await customerWith(db, storeId, { code: "C6", doNotContact: true, visits: [[addDays(AS_OF, -1), "maintenance", 100]] });
    const segment = await makeSegment(db, storeId);
    const { pages } = await segmentMemberPages(db, { storeId, segmentId: segment.id, asOf: AS_OF, pageSize: 2 });
    const sizes: number[] = [];
    const codes: string[] = [];
    for await (const page of pages) { sizes.push(page.length); codes.push(...page.map((m) => m.customerCode)); }
    expect(sizes).toEqual([2, 2, 1]);
    expect(codes).toEqual(["C1", "C2", "C3", "C4", "C5"]);

    const table = await segmentMembersExport(db, { storeId, segmentId: segment.id, t: fixedT("zh-CN"), viewer: STAFF, asOf: AS_OF });
    expect(table.sheetName).toBe("目标客户");
    const rows = await collect(table.rows);
    expect(rows[0]).toEqual(["C1", "客户1", "138****1234", expect.any(String), expect.any(String), { date: addDays(AS_OF, -1) }, 1, { fen: 10000 }, expect.any(Number), expect.any(Number), expect.any(Number)]);
    const csv = parseCsv(csvDocument([table.columns!.map((c) => c.header), ...rows]).slice(1));
    expect(csv[1]!.slice(0, 3)).toEqual(["C1", "客户1", "138****1234"]);
    expect(csv[1]![7]).toBe("100.00");

    const other = (await makeStore(db, { code: "ZZ99" })).id;
    await expect(segmentMembersExport(db, { storeId: other, segmentId: segment.id, t: fixedT("en"), viewer: MANAGER })).rejects.toBeInstanceOf(SegmentNotFound);
  });

  it("lists a campaign's audience with the hold-out, results and deposits; another store's campaign is not found", async () => {
    const ctx = await makeEventCampaign(db, { customers: 8, holdoutPercent: 25 });
    await attempt(db, ctx, ctx.actor, ctx.invited[0]!.id, { outcome: "yes", deposit: 50000 });
    const table = await audienceExport(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, t: fixedT("en"), viewer: MANAGER });
    const rows = await collect(table.rows);
    expect(rows).toHaveLength(8);
    expect(rows.filter((r) => r[4] === "Yes")).toHaveLength(ctx.held.length);
    const yes = rows.find((r) => r[8] === "Yes, coming")!;
    expect(yes[12]).toEqual({ fen: 50000 });
    expect(yes[10]).toEqual({ date: expect.stringMatching(/^2026-12-0\d$/) });
    const other = (await makeStore(db, { code: "ZZ98" })).id;
    await expect(audienceExport(db, { storeId: other, campaignId: ctx.campaignId, t: fixedT("en"), viewer: MANAGER })).rejects.toBeInstanceOf(CampaignNotFound);
  });
});
