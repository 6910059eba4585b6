import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { DB } from "#db/client";
import { createTestDb } from "../../tests/helpers/test-db";
import { makeStore, makeUser } from "../../tests/helpers/factories";
import { customerWith } from "../../tests/helpers/segment-factories";
import { addDays } from "~/utils/format";
import {
  createSegment, getSegment, membersOfDefinition, getSegmentMemberIds, getSegmentMembers, getSegmentSummary, listSegments,
  SegmentNotFound, SegmentStaleVersion, summariseDefinition, updateSegment,
} from "./segment.server";
import { definitionFromFields, fieldsFromDefinition, SegmentDefinitionSchema, type Condition, type SegmentDefinition } from "./segment.schema";

const AS_OF = "2026-06-30";
const d = (n: number) => addDays(AS_OF, -n);
let db: DB;
let storeId: number;
let ids: Record<string, number>;

beforeEach(async () => {
  db = await createTestDb();
  storeId = (await makeStore(db)).id;
  ids = {};
  const add = async (code: string, opts: Omit<Parameters<typeof customerWith>[2], "code">) => {
    ids[code] = (await customerWith(db, storeId, { ...opts, code })).customer.id;
  };
  // group 2 (M high), private, golf, Q5L, insurance due in 30 days
  await add("C1", { visits: [[d(10), "maintenance", 800], [d(100), "care", 300]], preferences: ["golf"], vehicle: { model: "Q5L", insurance_expiry: addDays(AS_OF, 30), purchase_date: d(200) } });
  // group 2, do not contact
  await add("C2", { doNotContact: true, visits: [[d(10), "maintenance", 800], [d(20), "maintenance", 800]], vehicle: { model: "Q5L" } });
  // group 7 (R + I), official
  await add("C3", { usage: "official", visits: [[d(50), "repair", 5000], [d(60), "accident", 20000]], preferences: ["art"], vehicle: { model: "A6L", warranty_end: addDays(AS_OF, 30) } });
  // group 1, no visit, no vehicle
  await add("C4", { vehicle: false, usage: "commercial" });
  // group 1 with an old M visit
  await add("C5", { visits: [[d(500), "maintenance", 600]], vehicle: { model: "A4L", purchase_date: d(2000) } });
});
afterEach(async () => {
  await db.destroy();
});

const def = (conditions: SegmentDefinition["conditions"], match: "all" | "any" = "all"): SegmentDefinition => ({ match, conditions });
async function members(definition: SegmentDefinition) {
  const codes = Object.fromEntries(Object.entries(ids).map(([c, id]) => [id, c]));
  return (await membersOfDefinition(db, { storeId, definition, asOf: AS_OF })).map((m) => codes[m.customerId]).sort();
}

describe("conditions", () => {
  test("each kind of condition selects the expected customers; do-not-contact never", async () => {
    expect(await members(def([]))).toEqual(["C1", "C3", "C4", "C5"]);
    expect(await members(def([{ kind: "group", values: [2] }]))).toEqual(["C1"]);
    expect(await members(def([{ kind: "group", values: [1, 7] }]))).toEqual(["C3", "C4", "C5"]);
    // 5 customers: A ≤ ⌈0.05⌉ = 1 = B = C cut, so only the top spender (C3) is not D.
    expect(await members(def([{ kind: "tier", values: ["A"] }]))).toEqual(["C3"]);
    expect(await members(def([{ kind: "tier", values: ["D"] }]))).toEqual(["C1", "C4", "C5"]);
    expect(await members(def([{ kind: "usage", values: ["official", "commercial"] }]))).toEqual(["C3", "C4"]);
    expect(await members(def([{ kind: "preference", values: ["golf", "art"] }]))).toEqual(["C1", "C3"]);
    expect(await members(def([{ kind: "model", values: ["Q5L"] }]))).toEqual(["C1"]);
    expect(await members(def([{ kind: "insuranceDue", due: true }]))).toEqual(["C1"]);
    expect(await members(def([{ kind: "warranty", values: ["ending"] }]))).toEqual(["C3"]);
    expect(await members(def([{ kind: "warranty", values: ["unknown"] }]))).toEqual(["C1", "C4", "C5"]);
    expect(await members(def([{ kind: "vehicleAge", values: ["lt1"] }]))).toEqual(["C1"]);
    expect(await members(def([{ kind: "vehicleAge", values: ["ge4"] }]))).toEqual(["C5"]);
    expect(await members(def([{ kind: "lastVisit", op: "before", date: d(100) }]))).toEqual(["C5"]);
    expect(await members(def([{ kind: "lastVisit", op: "after", date: d(100) }]))).toEqual(["C1", "C3"]);
    expect(await members(def([{ kind: "lineVisit", line: "R", has: true, days: 51 }]))).toEqual(["C3"]);
    expect(await members(def([{ kind: "lineVisit", line: "R", has: true, days: 50 }]))).toEqual([]);
    expect(await members(def([{ kind: "lineVisit", line: "M", has: false, days: 365 }]))).toEqual(["C3", "C4", "C5"]);
    expect(await members(def([{ kind: "rfm", metric: "m", min: 5, max: 5 }]))).toEqual(["C3"]);
  });

  test("AND narrows, OR widens", async () => {
    const a: Condition = { kind: "group", values: [2] };
    const b: Condition = { kind: "usage", values: ["official"] };
    expect(await members(def([a, b], "all"))).toEqual([]);
    expect(await members(def([a, b], "any"))).toEqual(["C1", "C3"]);
  });

  test("summary counts members, do-not-contact separately, and breaks down by group and tier", async () => {
    const s = await summariseDefinition(db, { storeId, asOf: AS_OF, definition: def([{ kind: "model", values: ["Q5L", "A6L"] }]) });
    expect(s.count).toBe(2);
    expect(s.doNotContact).toBe(1);
    expect(s.byGroup).toEqual({ 1: 0, 2: 1, 3: 0, 4: 0, 5: 0, 6: 0, 7: 1, 8: 0 });
    expect(s.byTier.A + s.byTier.B + s.byTier.C + s.byTier.D).toBe(2);
  });
});

describe("saved segments", () => {
  test("create, read, list, summary, members; another store sees nothing", async () => {
    const user = await makeUser(db, storeId);
    const seg = await createSegment(db, { storeId, userId: user.id, name: "第 2 类", description: null, definition: def([{ kind: "group", values: [2] }]) });
    expect(seg.version).toBe(1);
    expect(await listSegments(db, { storeId })).toEqual([{ id: seg.id, name: "第 2 类", description: null, updated_at: seg.updated_at }]);
    expect((await getSegment(db, { storeId, id: seg.id }))?.definition).toEqual(def([{ kind: "group", values: [2] }]));
    const summary = await getSegmentSummary(db, { storeId, segmentId: seg.id, asOf: AS_OF });
    expect(summary).toMatchObject({ count: 1, doNotContact: 1 });
    expect(await getSegmentMemberIds(db, { storeId, segmentId: seg.id, asOf: AS_OF })).toEqual([ids.C1]);
    expect(await getSegmentMembers(db, { storeId, segmentId: seg.id, asOf: AS_OF })).toEqual([{ customerId: ids.C1, group: 2, tier: expect.any(String) }]);
    const other = await makeStore(db);
    expect(await getSegment(db, { storeId: other.id, id: seg.id })).toBeNull();
    await expect(getSegmentSummary(db, { storeId: other.id, segmentId: seg.id })).rejects.toBeInstanceOf(SegmentNotFound);
  });

  test("update checks the version", async () => {
    const seg = await createSegment(db, { storeId, userId: null, name: "x", definition: def([]) });
    const updated = await updateSegment(db, { storeId, id: seg.id, version: 1, name: "y", definition: def([{ kind: "tier", values: ["A"] }]) });
    expect(updated).toMatchObject({ name: "y", version: 2 });
    await expect(updateSegment(db, { storeId, id: seg.id, version: 1, name: "z", definition: def([]) })).rejects.toBeInstanceOf(SegmentStaleVersion);
    await expect(updateSegment(db, { storeId: storeId + 99, id: seg.id, version: 2, name: "z", definition: def([]) })).rejects.toBeInstanceOf(SegmentNotFound);
    expect((await getSegment(db, { storeId, id: seg.id }))?.name).toBe("y");
  });
});

test("builder fields round-trip through a definition", () => {
  const fields = {
    match: "any", groups: ["2", "7"], tiers: "A", rMin: "3", mMax: "4", vehicleAge: ["lt1", "unknown"], warranty: "ending",
    insuranceDue: "yes", usage: "private", preference: ["golf"], model: ["Q5L"], lastVisitAfter: "2026-01-01",
    line_R: "hasNo", line_R_days: "180",
  };
  const parsed = SegmentDefinitionSchema.parse(definitionFromFields(fields));
  expect(parsed.match).toBe("any");
  expect(parsed.conditions).toContainEqual({ kind: "rfm", metric: "r", min: 3, max: 5 });
  expect(parsed.conditions).toContainEqual({ kind: "lineVisit", line: "R", has: false, days: 180 });
  expect(SegmentDefinitionSchema.parse(definitionFromFields(fieldsFromDefinition(parsed)))).toEqual(parsed);
  expect(SegmentDefinitionSchema.safeParse(definitionFromFields({ lastVisitAfter: "2026-02-30" })).success).toBe(false);
});
