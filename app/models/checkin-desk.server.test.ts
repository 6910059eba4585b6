import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { scanCheckIn, deskCounts } from "./checkin-desk.server";
import { invitationCode } from "./invitation-code";
import { saveStoreSettings } from "./settings.server";
import { DEFAULT_SETTINGS } from "./settings.schema";
import { createTestDb } from "../../tests/helpers/test-db";
import { attempt, EVENT_DAY, makeEventCampaign, TZ } from "../../tests/helpers/execution-factories";

let db: DB;
beforeEach(async () => { db = await createTestDb(); });
afterEach(async () => { await db.destroy(); });

describe("the desk's scan", () => {
  it("checks a guest in once, then says already in with when and by whom; codes of nobody and of another campaign say so", async () => {
    const ctx = await makeEventCampaign(db);
    const other = await makeEventCampaign(db, { seed: 9 });
    const staff = ctx.staffActors[0]!;
    const args = { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: staff, timeZone: TZ, now: EVENT_DAY };
    const inv = ctx.invited[0]!;
    const code = invitationCode(inv.id);
    const first = await scanCheckIn(db, { ...args, text: ` ${code.slice(0, 3)}-${code.slice(3).toLowerCase()} ` });
    expect(first).toMatchObject({ outcome: "checked_in", code, at: EVENT_DAY.toISOString() });
    const again = await scanCheckIn(db, { ...args, text: code });
    expect(again).toMatchObject({ outcome: "already", code, at: EVENT_DAY.toISOString() });
    expect((again as { by: string }).by).toBeTruthy();
    expect(await db.selectFrom("arrivals").select("id").where("invitation_id", "=", inv.id).execute()).toHaveLength(1);
    expect(await scanCheckIn(db, { ...args, text: "ZZZZZZZ" })).toEqual({ outcome: "not_invited", code: null });
    expect(await scanCheckIn(db, { ...args, text: "hello" })).toEqual({ outcome: "not_invited", code: null });
    const otherCode = invitationCode(other.invited[0]!.id);
    // another store's campaign: not invited, never named
    if (other.storeId !== ctx.storeId) expect(await scanCheckIn(db, { ...args, text: otherCode })).toEqual({ outcome: "not_invited", code: otherCode });
    const held = await scanCheckIn(db, { ...args, text: invitationCode(ctx.held[0]!.id) });
    expect(held.outcome).toBe("holdout_checked_in");
  });

  it("before the desk opens it refuses and says when it opens; the store's setting moves the opening", async () => {
    const ctx = await makeEventCampaign(db);
    const early = new Date("2026-12-11T12:00:00Z"); // 20:00 the evening before, event at 09:00 (factory)
    const c = await db.selectFrom("campaigns").select("event_start").where("id", "=", ctx.campaignId).executeTakeFirstOrThrow();
    const args = { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.staffActors[0]!, timeZone: TZ, now: early, text: invitationCode(ctx.invited[0]!.id) };
    const refused = await scanCheckIn(db, args);
    expect(refused).toMatchObject({ outcome: "refused", key: "execution:checkin.opensAt" });
    expect((refused as { params: Record<string, string> }).params.date).toBe(c.event_start!.slice(0, 10));
    await saveStoreSettings(db, { storeId: ctx.storeId, userId: null, settings: { ...DEFAULT_SETTINGS, checkinOpensMinutes: 1440 } });
    expect(await scanCheckIn(db, args)).toMatchObject({ outcome: "checked_in" });
  });
});

describe("the desk's live count", () => {
  it("counts arrivals against yes + maybe by staff and by segment, hold-out and walk-ins in the total only", async () => {
    const ctx = await makeEventCampaign(db);
    const door = { storeId: ctx.storeId, campaignId: ctx.campaignId, timeZone: TZ, now: EVENT_DAY };
    const assigned = ctx.invited.filter((i) => i.assignee_id !== null);
    const [a, b, c] = assigned;
    const who = (id: number | null) => ctx.staffActors.find((s) => s.id === id) ?? ctx.actor;
    await attempt(db, ctx, who(a!.assignee_id), a!.id, { outcome: "yes" });
    await attempt(db, ctx, who(b!.assignee_id), b!.id, { outcome: "maybe" });
    await attempt(db, ctx, who(c!.assignee_id), c!.id, { outcome: "no" });
    let counts = await deskCounts(db, { storeId: ctx.storeId, campaignId: ctx.campaignId });
    expect(counts).toMatchObject({ expected: 2, arrived: 0, arrivedExpected: 0 });
    await scanCheckIn(db, { ...door, actor: ctx.actor, text: invitationCode(a!.id) });
    await scanCheckIn(db, { ...door, actor: ctx.actor, text: invitationCode(c!.id) }); // a "no" who came anyway
    await scanCheckIn(db, { ...door, actor: ctx.actor, text: invitationCode(ctx.held[0]!.id) });
    counts = await deskCounts(db, { storeId: ctx.storeId, campaignId: ctx.campaignId });
    expect(counts).toMatchObject({ expected: 2, arrived: 3, arrivedExpected: 1, walkIns: 0 });
    const rowOf = (id: number | null) => counts.byStaff.find((r) => r.key === id)!;
    expect(rowOf(a!.assignee_id).name).toBe((await db.selectFrom("users").select("display_name").where("id", "=", a!.assignee_id!).executeTakeFirstOrThrow()).display_name);
    // rows add up to the totals (hold-out left out of the rows)
    const sum = (rows: { expected: number; arrived: number }[]) => rows.reduce((s, r) => ({ expected: s.expected + r.expected, arrived: s.arrived + r.arrived }), { expected: 0, arrived: 0 });
    expect(sum(counts.byStaff)).toEqual({ expected: 2, arrived: 2 });
    expect(sum(counts.bySegment)).toEqual({ expected: 2, arrived: 2 });
    const seg = counts.bySegment.find((r) => r.key === (a!.customer_group === null ? null : Number(a!.customer_group)))!;
    expect(seg.expected).toBeGreaterThanOrEqual(1);
  });
});
