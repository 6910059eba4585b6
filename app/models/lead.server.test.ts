import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { checkIn } from "~/models/checkin.server";
import { recordOrder } from "~/models/execution.server";
import { createUser } from "~/models/user.server";
import { EVENT_DAY, makeEventCampaign, TZ } from "../../tests/helpers/execution-factories";
import { makeCustomer, makeStore, makeUser, makeVehicle, makeVisit } from "../../tests/helpers/factories";
import { createTestDb } from "../../tests/helpers/test-db";
import {
  applyLeadRule, campaignLeadFigures, createLead, dealLeads, getCustomerLifecycle, getLead, LeadNotFound, LeadRefused,
  lifecycleStage, listLeads, previewLeadRule, updateLead,
} from "./lead.server";
import type { Actor } from "./campaign.server";

let db: DB;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await db.destroy();
});

let n = 0;
async function makeSales(storeId: number, role: "staff" | "manager" = "staff") {
  const u = await createUser(db, { storeId, email: `sales${++n}-${storeId}@t.test`, password: "password123", displayName: `销售${n}`, role, department: "sales" });
  return { user: u, actor: { id: u.id, role: u.role } as Actor };
}

/** An event-day campaign with `sales` sales consultants and the first `arrive` invited guests checked in. */
async function eventWithGuests(opts: { sales?: number; arrive?: number } = {}) {
  const ctx = await makeEventCampaign(db, { customers: 12, holdoutPercent: 0 });
  const sales = [];
  for (let i = 0; i < (opts.sales ?? 2); i++) sales.push(await makeSales(ctx.storeId));
  const arrived = ctx.invited.slice(0, opts.arrive ?? 6);
  const arrivals = [];
  for (const inv of arrived) {
    arrivals.push(await checkIn(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.actor, invitationId: inv.id, timeZone: TZ, now: EVENT_DAY }));
  }
  return { ...ctx, sales, arrived, arrivals };
}

describe("fair assignment (dealLeads)", () => {
  it("deals from equal loads round-robin (counts within one) and evens out unequal loads first", () => {
    const equal = dealLeads(Array.from({ length: 10 }, (_, i) => i + 1), [{ id: 7, open: 0 }, { id: 3, open: 0 }, { id: 9, open: 0 }], 5);
    const counts = [3, 7, 9].map((id) => [...equal.values()].filter((v) => v === id).length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    const uneven = dealLeads([1, 2, 3], [{ id: 1, open: 5 }, { id: 2, open: 0 }], 1);
    expect([...uneven.values()]).toEqual([2, 2, 2]);
    expect(dealLeads([1], [], 1).size).toBe(0);
  });

  it("a trade-in tagged at the desk by after-sales goes to a sales consultant, alternating over the department", async () => {
    const ctx = await eventWithGuests({ sales: 2 });
    const owners: number[] = [];
    for (const inv of ctx.arrived.slice(0, 4)) {
      const r = await createLead(db, { storeId: ctx.storeId, actor: { ...ctx.staffActors[0]!, department: "after_sales" }, input: { kind: "trade_in", source: "desk", invitationId: inv.id } });
      expect(r.created).toBe(true);
      expect(r.department).toBe("sales");
      const lead = await db.selectFrom("leads").selectAll().where("id", "=", r.id).executeTakeFirstOrThrow();
      expect(lead.campaign_id).toBe(ctx.campaignId);
      expect(lead.customer_id).toBe(inv.customer_id);
      owners.push(lead.owner_id);
    }
    const ids = ctx.sales.map((s) => s.user.id);
    expect(owners.every((o) => ids.includes(o))).toBe(true);
    expect(owners.filter((o) => o === ids[0]).length).toBe(2);
    expect(owners.filter((o) => o === ids[1]).length).toBe(2);
    // a second tap for the same guest and kind creates nothing
    const again = await createLead(db, { storeId: ctx.storeId, actor: ctx.actor, input: { kind: "trade_in", source: "board", invitationId: ctx.arrived[0]!.id } });
    expect(again.created).toBe(false);
    // an insurance renewal stays in after-sales (the three staff of the factory)
    const ins = await createLead(db, { storeId: ctx.storeId, actor: ctx.sales[0]!.actor, input: { kind: "insurance_renewal", source: "calls", invitationId: ctx.arrived[0]!.id } });
    expect(ctx.staff.map((s) => s.id)).toContain((await db.selectFrom("leads").select("owner_id").where("id", "=", ins.id).executeTakeFirstOrThrow()).owner_id);
    expect(await db.selectFrom("lead_events").select("kind").where("lead_id", "=", ins.id).execute()).toHaveLength(2);
  });

  it("refuses a department with nobody in it, and a guest of another store", async () => {
    const ctx = await eventWithGuests({ sales: 0, arrive: 1 });
    await expect(createLead(db, { storeId: ctx.storeId, actor: ctx.actor, input: { kind: "trade_in", source: "desk", invitationId: ctx.arrived[0]!.id } }))
      .rejects.toMatchObject({ messageKey: "leads:errors.noOneInDepartment" });
    const other = await makeStore(db);
    const otherManager = await makeUser(db, other.id, "manager");
    await expect(createLead(db, { storeId: other.id, actor: { id: otherManager.id, role: "manager" }, input: { kind: "repair_quote", source: "desk", invitationId: ctx.arrived[0]!.id } }))
      .rejects.toBeInstanceOf(LeadRefused);
    expect(await db.selectFrom("leads").selectAll().execute()).toHaveLength(0);
  });
});

describe("working a lead and who sees it", () => {
  it("owner marks contacted then won; the creator sees the outcome; others of the store do not; managers see the store's; admin every store's", async () => {
    const ctx = await eventWithGuests({ sales: 1 });
    const creator = ctx.staffActors[0]!;
    const r = await createLead(db, { storeId: ctx.storeId, actor: creator, input: { kind: "trade_in", source: "desk", invitationId: ctx.arrived[0]!.id } });
    const owner = ctx.sales[0]!.actor;
    expect((await listLeads(db, { storeId: ctx.storeId, actor: owner })).leads.map((l) => l.id)).toEqual([r.id]);
    expect((await listLeads(db, { storeId: ctx.storeId, actor: creator })).leads.map((l) => l.id)).toEqual([r.id]);
    expect((await listLeads(db, { storeId: ctx.storeId, actor: ctx.staffActors[1]! })).leads).toHaveLength(0);
    await expect(getLead(db, { storeId: ctx.storeId, actor: ctx.staffActors[1]!, id: r.id })).rejects.toBeInstanceOf(LeadNotFound);
    expect((await listLeads(db, { storeId: ctx.storeId, actor: ctx.actor, scope: "group" })).leads).toHaveLength(1);
    // the creator may see but not work it
    await expect(updateLead(db, { storeId: ctx.storeId, actor: creator, id: r.id, input: { intent: "contacted", version: 1, note: null, nextFollowUp: null } }))
      .rejects.toMatchObject({ messageKey: "leads:errors.notYours" });
    // another store's manager sees nothing; the group admin sees it from another store
    const other = await makeStore(db);
    const otherManager = await makeUser(db, other.id, "manager");
    expect((await listLeads(db, { storeId: other.id, actor: { id: otherManager.id, role: "manager" }, scope: "group" })).leads).toHaveLength(0);
    await expect(getLead(db, { storeId: other.id, actor: { id: otherManager.id, role: "manager" }, id: r.id })).rejects.toBeInstanceOf(LeadNotFound);
    const admin = await makeUser(db, other.id, "admin");
    expect((await listLeads(db, { storeId: other.id, actor: { id: admin.id, role: "admin" }, scope: "group" })).leads.map((l) => l.id)).toEqual([r.id]);

    await updateLead(db, { storeId: ctx.storeId, actor: owner, id: r.id, input: { intent: "contacted", version: 1, note: "看了新款", nextFollowUp: null } });
    await expect(updateLead(db, { storeId: ctx.storeId, actor: owner, id: r.id, input: { intent: "lost", version: 1, lostReason: "price", note: null } }))
      .rejects.toMatchObject({ messageKey: "leads:errors.stale" });
    await updateLead(db, { storeId: ctx.storeId, actor: owner, id: r.id, input: { intent: "won", version: 2, actualValue: 1_800_000_00, eventOrderId: null, note: null } });
    const seen = await getLead(db, { storeId: ctx.storeId, actor: creator, id: r.id });
    expect(seen.lead.status).toBe("won");
    expect(seen.lead.actual_value_fen).toBe(1_800_000_00);
    expect(seen.mayWork).toBe(false);
    expect(seen.events.map((e) => e.field)).toEqual(expect.arrayContaining(["status", "actual_value_fen", "note", "owner_id"]));
    await expect(updateLead(db, { storeId: ctx.storeId, actor: owner, id: r.id, input: { intent: "lost", version: 3, lostReason: "price", note: null } }))
      .rejects.toMatchObject({ messageKey: "leads:errors.closed" });
  });
});

describe("creation by rule at the close of the event day", () => {
  it("the preview count equals the created count; a second run creates none", async () => {
    const ctx = await eventWithGuests({ sales: 2, arrive: 6 });
    // vehicles: guests 0,1,2 bought more than four years before the event day, 3 two years before, 4,5 unknown
    const dates = ["2020-01-01", "2022-12-12", "2019-06-30", "2024-12-01", null, null];
    for (const [i, inv] of ctx.arrived.entries()) {
      await db.updateTable("vehicles").set({ purchase_date: dates[i] ?? null }).where("customer_id", "=", inv.customer_id).execute();
    }
    // guest 2 ordered at the event: left out by "no order"
    await recordOrder(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.actor, input: { arrivalId: ctx.arrivals[2]!.arrivalId, line: "M", description: "保养套餐", amount: 98000, kind: "package" } });
    // guest 1 already has an open trade-in lead: not duplicated
    await createLead(db, { storeId: ctx.storeId, actor: ctx.actor, input: { kind: "trade_in", source: "desk", invitationId: ctx.arrived[1]!.id } });
    const rule = { kind: "trade_in" as const, department: null, minVehicleYears: 4, noOrder: true };
    const now = EVENT_DAY;
    const preview = await previewLeadRule(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, rule, now });
    expect(preview).toEqual({ count: 1, people: 2 }); // guest 0 only (1 has a lead, 2 ordered, 3 too new, 4–5 unknown)
    const before = (await db.selectFrom("leads").selectAll().execute()).length;
    const applied = await applyLeadRule(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.actor, rule, now });
    expect(applied.created).toBe(preview.count);
    expect((await db.selectFrom("leads").selectAll().execute()).length - before).toBe(preview.count);

    const wide = { kind: "extended_warranty" as const, department: null, minVehicleYears: null, noOrder: false };
    const p2 = await previewLeadRule(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, rule: wide, now });
    expect(p2.count).toBe(6);
    const a2 = await applyLeadRule(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.actor, rule: wide, now });
    expect(a2.created).toBe(6);
    const counts = Object.values(a2.perOwner);
    expect(counts.length).toBe(3);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect((await previewLeadRule(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, rule: wide, now })).count).toBe(0);
    expect((await applyLeadRule(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.actor, rule: wide, now })).created).toBe(0);
    await expect(applyLeadRule(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.staffActors[0]!, rule: wide, now }))
      .rejects.toMatchObject({ messageKey: "leads:errors.managersOnly" });
  });
});

describe("revenue counted once", () => {
  it("counts won sales leads in the window; not a lead linked to an event order, not after-sales work, not a late win", async () => {
    const ctx = await eventWithGuests({ sales: 1, arrive: 4 });
    const owner = ctx.sales[0]!.actor;
    const order = await recordOrder(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.actor, input: { arrivalId: ctx.arrivals[1]!.arrivalId, line: "B", description: "贴膜", amount: 300000, kind: "package" } });
    const mk = async (i: number, kind: "trade_in" | "repair_quote" | "accessories_beauty") =>
      (await createLead(db, { storeId: ctx.storeId, actor: ctx.actor, input: { kind, source: "desk", invitationId: ctx.arrived[i]!.id, department: kind === "accessories_beauty" ? "sales" : null } })).id;
    const a = await mk(0, "trade_in");
    const b = await mk(1, "accessories_beauty"); // sold by sales, became the event order
    const c = await mk(2, "repair_quote");
    const d = await mk(3, "trade_in");
    const win = (id: number, fen: number, who: Actor, eventOrderId: number | null = null, now = EVENT_DAY) =>
      updateLead(db, { storeId: ctx.storeId, actor: who, id, input: { intent: "won", version: 1, actualValue: fen, eventOrderId, note: null }, now });
    await win(a, 15_000_000, owner);
    await win(b, 300000, owner, order.id);
    const cOwner = (await db.selectFrom("leads").select("owner_id").where("id", "=", c).executeTakeFirstOrThrow()).owner_id;
    await win(c, 50000, { id: cOwner, role: "staff" });
    await win(d, 20_000_000, owner, null, new Date("2027-03-01T03:00:00Z"));
    await expect(win(a, 1, owner)).rejects.toBeInstanceOf(LeadRefused);
    const fig = await campaignLeadFigures(db, { campaignId: ctx.campaignId, through: "2027-01-12" });
    expect(fig.totals).toMatchObject({ created: 4, won: 4, wonFen: 15_000_000 + 300000 + 50000 + 20_000_000 });
    expect(fig.countedFen).toBe(15_000_000);
    expect(fig.inOrdersFen).toBe(300000);
    expect(fig.afterSalesFen).toBe(50000);
    expect(fig.lateFen).toBe(20_000_000);
    expect(fig.rows.find((r) => r.kind === "trade_in" && r.department === "sales")).toMatchObject({ created: 2, won: 2, wonFen: 35_000_000 });
    // a linked order must be the guest's own order of this campaign
    const e = await mk(2, "trade_in");
    await expect(win(e, 100, owner, order.id)).rejects.toMatchObject({ field: "eventOrderId" });
  });
});

describe("the lifecycle stage", () => {
  it("pure: potential → intent → closed → base", () => {
    const base = { since: "2026-01-01", firstVisit: null, openLeadDates: [] as string[], wonDates: [] as string[] };
    expect(lifecycleStage(base, "2026-12-03")).toEqual({ stage: "potential", since: "2026-01-01" });
    expect(lifecycleStage({ ...base, firstVisit: "2026-02-01" }, "2026-12-03")).toEqual({ stage: "base", since: "2026-02-01" });
    expect(lifecycleStage({ ...base, openLeadDates: ["2026-12-02", "2026-11-30"] }, "2026-12-03")).toEqual({ stage: "intent", since: "2026-11-30" });
    expect(lifecycleStage({ ...base, wonDates: ["2026-12-01"] }, "2026-12-03", 90)).toEqual({ stage: "closed", since: "2026-12-01" });
    expect(lifecycleStage({ ...base, wonDates: ["2026-12-01"] }, "2027-02-28", 90)).toEqual({ stage: "closed", since: "2026-12-01" });
    expect(lifecycleStage({ ...base, wonDates: ["2026-12-01"] }, "2027-03-01", 90)).toEqual({ stage: "base", since: "2027-03-01" });
  });

  it("on the customer: potential, intent once a lead is open, closed when won, base after the closed period", async () => {
    const store = await makeStore(db);
    const manager = await makeUser(db, store.id, "manager");
    const actor: Actor = { id: manager.id, role: "manager" };
    const sales = await makeSales(store.id);
    const customer = await makeCustomer(db, store.id);
    const at = (d: string) => new Date(`${d}T04:00:00Z`);
    expect((await getCustomerLifecycle(db, { storeId: store.id, customerId: customer.id, actor, now: at("2026-12-03") })).stage).toBe("potential");
    const r = await createLead(db, { storeId: store.id, actor, input: { kind: "trade_in", source: "card", customerId: customer.id }, now: at("2026-12-03") });
    const intent = await getCustomerLifecycle(db, { storeId: store.id, customerId: customer.id, actor, now: at("2026-12-04") });
    expect(intent).toMatchObject({ stage: "intent", since: "2026-12-03" });
    expect(intent.leads).toHaveLength(1);
    await updateLead(db, { storeId: store.id, actor: sales.actor, id: r.id, input: { intent: "won", version: 1, actualValue: 100, eventOrderId: null, note: null }, now: at("2026-12-05") });
    expect(await getCustomerLifecycle(db, { storeId: store.id, customerId: customer.id, actor, now: at("2026-12-06") })).toMatchObject({ stage: "closed", since: "2026-12-05" });
    expect(await getCustomerLifecycle(db, { storeId: store.id, customerId: customer.id, actor, now: at("2027-03-05") })).toMatchObject({ stage: "base", since: "2027-03-05" });
    // a customer with a service visit and no lead is a base customer since the visit
    const served = await makeCustomer(db, store.id);
    const v = await makeVehicle(db, store.id, served.id);
    await makeVisit(db, store.id, v, { date: "2025-05-05", type: "maintenance" });
    expect(await getCustomerLifecycle(db, { storeId: store.id, customerId: served.id, actor, now: at("2026-12-03") })).toMatchObject({ stage: "base", since: "2025-05-05" });
  });
});

describe("segments by open leads", () => {
  it("selects customers with an open lead of a kind (won and other kinds do not count); the builder's fields round-trip", async () => {
    const { membersOfDefinition } = await import("./segment.server");
    const { definitionFromFields, fieldsFromDefinition, SegmentDefinitionSchema } = await import("./segment.schema");
    const store = await makeStore(db);
    const manager = await makeUser(db, store.id, "manager");
    const actor: Actor = { id: manager.id, role: "manager" };
    const sales = await makeSales(store.id);
    const [a, b, c] = [await makeCustomer(db, store.id), await makeCustomer(db, store.id), await makeCustomer(db, store.id)];
    await createLead(db, { storeId: store.id, actor, input: { kind: "trade_in", source: "card", customerId: a.id } });
    const won = await createLead(db, { storeId: store.id, actor, input: { kind: "trade_in", source: "card", customerId: b.id } });
    await updateLead(db, { storeId: store.id, actor: sales.actor, id: won.id, input: { intent: "won", version: 1, actualValue: 100, eventOrderId: null, note: null } });
    await createLead(db, { storeId: store.id, actor, input: { kind: "insurance_renewal", source: "card", customerId: c.id } });
    const definition = SegmentDefinitionSchema.parse(definitionFromFields({ openLead: ["trade_in"] }));
    expect(fieldsFromDefinition(definition)).toMatchObject({ openLead: ["trade_in"] });
    const ids = (await membersOfDefinition(db, { storeId: store.id, definition, asOf: "2026-12-03" })).map((m) => m.customerId);
    expect(ids).toEqual([a.id]);
    const both = SegmentDefinitionSchema.parse(definitionFromFields({ openLead: ["trade_in", "insurance_renewal"] }));
    expect((await membersOfDefinition(db, { storeId: store.id, definition: both, asOf: "2026-12-03" })).map((m) => m.customerId).sort()).toEqual([a.id, c.id].sort());
  });
});
