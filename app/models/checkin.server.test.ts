import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { AlreadyCheckedIn, ExecutionRefused } from "./execution-errors";
import { checkIn, checkinRefusal, CustomerExists, deskOpensAt, deskState, editDistance, eventWindowState, nearestGuests, oneEditAway, registerWalkIn, searchGuests } from "./checkin.server";
import { invitationCode } from "./invitation-code";
import { transition } from "./campaign.server";
import { createTestDb } from "../../tests/helpers/test-db";
import { EVENT_DAY, makeEventCampaign, TZ } from "../../tests/helpers/execution-factories";
import { makeVehicle } from "../../tests/helpers/factories";

let db: DB;
beforeEach(async () => { db = await createTestDb(); });
afterEach(async () => { await db.destroy(); });

describe("event window", () => {
  const c = { status: "executing" as const, event_start: "2026-12-12T09:00", event_end: "2026-12-13T17:00" };
  const manager = { id: 1, role: "manager" as const };
  const staff = { id: 2, role: "staff" as const };
  const at = (localNow: string, opensMinutes = 120) => ({ localNow, opensMinutes });
  it("is open on the event days", () => {
    expect(eventWindowState(c, "2026-12-11")).toBe("before");
    expect(eventWindowState(c, "2026-12-12")).toBe("during");
    expect(eventWindowState(c, "2026-12-13")).toBe("during");
    expect(eventWindowState(c, "2026-12-14")).toBe("after");
    expect(checkinRefusal(c, at("2026-12-12T10:00"), staff, false)).toBeNull();
    expect(checkinRefusal(c, at("2026-12-13T23:59"), staff, false)).toBeNull();
  });
  it("opens the configured time before the start for early arrivals, and says when before that", () => {
    expect(deskOpensAt(c, 120)).toBe("2026-12-12T07:00");
    expect(deskOpensAt(c, 600)).toBe("2026-12-11T23:00"); // across midnight
    expect(deskOpensAt({ event_start: "2026-12-12" }, 30)).toBe("2026-12-11T23:30");
    expect(deskState(c, at("2026-12-12T06:59"))).toBe("before");
    expect(deskState(c, at("2026-12-12T07:00"))).toBe("open");
    expect(checkinRefusal(c, at("2026-12-12T07:00"), staff, false)).toBeNull();
    const early = checkinRefusal(c, at("2026-12-12T06:59"), staff, false);
    expect(early?.messageKey).toBe("execution:checkin.opensAt");
    expect(early?.params).toEqual({ date: "2026-12-12", time: "07:00" });
    expect(checkinRefusal(c, at("2026-12-12T06:59"), manager, false)?.messageKey).toBe("execution:checkin.opensAtManager");
    expect(checkinRefusal(c, at("2026-12-12T06:59"), manager, true)).toBeNull();
    // a day ahead: the evening before is open with 1,440 minutes, not with 120
    expect(checkinRefusal(c, at("2026-12-11T20:00", 1440), staff, false)).toBeNull();
    expect(checkinRefusal(c, at("2026-12-11T20:00", 120), staff, false)?.messageKey).toBe("execution:checkin.opensAt");
  });
  it("refuses outside it unless a manager overrides; staff cannot override", () => {
    expect(checkinRefusal(c, at("2026-12-14T08:00"), staff, true)?.messageKey).toBe("execution:checkin.outsideWindow");
    expect(checkinRefusal(c, at("2026-12-14T08:00"), manager, false)?.messageKey).toBe("execution:checkin.outsideWindowManager");
    expect(checkinRefusal(c, at("2026-12-14T08:00"), manager, true)).toBeNull();
    expect(checkinRefusal({ ...c, status: "closed" }, at("2026-12-12T10:00"), manager, true)?.messageKey).toBe("execution:checkin.campaignNotOpen");
    expect(checkinRefusal({ ...c, status: "approved" }, at("2026-12-12T10:00"), manager, true)?.messageKey).toBe("execution:checkin.campaignNotOpen");
  });
});

describe("check-in", () => {
  it("finds a guest by the last 4 phone digits, plate, name or code, and checks them in once", async () => {
    const ctx = await makeEventCampaign(db, { customers: 12 });
    const inv = ctx.invited[0]!;
    const customer = await db.selectFrom("customers").selectAll().where("id", "=", inv.customer_id).executeTakeFirstOrThrow();
    await makeVehicle(db, ctx.storeId, customer.id, { plate: "豫A9Z77K" });
    const staff = ctx.staffActors[0]!;
    const args = { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: staff };
    const byPhone = await searchGuests(db, { ...args, q: customer.phone!.slice(-4) });
    expect(byPhone.map((g) => g.invitationId)).toContain(inv.id);
    expect(byPhone.find((g) => g.invitationId === inv.id)!.phone).toMatch(/\*\*\*\*/); // staff see masked phones
    expect((await searchGuests(db, { ...args, q: "9z77" })).map((g) => g.invitationId)).toEqual([inv.id]);
    expect((await searchGuests(db, { ...args, q: customer.name })).map((g) => g.invitationId)).toContain(inv.id);
    expect((await searchGuests(db, { ...args, q: invitationCode(inv.id).toLowerCase() })).map((g) => g.invitationId)).toEqual([inv.id]);

    const first = await checkIn(db, { ...args, invitationId: inv.id, timeZone: TZ, now: EVENT_DAY });
    expect(first.outcome).toBe("checked_in");
    const err = await checkIn(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.actor, invitationId: inv.id, timeZone: TZ, now: EVENT_DAY }).catch((e) => e);
    expect(err).toBeInstanceOf(AlreadyCheckedIn);
    expect(err.arrival.arrivedAt).toBe(EVENT_DAY.toISOString());
    expect(err.arrival.byName).toBe(ctx.staff[0]!.display_name);
    const found = await searchGuests(db, { ...args, q: invitationCode(inv.id) });
    expect(found[0]!.arrival?.byName).toBe(ctx.staff[0]!.display_name);
  });

  it("records exactly one arrival when two tablets check the same guest in at once", async () => {
    const ctx = await makeEventCampaign(db, { customers: 8 });
    const inv = ctx.invited[0]!;
    const results = await Promise.allSettled(ctx.staffActors.map((actor) =>
      checkIn(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, actor, invitationId: inv.id, timeZone: TZ, now: EVENT_DAY })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused).toHaveLength(2);
    for (const r of refused) expect(r.reason).toBeInstanceOf(AlreadyCheckedIn);
    const rows = await db.selectFrom("arrivals").selectAll().where("invitation_id", "=", inv.id).execute();
    expect(rows).toHaveLength(1);
    const events = await db.selectFrom("invitation_events").selectAll().where("invitation_id", "=", inv.id).where("kind", "=", "arrival").execute();
    expect(events).toHaveLength(1);
  });

  it("checks a hold-out guest in and marks them", async () => {
    const ctx = await makeEventCampaign(db, { customers: 20, holdoutPercent: 25 });
    const held = ctx.held[0]!;
    const r = await checkIn(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.staffActors[0]!, invitationId: held.id, timeZone: TZ, now: EVENT_DAY });
    expect(r.outcome).toBe("holdout_checked_in");
    expect((await db.selectFrom("arrivals").select("holdout").where("id", "=", r.arrivalId).executeTakeFirstOrThrow()).holdout).toBe(1);
  });

  it("refuses outside the event window unless a manager overrides, and before the campaign runs", async () => {
    const ctx = await makeEventCampaign(db, { customers: 8 });
    const later = new Date("2026-12-20T03:00:00Z");
    const base = { storeId: ctx.storeId, campaignId: ctx.campaignId, timeZone: TZ, now: later };
    const staffTry = await checkIn(db, { ...base, actor: ctx.staffActors[0]!, invitationId: ctx.invited[0]!.id, override: true }).catch((e) => e);
    expect(staffTry).toBeInstanceOf(ExecutionRefused);
    expect(staffTry.messageKey).toBe("execution:checkin.outsideWindow");
    const ok = await checkIn(db, { ...base, actor: ctx.actor, invitationId: ctx.invited[0]!.id, override: true });
    expect((await db.selectFrom("arrivals").select("override_by").where("id", "=", ok.arrivalId).executeTakeFirstOrThrow()).override_by).toBe(ctx.actor.id);

    const notYet = await makeEventCampaign(db, { customers: 4, execute: false });
    await transition(db, { storeId: notYet.storeId, id: notYet.campaignId, actor: notYet.actor, action: "cancel" });
    const refused = await checkIn(db, { storeId: notYet.storeId, campaignId: notYet.campaignId, actor: notYet.actor, invitationId: notYet.invited[0]!.id, override: true, timeZone: TZ, now: EVENT_DAY }).catch((e) => e);
    expect(refused.messageKey).toBe("execution:checkin.campaignNotOpen");
  });

  it("refuses an invitation of another campaign", async () => {
    const a = await makeEventCampaign(db, { customers: 4 });
    const b = await makeEventCampaign(db, { customers: 4 });
    const err = await checkIn(db, { storeId: a.storeId, campaignId: a.campaignId, actor: a.actor, invitationId: b.invited[0]!.id, timeZone: TZ, now: EVENT_DAY }).catch((e) => e);
    expect(err).toBeInstanceOf(ExecutionRefused);
    expect(await db.selectFrom("arrivals").selectAll().execute()).toHaveLength(0);
  });

  it("registers a walk-in (new customer or existing) as an associated invitation with an arrival", async () => {
    const ctx = await makeEventCampaign(db, { customers: 4 });
    const base = { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.staffActors[1]!, timeZone: TZ, now: EVENT_DAY };
    const fresh = await registerWalkIn(db, { ...base, customerId: null, name: "路过的客人", phone: "13700009999" });
    expect(fresh.outcome).toBe("walk_in_checked_in");
    const inv = await db.selectFrom("invitations").selectAll().where("id", "=", fresh.invitationId).executeTakeFirstOrThrow();
    expect(inv.kind).toBe("associated");
    expect((await db.selectFrom("arrivals").select("walk_in").where("id", "=", fresh.arrivalId).executeTakeFirstOrThrow()).walk_in).toBe(1);
    // the same phone again: refused, nothing half-saved
    const before = (await db.selectFrom("customers").selectAll().where("store_id", "=", ctx.storeId).execute()).length;
    const dup = await registerWalkIn(db, { ...base, customerId: null, name: "又一位", phone: "13700009999" }).catch((e) => e);
    expect(dup.messageKey).toBe("execution:checkin.phoneExists");
    expect((await db.selectFrom("customers").selectAll().where("store_id", "=", ctx.storeId).execute()).length).toBe(before);
    // an existing customer who is already invited is just checked in
    const again = await registerWalkIn(db, { ...base, customerId: ctx.invited[1]!.customer_id, name: null, phone: null });
    expect(again.outcome).toBe("checked_in");
    expect(again.invitationId).toBe(ctx.invited[1]!.id);
  });

  it("validates a new walk-in's phone as the import does, requires it, and refuses a second customer with the same phone", async () => {
    const ctx = await makeEventCampaign(db, { customers: 4 });
    const base = { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.staffActors[0]!, timeZone: TZ, now: EVENT_DAY };
    const count = async () => (await db.selectFrom("customers").select("id").where("store_id", "=", ctx.storeId).execute()).length;
    const before = await count();
    for (const phone of ["138001380", "1380013800012", "23800138000", "abc"]) {
      const e = await registerWalkIn(db, { ...base, customerId: null, name: "王五", phone }).catch((x) => x);
      expect(e, phone).toBeInstanceOf(ExecutionRefused);
      expect([e.messageKey, e.field]).toEqual(["execution:errors.phone", "phone"]);
    }
    const none = await registerWalkIn(db, { ...base, customerId: null, name: "王五", phone: null }).catch((x) => x);
    expect([none.messageKey, none.field]).toEqual(["execution:errors.phoneRequired", "phone"]);
    expect(await count()).toBe(before);

    const first = await registerWalkIn(db, { ...base, customerId: null, name: "王五", phone: "+86 138-0013-8000" });
    const stored = await db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id").select("customers.phone").where("invitations.id", "=", first.invitationId).executeTakeFirstOrThrow();
    expect(stored.phone).toBe("13800138000");
    // the same person typed again, another way, under the same or another name: refused, naming who it is
    for (const [name, phone] of [["王五", "13800138000"], ["王 五", "138 0013 8000"]] as const) {
      const dup = await registerWalkIn(db, { ...base, customerId: null, name, phone }).catch((x) => x);
      expect(dup).toBeInstanceOf(CustomerExists);
      expect(dup.customer.name).toBe("王五");
      expect(dup.field).toBe("phone");
    }
    // a phone of the store's customer base (not only walk-ins)
    const known = await db.selectFrom("customers").select(["id", "name", "phone"]).where("id", "=", ctx.invited[2]!.customer_id).executeTakeFirstOrThrow();
    const onFile = await registerWalkIn(db, { ...base, customerId: null, name: "新名字", phone: known.phone }).catch((x) => x);
    expect(onFile.customer).toEqual({ id: known.id, name: known.name });
    expect(await count()).toBe(before + 1);
    expect(await db.selectFrom("arrivals").select("id").where("campaign_id", "=", ctx.campaignId).execute()).toHaveLength(1);
  });

  it("offers the nearest invited guests when a code, phone, name or plate is one keystroke off", async () => {
    const ctx = await makeEventCampaign(db, { customers: 30, holdoutPercent: 0 });
    const inv = ctx.invited[7]!;
    const customer = await db.selectFrom("customers").selectAll().where("id", "=", inv.customer_id).executeTakeFirstOrThrow();
    // a name, phone and plate unlike the factory's sequential ones (which are one keystroke from each other)
    await db.updateTable("customers").set({ name: "欧阳春晓", phone: "15867452391" }).where("id", "=", customer.id).execute();
    await db.updateTable("vehicles").set({ plate: "豫B7K3M9" }).where("customer_id", "=", customer.id).execute();
    customer.phone = "15867452391";
    const plate = "豫B7K3M9";
    const args = { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.staffActors[0]! };
    const code = invitationCode(inv.id);
    const alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    const wrong = code.slice(0, 3) + alphabet[(alphabet.indexOf(code[3]!) + 1) % alphabet.length] + code.slice(4);
    const swapped = code[0] === code[1] ? code : code[1]! + code[0]! + code.slice(2);
    const phone = customer.phone!;
    const flip = (d: string) => String((Number(d) + 1) % 10);
    const typos = [
      wrong, swapped.toLowerCase(), `${code.slice(0, 3)}-${code.slice(4)}` /* a character left out */,
      phone.slice(0, 5) + flip(phone[5]!) + phone.slice(6), phone.slice(-4, -1) + flip(phone.slice(-1)),
      "欧阳春小", "欧阳晓", plate.slice(1, -1) + (plate.slice(-1) === "9" ? "8" : "9"),
    ];
    for (const q of typos) {
      expect(await searchGuests(db, { ...args, q }), `${q} matches nobody exactly`).toEqual([]);
      const near = await nearestGuests(db, { ...args, q });
      expect(near.map((g) => g.invitationId), q).toContain(inv.id);
      expect(near.length).toBeLessThanOrEqual(5);
    }
    // nothing near: nobody offered, so the walk-in form is the answer
    expect(await nearestGuests(db, { ...args, q: "完全不同的名字" })).toEqual([]);
    expect(await nearestGuests(db, { ...args, q: "ZZZZZZZ" })).toEqual([]);
  });
});

describe("edit distance helpers", () => {
  it("counts a wrong, missing, extra or swapped character as one", () => {
    expect(editDistance("ABCDEFG", "ABCDEFG")).toBe(0);
    expect(editDistance("ABCDEFG", "ABXDEFG")).toBe(1);
    expect(editDistance("ABCDEFG", "BACDEFG")).toBe(1);
    expect(editDistance("ABCDEFG", "ABCEFG")).toBe(1);
    expect(editDistance("张伟", "张为")).toBe(1);
    expect(editDistance("ABCDEFG", "GFEDCBA", 2)).toBe(3);
    const v = oneEditAway("AB", "ABC");
    expect(v.has("AB")).toBe(false);
    for (const x of ["BA", "A", "B", "CB", "AC", "CAB", "ACB", "ABC", "AAB"]) expect(v.has(x), x).toBe(true);
  });
});

