import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { createTestDb } from "../../tests/helpers/test-db";
import { makeApprovedCampaign } from "../../tests/helpers/invitation-factories";
import {
  armReminders, cancelQueuedFor, dispatchOnce, dueReminderKinds, outboxCounts, previewInvitationQueue, queueInvitationMessages, reminderKey,
} from "./outbox.server";
import { logSender } from "./outbox-senders.server";
import { optOutFromInvitation } from "./invitation-link.server";

let db: DB;
beforeEach(async () => { db = await createTestDb(); });
afterEach(async () => { await db.destroy(); });

const BASE = "https://invite.example";

async function campaignWithHoldout() {
  const c = await makeApprovedCampaign(db, { customers: 12, holdoutPercent: 25, start: true });
  const rows = await db.selectFrom("invitations").select(["id", "customer_id", "holdout"]).where("campaign_id", "=", c.campaign.id).orderBy("id").execute();
  const contactable = rows.filter((r) => !r.holdout);
  await db.updateTable("customers").set({ do_not_contact: 1 }).where("id", "=", contactable[0]!.customer_id).execute();
  return { c, rows, contactable, refused: contactable[0]!, held: rows.filter((r) => r.holdout) };
}

describe("queueing invitation messages", () => {
  it("queues one message per contactable invitation, never for hold-out or do-not-contact, and only once", async () => {
    const { c, contactable, refused, held } = await campaignWithHoldout();
    expect(held.length).toBeGreaterThan(0);
    const args = { storeId: c.store.id, campaignId: c.campaign.id };
    expect(await previewInvitationQueue(db, args)).toEqual({ toQueue: contactable.length - 1, noPhone: 0 });
    const r = await queueInvitationMessages(db, { ...args, baseUrl: BASE });
    expect(r.queued).toBe(contactable.length - 1);
    const out = await db.selectFrom("outbox").selectAll().where("campaign_id", "=", c.campaign.id).execute();
    const ids = out.map((o) => o.invitation_id);
    expect(ids).not.toContain(refused.id);
    for (const h of held) expect(ids).not.toContain(h.id);
    for (const o of out) {
      expect(o.status).toBe("queued");
      expect(o.idempotency_key).toBe(`invite:sms:${o.invitation_id}`);
      expect(o.text).toContain(o.link!);
      expect(o.link).toMatch(/^https:\/\/invite\.example\/i\//);
    }
    expect((await queueInvitationMessages(db, { ...args, baseUrl: BASE })).queued).toBe(0);
    expect(await previewInvitationQueue(db, args)).toEqual({ toQueue: 0, noPhone: 0 });
    expect(await outboxCounts(db, args)).toEqual({ queued: contactable.length - 1, sent: 0, failed: 0, cancelled: 0 });
  });

  it("sends with the log sender, and re-checks do-not-contact at send time", async () => {
    const { c, contactable } = await campaignWithHoldout();
    const args = { storeId: c.store.id, campaignId: c.campaign.id };
    await queueInvitationMessages(db, { ...args, baseUrl: BASE });
    // a customer refuses contact after queueing
    const late = contactable[1]!;
    await db.updateTable("customers").set({ do_not_contact: 1 }).where("id", "=", late.customer_id).execute();
    const lines: string[] = [];
    const s = await dispatchOnce(db, { sender: logSender((l) => lines.push(l)) });
    expect(s.cancelled).toBe(1);
    expect(s.sent).toBe(contactable.length - 2);
    expect(lines.length).toBe(contactable.length - 2);
    const cancelled = await db.selectFrom("outbox").selectAll().where("invitation_id", "=", late.id).executeTakeFirstOrThrow();
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.provider_answer).toBe("do_not_contact");
    expect((await dispatchOnce(db, { sender: logSender(() => {}) })).claimed).toBe(0);
    expect(await outboxCounts(db, args)).toEqual({ queued: 0, sent: contactable.length - 2, failed: 0, cancelled: 1 });
  });

  it("cancels a customer's queued messages, also when they opt out on the invitation page", async () => {
    const { c, contactable } = await campaignWithHoldout();
    await queueInvitationMessages(db, { storeId: c.store.id, campaignId: c.campaign.id, baseUrl: BASE });
    expect(await cancelQueuedFor(db, [contactable[2]!.customer_id])).toBe(1);
    const token = (await db.selectFrom("invitation_links").select("token").where("invitation_id", "=", contactable[3]!.id).executeTakeFirstOrThrow()).token;
    await optOutFromInvitation(db, { token });
    expect((await db.selectFrom("outbox").select("status").where("invitation_id", "=", contactable[3]!.id).executeTakeFirstOrThrow()).status).toBe("cancelled");
    expect(await outboxCounts(db, { storeId: c.store.id, campaignId: c.campaign.id })).toMatchObject({ cancelled: 2 });
  });
});

describe("reminders", () => {
  it("are due the day before from 10:00 and on the morning from 08:00 until the event starts", () => {
    const ev = "2026-12-12T09:30";
    expect(dueReminderKinds(ev, "2026-12-11T09:59")).toEqual([]);
    expect(dueReminderKinds(ev, "2026-12-11T10:00")).toEqual(["reminder_day_before"]);
    expect(dueReminderKinds(ev, "2026-12-12T07:59")).toEqual(["reminder_day_before"]);
    expect(dueReminderKinds(ev, "2026-12-12T08:00")).toEqual(["reminder_morning"]);
    expect(dueReminderKinds(ev, "2026-12-12T09:30")).toEqual([]);
    // an event at 07:30: the morning reminder has no time left, the day-before one runs until the start
    expect(dueReminderKinds("2026-12-12T07:30", "2026-12-12T07:00")).toEqual(["reminder_day_before"]);
    expect(dueReminderKinds("2026-01-01T09:00", "2025-12-31T10:00")).toEqual(["reminder_day_before"]);
  });

  it("go to yes and maybe (day before) and yes (morning), and are re-armed when the event moves", async () => {
    const { c, contactable } = await campaignWithHoldout();
    const tz = (await db.selectFrom("stores").select("timezone").where("id", "=", c.store.id).executeTakeFirstOrThrow()).timezone;
    expect(tz).toBe("Asia/Shanghai");
    const [yes, maybe, no] = [contactable[1]!, contactable[2]!, contactable[3]!];
    await db.updateTable("invitations").set({ result: "yes" }).where("id", "=", yes.id).execute();
    await db.updateTable("invitations").set({ result: "maybe" }).where("id", "=", maybe.id).execute();
    await db.updateTable("invitations").set({ result: "no" }).where("id", "=", no.id).execute();
    // the do-not-contact customer said yes before refusing: no reminder
    await db.updateTable("invitations").set({ result: "yes" }).where("id", "=", contactable[0]!.id).execute();
    await db.updateTable("campaigns").set({ event_start: "2026-12-12T09:30" }).where("id", "=", c.campaign.id).execute();
    const at = (local: string) => new Date(`${local}:00+08:00`);
    expect((await armReminders(db, { baseUrl: BASE, now: at("2026-12-11T09:00") })).queued).toBe(0);
    expect((await armReminders(db, { baseUrl: BASE, now: at("2026-12-11T10:01") })).queued).toBe(2);
    expect((await armReminders(db, { baseUrl: BASE, now: at("2026-12-11T10:02") })).queued).toBe(0);
    const keys = (await db.selectFrom("outbox").select("idempotency_key").orderBy("id").execute()).map((r) => r.idempotency_key);
    expect(keys).toEqual([reminderKey("reminder_day_before", yes.id, "2026-12-12T09:30"), reminderKey("reminder_day_before", maybe.id, "2026-12-12T09:30")]);
    const text = (await db.selectFrom("outbox").select("text").executeTakeFirstOrThrow()).text;
    expect(text).toContain("2026/12/12 09:30");
    expect(text).toContain("回T退订");

    // the event moves to the 15th before the reminders went out: the old ones never go out
    await db.updateTable("campaigns").set({ event_start: "2026-12-15T14:00" }).where("id", "=", c.campaign.id).execute();
    const lines: string[] = [];
    await armReminders(db, { baseUrl: BASE, now: at("2026-12-11T10:05") });
    expect((await dispatchOnce(db, { sender: logSender((l) => lines.push(l)), now: () => at("2026-12-11T10:05") })).sent).toBe(0);
    expect(lines).toEqual([]);
    expect((await db.selectFrom("outbox").select("status").execute()).map((r) => r.status)).toEqual(["cancelled", "cancelled"]);
    // re-armed for the new time
    expect((await armReminders(db, { baseUrl: BASE, now: at("2026-12-14T10:00") })).queued).toBe(2);
    expect((await dispatchOnce(db, { sender: logSender((l) => lines.push(l)), now: () => at("2026-12-14T10:00") })).sent).toBe(2);
    expect(lines.every((l) => l.includes("2026/12/15 14:00"))).toBe(true);
    // the morning: only yes
    expect((await armReminders(db, { baseUrl: BASE, now: at("2026-12-15T08:00") })).queued).toBe(1);
    // an answer that changes to no before the send: cancelled
    await db.updateTable("invitations").set({ result: "no" }).where("id", "=", yes.id).execute();
    const s = await dispatchOnce(db, { sender: logSender((l) => lines.push(l)), now: () => at("2026-12-15T08:01") });
    expect(s).toMatchObject({ sent: 0, cancelled: 1 });
    const morning = await db.selectFrom("outbox").selectAll().where("kind", "=", "reminder_morning").executeTakeFirstOrThrow();
    expect(morning.idempotency_key).toBe(reminderKey("reminder_morning", yes.id, "2026-12-15T14:00"));
    expect(morning.provider_answer).toBe("answer changed");
  });
});
