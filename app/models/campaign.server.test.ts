import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { createTestDb } from "../../tests/helpers/test-db";
import { makeStore, makeUser } from "../../tests/helpers/factories";
import { makeCampaign, makeCampaignIn, makeSegment, planInput } from "../../tests/helpers/campaign-factories";
import { AmendSchema, CAMPAIGN_STATUSES, TRANSITION_ACTIONS, type CampaignStatus, type TransitionAction } from "./campaign.schema";
import {
  allowedActions, amendPlan, CampaignNotFound, cloneCampaign, editMode, getCampaign, InvalidReferences, listCampaignMonth,
  listCampaigns, PlanIncomplete, PlanNotEditable, planFormValues, StaleVersion, transition, TransitionNotAllowed, transitionRefusal, updatePlan,
  type Actor,
} from "./campaign.server";
import { deleteStore } from "./store.server";

let db: DB;
let storeId: number;
let author: Actor;
let other: Actor;
let admin: Actor;
let staff: Actor;

beforeEach(async () => {
  db = await createTestDb();
  storeId = (await makeStore(db)).id;
  const u = async (role: "manager" | "admin" | "staff") => {
    const user = await makeUser(db, storeId, role);
    return { id: user.id, role: user.role };
  };
  author = await u("manager");
  other = await u("manager");
  admin = await u("admin");
  staff = await u("staff");
});
afterEach(async () => {
  await db.destroy();
});

describe("createCampaign / getCampaign", () => {
  it("stores the whole plan with money in fen (0.1 + 0.2 yuan → 30 fen) and tasks following the event", async () => {
    const c = await makeCampaign(db, storeId, author, {
      overrides: {
        budget: [
          { category: "gifts", description: "a", quantity: "1", unitCost: "0.1", payer: "dealer" },
          { category: "gifts", description: "b", quantity: "1", unitCost: "0.2", payer: "coop" },
          { category: "venue", description: "c", quantity: "3", unitCost: "19.99", payer: "dealer" },
        ],
      },
    });
    const d = await getCampaign(db, { storeId, id: c.id });
    expect(d.campaign.status).toBe("draft");
    expect(d.campaign.version).toBe(1);
    expect(d.campaign.owner_id).toBe(author.id);
    expect(d.campaign.kpi_revenue_fen).toBe(12_000_000);
    expect(d.campaign.kpi_deposits_fen).toBe(2_000_050);
    expect(d.budget.map((l) => l.amount_fen)).toEqual([10, 20, 5997]);
    expect(d.totals.byCategory.gifts).toBe(30);
    expect(d.totals.byPayer).toEqual({ dealer: 10 + 5997, coop: 20 });
    expect(d.totals.total).toBe(6027);
    expect(d.channels.map((ch) => [ch.channel, ch.planned_reach])).toEqual([["phone", 200], ["sms", null]]);
    // T−14 from the event start 2026-12-12; the other task keeps its own date
    expect(d.tasks.map((t) => t.due_date)).toEqual(["2026-11-28", "2026-12-25"]);
    expect(d.goals).toEqual([{ text: "首保到店", target: 60, unit: "台" }]);
    expect(d.history.map((h) => [h.kind, h.new_value])).toEqual([["status", "draft"]]);
  });

  it("refuses an unknown segment, another store's segment and an unknown owner, saving nothing", async () => {
    const otherStore = await makeStore(db);
    const foreignSegment = await makeSegment(db, otherStore.id);
    const foreignUser = await makeUser(db, otherStore.id, "manager");
    for (const [overrides, field] of [
      [{ segmentId: "999999" }, "segmentId"],
      [{ segmentId: String(foreignSegment.id) }, "segmentId"],
      [{ ownerId: String(foreignUser.id) }, "ownerId"],
      [{ ownerId: "424242" }, "ownerId"],
    ] as const) {
      const err = await makeCampaign(db, storeId, author, { withSegment: false, overrides }).catch((e) => e);
      expect(err).toBeInstanceOf(InvalidReferences);
      expect(Object.keys((err as InvalidReferences).errors)).toEqual([field]);
    }
    const bad = planInput({ tasks: [{ title: "x", phase: "prep", ownerId: String(foreignUser.id) }] });
    const err = await import("./campaign.server").then((m) => m.createCampaign(db, { storeId, actor: author, input: bad })).catch((e) => e);
    expect((err as InvalidReferences).errors).toEqual({ "tasks.0.ownerId": "campaigns:errors.ownerUnknown" });
    expect(await db.selectFrom("campaigns").select("id").execute()).toEqual([]);
  });

  it("gives 404 (CampaignNotFound) for another store's campaign", async () => {
    const c = await makeCampaign(db, storeId, author);
    const otherStore = await makeStore(db);
    await expect(getCampaign(db, { storeId: otherStore.id, id: c.id })).rejects.toBeInstanceOf(CampaignNotFound);
    await expect(updatePlan(db, { storeId: otherStore.id, id: c.id, actor: author, input: planInput({ version: "1" }) })).rejects.toBeInstanceOf(CampaignNotFound);
  });

  it("staff cannot create a plan", async () => {
    await expect(makeCampaign(db, storeId, staff)).rejects.toBeInstanceOf(PlanNotEditable);
  });
});

describe("updatePlan: the event's seats", () => {
  it("stores the capacity, shows it again in the form, clears it when emptied, and a copy keeps it", async () => {
    const c = await makeCampaign(db, storeId, author, { overrides: { capacity: "40" } });
    expect((await getCampaign(db, { storeId, id: c.id })).campaign.capacity).toBe(40);
    const segmentId = String(c.segment_id);
    await updatePlan(db, { storeId, id: c.id, actor: author, input: planInput({ version: "1", segmentId, capacity: "25" }) });
    const d = await getCampaign(db, { storeId, id: c.id });
    expect(Number(d.campaign.capacity)).toBe(25);
    expect(planFormValues(d).capacity).toBe("25");
    const copy = await cloneCampaign(db, { storeId, id: c.id, actor: author, name: "copy" });
    expect(Number((await getCampaign(db, { storeId, id: copy.id })).campaign.capacity)).toBe(25);
    await updatePlan(db, { storeId, id: c.id, actor: author, input: planInput({ version: "2", segmentId, capacity: "" }) });
    expect((await getCampaign(db, { storeId, id: c.id })).campaign.capacity).toBeNull();
  });
});

describe("updatePlan: optimistic concurrency", () => {
  it("bumps the version on every save and refuses a second save made from the old version", async () => {
    const c = await makeCampaign(db, storeId, author);
    const segmentId = String(c.segment_id);
    const first = await updatePlan(db, { storeId, id: c.id, actor: author, input: planInput({ version: "1", segmentId, name: "A's edit" }) });
    expect(first.version).toBe(2);
    const err = await updatePlan(db, { storeId, id: c.id, actor: other, input: planInput({ version: "1", segmentId, name: "B's edit" }) }).catch((e) => e);
    expect(err).toBeInstanceOf(StaleVersion);
    const stale = (err as StaleVersion).current;
    expect(stale.version).toBe(2);
    expect(stale.updatedAt).toBe(first.updatedAt);
    expect(stale.updatedByName).toMatch(/^manager /);
    const d = await getCampaign(db, { storeId, id: c.id });
    expect(d.campaign.name).toBe("A's edit");
    expect(d.campaign.version).toBe(2);
    // with the current version the save goes through
    await updatePlan(db, { storeId, id: c.id, actor: other, input: planInput({ version: "2", segmentId, name: "B's edit" }) });
    expect((await getCampaign(db, { storeId, id: c.id })).campaign.name).toBe("B's edit");
  });

  it("keeps budget line and task ids (and a line's actual cost) when they are saved again", async () => {
    const c = await makeCampaign(db, storeId, author);
    const before = await getCampaign(db, { storeId, id: c.id });
    await db.updateTable("campaign_budget_lines").set({ actual_fen: 777 }).where("id", "=", before.budget[0]!.id).execute();
    await updatePlan(db, {
      storeId, id: c.id, actor: author,
      input: planInput({
        version: "1", segmentId: String(c.segment_id), eventStart: "2026-12-19T09:00", eventEnd: "2026-12-19T17:00", reviewDate: "2026-12-27",
        budget: [{ id: String(before.budget[0]!.id), category: "gifts", description: "礼品", quantity: "200", unitCost: "0.1", payer: "dealer" }],
        tasks: [{ id: String(before.tasks[0]!.id), title: "物料准备", phase: "prep", relativeDays: "-14", status: "doing" }],
      }),
    });
    const after = await getCampaign(db, { storeId, id: c.id });
    expect(after.budget).toHaveLength(1);
    expect(after.budget[0]).toMatchObject({ id: before.budget[0]!.id, amount_fen: 2000, actual_fen: 777 });
    // the event moved a week: the T−14 task moved with it
    expect(after.tasks).toEqual([expect.objectContaining({ id: before.tasks[0]!.id, due_date: "2026-12-05", status: "doing" })]);
  });

  it("refuses edits of a submitted plan and edits by staff", async () => {
    const c = await makeCampaignIn(db, storeId, "submitted", author, other);
    await expect(updatePlan(db, { storeId, id: c.id, actor: author, input: planInput({ version: "2", segmentId: String(c.segment_id) }) })).rejects.toBeInstanceOf(PlanNotEditable);
    const d = await makeCampaign(db, storeId, author);
    await expect(updatePlan(db, { storeId, id: d.id, actor: staff, input: planInput({ version: "1", segmentId: String(d.segment_id) }) })).rejects.toBeInstanceOf(PlanNotEditable);
  });
});

describe("status machine", () => {
  const allowed: Record<TransitionAction, CampaignStatus[]> = {
    submit: ["draft"],
    approve: ["submitted"],
    return: ["submitted"],
    start_invitations: ["approved"],
    start_execution: ["inviting"],
    start_review: ["executing"],
    close: ["reviewing"],
    cancel: ["draft", "submitted", "approved", "inviting", "executing", "reviewing"],
  };

  it("allows every action from exactly its statuses, by role (pure table)", () => {
    for (const status of CAMPAIGN_STATUSES) {
      for (const action of TRANSITION_ACTIONS) {
        const ok = allowed[action].includes(status);
        const c = { status, author_id: 1 };
        expect(transitionRefusal(c, { id: 9, role: "staff" }, action), `${action} from ${status} by staff`).toBe("role");
        expect(transitionRefusal(c, { id: 2, role: "manager" }, action), `${action} from ${status} by manager`).toBe(ok ? null : "status");
        expect(transitionRefusal(c, { id: 3, role: "admin" }, action), `${action} from ${status} by admin`).toBe(ok ? null : "status");
        const byAuthor = transitionRefusal(c, { id: 1, role: "manager" }, action);
        expect(byAuthor, `${action} from ${status} by the author`).toBe(!ok ? "status" : action === "approve" || action === "return" ? "author" : null);
        // an admin may approve their own plan
        expect(transitionRefusal(c, { id: 1, role: "admin" }, action)).toBe(ok ? null : "status");
      }
    }
    expect(allowedActions({ status: "submitted", author_id: 1 }, { id: 1, role: "manager" })).toEqual(["cancel"]);
    expect(allowedActions({ status: "submitted", author_id: 1 }, { id: 2, role: "manager" })).toEqual(["approve", "return", "cancel"]);
    expect(allowedActions({ status: "closed", author_id: 1 }, { id: 2, role: "admin" })).toEqual([]);
  });

  it("walks the whole workflow on the database, recording each step in history", async () => {
    const c = await makeCampaignIn(db, storeId, "closed", author, other);
    const d = await getCampaign(db, { storeId, id: c.id });
    expect(d.campaign.status).toBe("closed");
    expect(d.history.filter((h) => h.kind === "status").map((h) => `${h.old_value ?? ""}>${h.new_value}`)).toEqual([
      ">draft", "draft>submitted", "submitted>approved", "approved>inviting", "inviting>executing", "executing>reviewing", "reviewing>closed",
    ]);
    expect(d.campaign.version).toBe(7);
  });

  it.each(["draft", "submitted", "approved", "inviting", "executing", "reviewing"] as const)("cancels from %s", async (status) => {
    const c = await makeCampaignIn(db, storeId, status, author, other);
    await transition(db, { storeId, id: c.id, actor: author, action: "cancel", comment: "预算取消" });
    const d = await getCampaign(db, { storeId, id: c.id });
    expect(d.campaign.status).toBe("cancelled");
    expect(d.history.at(-1)).toMatchObject({ old_value: status, new_value: "cancelled", comment: "预算取消" });
  });

  it.each(["closed", "cancelled"] as const)("refuses every action from %s", async (status) => {
    const c = await makeCampaignIn(db, storeId, status, author, other);
    for (const action of TRANSITION_ACTIONS) {
      await expect(transition(db, { storeId, id: c.id, actor: admin, action })).rejects.toBeInstanceOf(TransitionNotAllowed);
    }
  });

  it("refuses the author approving or returning their own plan, staff anything; another manager or an admin approves", async () => {
    const c = await makeCampaignIn(db, storeId, "submitted", author, other);
    const refused = async (actor: Actor, action: TransitionAction, reason: string) => {
      const err = await transition(db, { storeId, id: c.id, actor, action, comment: "x" }).catch((e) => e);
      expect(err).toBeInstanceOf(TransitionNotAllowed);
      expect((err as TransitionNotAllowed).reason).toBe(reason);
    };
    await refused(author, "approve", "author");
    await refused(author, "return", "author");
    await refused(staff, "approve", "role");
    await refused(staff, "cancel", "role");
    await refused(other, "submit", "status");
    await transition(db, { storeId, id: c.id, actor: other, action: "return", comment: "预算太高" });
    let d = await getCampaign(db, { storeId, id: c.id });
    expect(d.campaign.status).toBe("draft");
    expect(d.history.at(-1)).toMatchObject({ field: "return", comment: "预算太高", user_id: other.id });
    await transition(db, { storeId, id: c.id, actor: author, action: "submit" });
    await transition(db, { storeId, id: c.id, actor: admin, action: "approve" });
    d = await getCampaign(db, { storeId, id: c.id });
    expect(d.campaign.status).toBe("approved");
  });

  it("refuses submitting an incomplete plan, naming what is missing", async () => {
    const c = await makeCampaign(db, storeId, author, { withSegment: false, overrides: { eventEnd: "", invitationStart: "" } });
    const err = await transition(db, { storeId, id: c.id, actor: author, action: "submit" }).catch((e) => e);
    expect(err).toBeInstanceOf(PlanIncomplete);
    expect((err as PlanIncomplete).missing).toEqual(["segmentId", "invitationStart", "eventEnd"]);
    expect((await getCampaign(db, { storeId, id: c.id })).campaign.status).toBe("draft");
  });

  it("refuses a transition made from a stale version", async () => {
    const c = await makeCampaign(db, storeId, author);
    await updatePlan(db, { storeId, id: c.id, actor: other, input: planInput({ version: "1", segmentId: String(c.segment_id) }) });
    await expect(transition(db, { storeId, id: c.id, actor: author, action: "submit", expectedVersion: 1 })).rejects.toBeInstanceOf(StaleVersion);
  });

  it("says which plans are editable, amendable or read-only", () => {
    expect(editMode("draft", author)).toBe("edit");
    expect(editMode("submitted", author)).toBe(null);
    for (const s of ["approved", "inviting", "executing", "reviewing"] as const) expect(editMode(s, author)).toBe("amend");
    expect(editMode("closed", admin)).toBe(null);
    expect(editMode("draft", staff)).toBe(null);
  });
});

describe("amendPlan after approval", () => {
  it("records each KPI and budget change in history (old → new) and keeps other fields", async () => {
    const c = await makeCampaignIn(db, storeId, "approved", author, other);
    const before = await getCampaign(db, { storeId, id: c.id });
    const input = AmendSchema.parse({
      version: String(before.campaign.version),
      kpiReachRatePercent: "100", kpiYesCount: "90", kpiArrivals: "60", kpiConversions: "40",
      kpiRevenue: "150000", kpiDeposits: "20000.50", kpiRoiPercent: "150",
      budget: [
        { id: String(before.budget[0]!.id), category: "gifts", description: "礼品", quantity: "120", unitCost: "0.1", payer: "dealer" },
        { category: "catering", description: "茶歇", quantity: "1", unitCost: "500", payer: "dealer" },
      ],
      tasks: [],
    });
    const res = await amendPlan(db, { storeId, id: c.id, actor: other, input });
    expect(res.version).toBe(before.campaign.version + 1);
    const d = await getCampaign(db, { storeId, id: c.id });
    expect(d.campaign.kpi_yes_count).toBe(90);
    expect(d.campaign.kpi_revenue_fen).toBe(15_000_000);
    expect(d.campaign.name).toBe(before.campaign.name);
    const fields = d.history.filter((h) => h.kind === "field");
    expect(fields.map((h) => [h.field, h.old_value, h.new_value]).filter(([f]) => f !== "budget_line")).toEqual([
      ["kpi_yes_count", "80", "90"],
      ["kpi_revenue_fen", "12000000", "15000000"],
      ["budget_total", String(1000 + 60), String(1200 + 50000)],
    ]);
    const lines = fields.filter((h) => h.field === "budget_line");
    expect(lines).toHaveLength(3); // one changed, one added, one removed
    expect(JSON.parse(lines[0]!.old_value!).amountFen).toBe(1000);
    expect(JSON.parse(lines[0]!.new_value!).amountFen).toBe(1200);
    expect(lines[1]!.old_value).toBeNull();
    expect(lines[2]!.new_value).toBeNull();
    expect(fields.every((h) => h.user_id === other.id)).toBe(true);
  });

  it("refuses amending a draft (full edit applies) or a closed plan, and a stale version", async () => {
    const draft = await makeCampaign(db, storeId, author);
    const input = (v: number) => AmendSchema.parse({ version: String(v), budget: [], tasks: [] });
    await expect(amendPlan(db, { storeId, id: draft.id, actor: author, input: input(1) })).rejects.toBeInstanceOf(PlanNotEditable);
    const closed = await makeCampaignIn(db, storeId, "closed", author, other);
    await expect(amendPlan(db, { storeId, id: closed.id, actor: author, input: input(7) })).rejects.toBeInstanceOf(PlanNotEditable);
    const approved = await makeCampaignIn(db, storeId, "approved", author, other);
    await expect(amendPlan(db, { storeId, id: approved.id, actor: author, input: input(1) })).rejects.toBeInstanceOf(StaleVersion);
  });
});

describe("clone, list and calendar", () => {
  it("clones a past campaign as a new draft with dates and actuals cleared", async () => {
    const src = await makeCampaignIn(db, storeId, "closed", author, other);
    await db.updateTable("campaign_budget_lines").set({ actual_fen: 999, actual_note: "发票" }).where("campaign_id", "=", src.id).execute();
    const copy = await cloneCampaign(db, { storeId, id: src.id, actor: other, name: "副本" });
    const d = await getCampaign(db, { storeId, id: copy.id });
    expect(d.campaign).toMatchObject({
      status: "draft", name: "副本", author_id: other.id, cloned_from: src.id, invitation_start: null, invitation_end: null,
      event_start: null, event_end: null, review_date: null, kpi_revenue_fen: 12_000_000, version: 1,
    });
    expect(d.budget.map((l) => [l.amount_fen, l.actual_fen, l.actual_note])).toEqual([[1000, null, null], [60, null, null]]);
    expect(d.tasks.map((t) => [t.due_date, t.relative_days, t.status])).toEqual([[null, -14, "todo"], [null, null, "todo"]]);
    expect(d.channels).toHaveLength(2);
  });

  it("filters the list by status, chain, year and name, within the store, with budget totals", async () => {
    const a = await makeCampaign(db, storeId, author, { overrides: { name: "Spring Care Day" } });
    await makeCampaign(db, storeId, author, {
      overrides: { name: "续保季", businessChain: "renewal_accident", invitationStart: "2027-01-02", invitationEnd: "2027-01-10", eventStart: "2027-01-12T09:00", eventEnd: "2027-01-12T17:00", reviewDate: "" },
    });
    const foreign = await makeStore(db);
    const foreignUser = await makeUser(db, foreign.id, "manager");
    await makeCampaign(db, foreign.id, { id: foreignUser.id, role: "manager" }, { overrides: { name: "Spring elsewhere" } });
    const names = async (filters: Parameters<typeof listCampaigns>[1]["filters"]) => (await listCampaigns(db, { storeId, filters })).map((r) => r.name);
    expect(await names({})).toEqual(["续保季", "Spring Care Day"]);
    expect(await names({ q: "spring" })).toEqual(["Spring Care Day"]);
    expect(await names({ chain: "renewal_accident" })).toEqual(["续保季"]);
    expect(await names({ year: 2026 })).toEqual(["Spring Care Day"]);
    expect(await names({ year: 2027 })).toEqual(["续保季"]);
    expect(await names({ status: "submitted" })).toEqual([]);
    await transition(db, { storeId, id: a.id, actor: author, action: "submit" });
    expect(await names({ status: "submitted" })).toEqual(["Spring Care Day"]);
    const row = (await listCampaigns(db, { storeId, filters: { q: "spring" } }))[0]!;
    expect(row.budget_fen).toBe(1060);
    expect(row.owner_name).toMatch(/^manager /);
  });

  it("lists the campaigns touching a month for the calendar", async () => {
    await makeCampaign(db, storeId, author, { overrides: { name: "Dec" } });
    await makeCampaign(db, storeId, author, {
      overrides: { name: "Span", invitationStart: "2026-11-20", invitationEnd: "2026-12-01", eventStart: "2026-12-02T10:00", eventEnd: "2026-12-02T12:00", reviewDate: "" },
    });
    await makeCampaign(db, storeId, author, {
      overrides: { name: "Jan", invitationStart: "2027-01-02", invitationEnd: "2027-01-10", eventStart: "2027-01-12T09:00", eventEnd: "2027-01-12T17:00", reviewDate: "" },
    });
    expect((await listCampaignMonth(db, { storeId, month: "2026-12" })).rows.map((r) => r.name).sort()).toEqual(["Dec", "Span"]);
    expect((await listCampaignMonth(db, { storeId, month: "2026-11" })).rows.map((r) => r.name)).toEqual(["Span"]);
    expect((await listCampaignMonth(db, { storeId, month: "2027-01" })).rows.map((r) => r.name)).toEqual(["Jan"]);
    expect((await listCampaignMonth(db, { storeId, month: "2026-12" })).next).toBe("2027-01-01");
  });

  it("deleting the store removes its campaigns", async () => {
    await makeCampaignIn(db, storeId, "approved", author, other);
    await deleteStore(db, { storeId });
    expect(await db.selectFrom("campaigns").select("id").execute()).toEqual([]);
    expect(await db.selectFrom("campaign_history").select("id").execute()).toEqual([]);
  });
});
