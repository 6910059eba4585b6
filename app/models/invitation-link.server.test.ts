import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { toInt } from "#db/dialect";
import { createTestDb } from "../../tests/helpers/test-db";
import { makeApprovedCampaign } from "../../tests/helpers/invitation-factories";
import { parseObject } from "~/utils/form";
import { getCardHistory } from "./invitation-board.server";
import { invitationCode } from "./invitation-code";
import {
  ensureInvitationLinks, getInviteCalendar, getInvitePage, greetingOf, InviteLinkNotFound, InviteRefused, inviteUrl, isContactable, linkTokenFor,
  maskPlate, newLinkToken, optOutFromInvitation, respondToInvitation,
} from "./invitation-link.server";
import { recordAttempt } from "./invitation.server";
import { InviteFormSchema } from "./invite.schema";
import { checkRateLimit, hitRateLimit, InviteRateLimited } from "./invite-rate-limit.server";
import { getReview } from "./review.server";

let db: DB;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await db.destroy();
});

/** Before the factory campaign's event (2026-12-12 09:00 Shanghai). */
const BEFORE = new Date("2026-12-05T02:00:00Z");
const answer = (response: "yes" | "maybe" | "no", extra: Partial<{ companions: number | null; note: string | null; lossReason: "price" | null }> = {}) =>
  ({ response, companions: null, note: null, lossReason: null, ...extra });

async function setup(opts: { holdoutPercent?: number } = {}) {
  const c = await makeApprovedCampaign(db, { customers: 12, holdoutPercent: opts.holdoutPercent ?? 25, start: true });
  const invs = await db.selectFrom("invitations").selectAll().where("campaign_id", "=", c.campaign.id).orderBy("id").execute();
  return { ...c, invs, contactable: invs.filter((i) => !i.holdout), held: invs.filter((i) => i.holdout) };
}

describe("tokens", () => {
  it("are 144 random bits in base64url, all different", () => {
    const tokens = new Set(Array.from({ length: 2000 }, () => newLinkToken()));
    expect(tokens.size).toBe(2000);
    for (const t of [...tokens].slice(0, 50)) {
      expect(t).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(Buffer.from(t, "base64url").length).toBe(18);
    }
    // roughly half of all bits set: not a counter or a timestamp
    const bits = [...tokens].map((t) => Buffer.from(t, "base64url")).reduce((n, b) => n + [...b].reduce((m, x) => m + x.toString(2).replace(/0/g, "").length, 0), 0);
    expect(bits / (2000 * 144)).toBeGreaterThan(0.48);
    expect(bits / (2000 * 144)).toBeLessThan(0.52);
    expect(inviteUrl("https://x.example/", "abc")).toBe("https://x.example/i/abc");
  });

  it("go to every contactable invitation only, once, and are unique in the database", async () => {
    const c = await setup();
    expect(c.held.length).toBe(3);
    // a customer who refused contact after the snapshot gets no link either
    await db.updateTable("customers").set({ do_not_contact: 1 }).where("id", "=", c.contactable[0]!.customer_id).execute();
    const links = await ensureInvitationLinks(db, { storeId: c.store.id, campaignId: c.campaign.id });
    expect([...links.keys()].sort((a, b) => a - b)).toEqual(c.contactable.slice(1).map((i) => i.id));
    const again = await ensureInvitationLinks(db, { storeId: c.store.id, campaignId: c.campaign.id });
    expect([...again.entries()]).toEqual([...links.entries()]);
    expect(await linkTokenFor(db, { storeId: c.store.id, campaignId: c.campaign.id, invitationId: c.held[0]!.id })).toBeNull();
    const token = [...links.values()][0]!;
    await expect(db.insertInto("invitation_links").values({ invitation_id: c.held[0]!.id, token, created_at: "x" }).execute()).rejects.toThrow();
    expect(isContactable({ holdout: 0, do_not_contact: 0 })).toBe(true);
    expect(isContactable({ holdout: 1, do_not_contact: 0 })).toBe(false);
    expect(isContactable({ holdout: 0, do_not_contact: 1 })).toBe(false);
  });
});

describe("the page", () => {
  it("greets by surname and title, masks the plate, shows nothing else of the customer", async () => {
    expect(greetingOf("王建国", "M")).toEqual({ kind: "title", surname: "王", title: "M" });
    expect(greetingOf("欧阳娜娜", "F")).toEqual({ kind: "title", surname: "欧阳", title: "F" });
    expect(greetingOf("李四", null)).toEqual({ kind: "name", name: "李四" });
    expect(greetingOf("Anna Smith", "F")).toEqual({ kind: "name", name: "Anna Smith" });
    expect(maskPlate("豫A12345")).toBe("豫A***45");
    const c = await setup();
    const inv = c.contactable[0]!;
    const token = (await linkTokenFor(db, { storeId: c.store.id, campaignId: c.campaign.id, invitationId: inv.id }))!;
    const page = await getInvitePage(db, { token, now: BEFORE });
    expect(page.canAnswer).toBe(true);
    expect(page.code).toBeNull();
    expect(page.plate).toMatch(/^豫A\*+/);
    const customer = await db.selectFrom("customers").selectAll().where("id", "=", inv.customer_id).executeTakeFirstOrThrow();
    expect(JSON.stringify(page)).not.toContain(customer.phone!);
    expect(JSON.stringify(page)).not.toContain(customer.customer_code);
  });

  it("a self answer is an attempt with channel self and no user: the card moves, history and review see it", async () => {
    const c = await setup();
    const inv = c.contactable[0]!;
    const token = (await linkTokenFor(db, { storeId: c.store.id, campaignId: c.campaign.id, invitationId: inv.id }))!;
    const r = await respondToInvitation(db, { token, answer: answer("yes", { companions: 2, note: "带家人" }), now: BEFORE });
    expect(r.result).toBe("yes");
    const after = await db.selectFrom("invitations").selectAll().where("id", "=", inv.id).executeTakeFirstOrThrow();
    expect(after.result).toBe("yes");
    expect(toInt(after.intent_verified)).toBe(0); // staff still verify the intent
    const attempts = await db.selectFrom("invitation_attempts").selectAll().where("invitation_id", "=", inv.id).execute();
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ channel: "self", user_id: null, outcome: "yes", note: "带家人" });
    const events = await db.selectFrom("invitation_events").selectAll().where("invitation_id", "=", inv.id).execute();
    expect(events.some((e) => e.field === "outcome" && e.new_value === "yes" && e.user_id === null)).toBe(true);
    expect(events.some((e) => e.field === "companions" && e.new_value === "2")).toBe(true);
    const history = await getCardHistory(db, { storeId: c.store.id, campaignId: c.campaign.id, invitationId: inv.id });
    expect(history.find((h) => h.field === "outcome")).toMatchObject({ to: "yes", by: null });
    const page = await getInvitePage(db, { token, now: BEFORE });
    expect(page.code).toBe(invitationCode(inv.id));
    expect(page.companions).toBe(2);
    expect((await getInviteCalendar(db, { token, now: BEFORE }))?.campaign.eventStart).toBe("2026-12-12T09:00");
    // the review counts it by channel
    await db.updateTable("campaigns").set({ status: "reviewing" }).where("id", "=", c.campaign.id).execute();
    const review = await getReview(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, now: new Date("2026-12-14T04:00:00Z") });
    expect(review.figures?.byChannel.find((ch) => ch.channel === "self")).toMatchObject({ attempts: 1, yes: 1 });
  });

  it("the answer may change until the event starts; maybe asks for a follow-up; no keeps its reason", async () => {
    const c = await setup();
    const inv = c.contactable[1]!;
    const token = (await linkTokenFor(db, { storeId: c.store.id, campaignId: c.campaign.id, invitationId: inv.id }))!;
    await respondToInvitation(db, { token, answer: answer("maybe"), now: BEFORE });
    let row = await db.selectFrom("invitations").selectAll().where("id", "=", inv.id).executeTakeFirstOrThrow();
    expect(row.result).toBe("maybe");
    expect(row.next_follow_up).toBe("2026-12-05");
    await respondToInvitation(db, { token, answer: answer("no", { lossReason: "price" }), now: BEFORE });
    row = await db.selectFrom("invitations").selectAll().where("id", "=", inv.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ result: "no", loss_reason: "price" });
    // staff's call in between: the customer's next answer still applies (read fresh each time)
    await recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, input: { invitationId: inv.id, version: row.version, channel: "phone", note: null, outcome: "no_answer" } });
    await respondToInvitation(db, { token, answer: answer("yes"), now: new Date("2026-12-12T00:59:00Z") }); // 08:59 in Shanghai
    row = await db.selectFrom("invitations").selectAll().where("id", "=", inv.id).executeTakeFirstOrThrow();
    expect(row.result).toBe("yes");
    const started = new Date("2026-12-12T01:00:00Z"); // 09:00 in Shanghai: the event starts
    await expect(respondToInvitation(db, { token, answer: answer("no"), now: started })).rejects.toMatchObject({ messageKey: "invite:errors.started" });
    const page = await getInvitePage(db, { token, now: started });
    expect(page).toMatchObject({ canAnswer: false, refusal: "invite:errors.started", result: "yes" });
    expect(await db.selectFrom("invitation_attempts").select("channel").where("invitation_id", "=", inv.id).orderBy("id").execute())
      .toEqual([{ channel: "self" }, { channel: "self" }, { channel: "phone" }, { channel: "self" }]);
  });

  it("wrong, tampered, held-out and closed-campaign tokens are not found", async () => {
    const c = await setup();
    const token = (await linkTokenFor(db, { storeId: c.store.id, campaignId: c.campaign.id, invitationId: c.contactable[0]!.id }))!;
    const tampered = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    for (const t of [tampered, "", "short", `${token}x`, "../../etc/passwd"]) {
      await expect(getInvitePage(db, { token: t, now: BEFORE })).rejects.toBeInstanceOf(InviteLinkNotFound);
    }
    // a link row on a held-out card (never issued: made by hand) does not open either
    await db.insertInto("invitation_links").values({ invitation_id: c.held[0]!.id, token: newLinkToken(), created_at: "x" }).execute();
    const heldToken = (await db.selectFrom("invitation_links").select("token").where("invitation_id", "=", c.held[0]!.id).executeTakeFirstOrThrow()).token;
    await expect(getInvitePage(db, { token: heldToken, now: BEFORE })).rejects.toBeInstanceOf(InviteLinkNotFound);
    // reviewing: shown, but no more answers; closed: gone
    await db.updateTable("campaigns").set({ status: "reviewing" }).where("id", "=", c.campaign.id).execute();
    expect((await getInvitePage(db, { token, now: BEFORE })).canAnswer).toBe(false);
    await expect(respondToInvitation(db, { token, answer: answer("yes"), now: BEFORE })).rejects.toBeInstanceOf(InviteRefused);
    await db.updateTable("campaigns").set({ status: "closed" }).where("id", "=", c.campaign.id).execute();
    await expect(getInvitePage(db, { token, now: BEFORE })).rejects.toBeInstanceOf(InviteLinkNotFound);
    await expect(respondToInvitation(db, { token, answer: answer("yes"), now: BEFORE })).rejects.toBeInstanceOf(InviteLinkNotFound);
  });

  it("opting out sets do-not-contact with history, and the link answers no more", async () => {
    const c = await setup();
    const inv = c.contactable[2]!;
    const token = (await linkTokenFor(db, { storeId: c.store.id, campaignId: c.campaign.id, invitationId: inv.id }))!;
    await optOutFromInvitation(db, { token, now: BEFORE });
    const customer = await db.selectFrom("customers").selectAll().where("id", "=", inv.customer_id).executeTakeFirstOrThrow();
    expect(toInt(customer.do_not_contact)).toBe(1);
    const changes = await db.selectFrom("customer_changes").selectAll().where("customer_id", "=", inv.customer_id).execute();
    expect(changes).toEqual([expect.objectContaining({ field: "do_not_contact", old_value: "0", new_value: "1", user_id: null })]);
    const events = await db.selectFrom("invitation_events").selectAll().where("invitation_id", "=", inv.id).execute();
    expect(events.some((e) => e.kind === "opt_out")).toBe(true);
    expect(await getInvitePage(db, { token, now: BEFORE })).toMatchObject({ optedOut: true, canAnswer: false });
    await expect(respondToInvitation(db, { token, answer: answer("yes"), now: BEFORE })).rejects.toMatchObject({ messageKey: "invite:errors.optedOut" });
    expect((await ensureInvitationLinks(db, { storeId: c.store.id, campaignId: c.campaign.id })).has(inv.id)).toBe(false);
  });
});

describe("the form", () => {
  it("takes three answers, a bounded companion count, a short note and a known reason", () => {
    const ok = parseObject(InviteFormSchema, { intent: "respond", response: "no", companions: "2", note: " 出差 ", lossReason: "price" });
    expect(ok).toEqual({ ok: true, data: { intent: "respond", response: "no", companions: 2, note: "出差", lossReason: "price" } });
    const bad = parseObject(InviteFormSchema, { intent: "respond", response: "sure", companions: "99", note: "x".repeat(201), lossReason: "hacked" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toEqual({ response: "invite:errors.response", companions: "invite:errors.companions", note: "invite:errors.note", lossReason: "invite:errors.reason" });
    expect(parseObject(InviteFormSchema, { intent: "opt_out" }).ok).toBe(true);
  });
});

describe("rate limit", () => {
  it("counts per key in the database and refuses above the limit until the window ends", async () => {
    const limit = { max: 3, windowMs: 60_000 };
    const t0 = new Date("2026-12-05T02:00:10Z");
    for (let i = 0; i < 3; i++) await hitRateLimit(db, { key: "ip:1.2.3.4", limit, now: t0 });
    await expect(hitRateLimit(db, { key: "ip:1.2.3.4", limit, now: t0 })).rejects.toMatchObject({ retryAfterSeconds: 50 });
    await expect(hitRateLimit(db, { key: "ip:1.2.3.4", limit, now: t0 })).rejects.toBeInstanceOf(InviteRateLimited);
    await expect(checkRateLimit(db, { key: "ip:1.2.3.4", limit, now: t0 })).rejects.toBeInstanceOf(InviteRateLimited);
    await checkRateLimit(db, { key: "ip:5.6.7.8", limit, now: t0 }); // reading writes nothing
    expect(await db.selectFrom("invite_rate_limits").select("key").where("key", "=", "ip:5.6.7.8").execute()).toEqual([]);
    await hitRateLimit(db, { key: "ip:5.6.7.8", limit, now: t0 }); // another address is not touched
    await hitRateLimit(db, { key: "ip:1.2.3.4", limit, now: new Date("2026-12-05T02:01:00Z") }); // the next window
    const row = await db.selectFrom("invite_rate_limits").selectAll().where("key", "=", "ip:1.2.3.4").executeTakeFirstOrThrow();
    expect(toInt(row.hits)).toBe(1);
  });
});

describe("the calendar file", () => {
  it("is a VEVENT at the event's time in UTC, with the venue and the check-in code", async () => {
    const { inviteIcs, zonedLocalToUtc } = await import("./invite-calendar.server");
    expect(new Date(zonedLocalToUtc("2026-12-12T09:00", "Asia/Shanghai")).toISOString()).toBe("2026-12-12T01:00:00.000Z");
    expect(new Date(zonedLocalToUtc("2026-07-01T09:00", "Europe/Berlin")).toISOString()).toBe("2026-07-01T07:00:00.000Z");
    const c = await setup();
    const inv = c.contactable[0]!;
    const token = (await linkTokenFor(db, { storeId: c.store.id, campaignId: c.campaign.id, invitationId: inv.id }))!;
    expect(await getInviteCalendar(db, { token, now: BEFORE })).toBeNull(); // not before a yes
    await respondToInvitation(db, { token, answer: answer("yes"), now: BEFORE });
    const ics = inviteIcs((await getInviteCalendar(db, { token, now: BEFORE }))!, { code: "Code", offer: "Offer" });
    expect(ics).toContain("BEGIN:VEVENT");
    expect(ics).toContain("DTSTART:20261212T010000Z");
    expect(ics).toContain("DTEND:20261213T090000Z");
    expect(ics.replace(/\r?\n /g, "")).toContain(`Code: ${invitationCode(inv.id)}`);
    expect(ics).not.toContain(token);
  });
});
