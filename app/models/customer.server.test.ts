import { describe, expect, test } from "vitest";
import type { DB } from "#db/client";
import { freshStoreEachTest } from "../../tests/helpers/fresh-db";
import { makeStore, makeUser } from "../../tests/helpers/factories";
import { customerWith } from "../../tests/helpers/segment-factories";
import { CustomerEditSchema } from "./customer.schema";
import { CustomerNotFound, getCustomerCard, listCustomers, maskPhone, updateCustomer } from "./customer.server";

let db: DB;
let storeId: number;
freshStoreEachTest((d, s) => { db = d; storeId = s; });

describe("listCustomers", () => {
  test("finds by name, whole phone, last 4 digits, plate and VIN, scoped to the store", async () => {
    const a = await customerWith(db, storeId, { code: "A1", name: "王建国", phone: "13812345678", vehicle: { plate: "豫A9K8J7", vin: "LFV00000000000001" } });
    await customerWith(db, storeId, { code: "B1", name: "李娜", phone: "13900001111", vehicle: { plate: "豫A11111", vin: "LFV00000000000002" } });
    const other = await makeStore(db);
    await customerWith(db, other.id, { code: "X1", name: "王建国", phone: "13812345678" });
    const codes = async (q: string) => (await listCustomers(db, { storeId, q })).rows.map((r) => r.customer_code);
    expect(await codes("建国")).toEqual(["A1"]);
    expect(await codes("13812345678")).toEqual(["A1"]);
    expect(await codes("5678")).toEqual(["A1"]);
    expect(await codes("1111")).toEqual(["B1"]);
    expect(await codes("9K8J")).toEqual(["A1"]);
    expect(await codes("lfv00000000000001")).toEqual(["A1"]);
    expect(a.customer.id).toBeGreaterThan(0);
  });

  test("filters by group, tier, usage, preference; sorts and pages", async () => {
    const today = new Date().toISOString().slice(0, 10);
    await customerWith(db, storeId, { code: "C1", usage: "official", preferences: ["golf"], visits: [[today, "repair", 900]] });
    await customerWith(db, storeId, { code: "C2", usage: "private", visits: [[today, "care", 100]] });
    await customerWith(db, storeId, { code: "C3", usage: "private" });
    const q = (args: Parameters<typeof listCustomers>[1]) => listCustomers(db, args).then((r) => ({ total: r.total, codes: r.rows.map((x) => x.customer_code) }));
    expect(await q({ storeId, group: [3] })).toEqual({ total: 1, codes: ["C1"] });
    expect(await q({ storeId, tier: ["D"] })).toEqual({ total: 2, codes: ["C2", "C3"] });
    expect(await q({ storeId, usage: "private" })).toEqual({ total: 2, codes: ["C2", "C3"] });
    expect(await q({ storeId, preference: "golf" })).toEqual({ total: 1, codes: ["C1"] });
    expect((await q({ storeId, sort: "revenue", dir: "desc" })).codes).toEqual(["C1", "C2", "C3"]);
    expect(await q({ storeId, size: 25, page: 2 })).toEqual({ total: 3, codes: [] });
  });
});

describe("updateCustomer", () => {
  test("records every changed field with who and old → new; no change writes nothing", async () => {
    const user = await makeUser(db, storeId, "manager");
    const { customer } = await customerWith(db, storeId, { code: "E1", name: "张三", phone: "13800000001", preferences: ["golf"] });
    const input = CustomerEditSchema.parse({ name: "张三丰", phone: "13800000002", gender: "M", usage: "private", doNotContact: "on", preferences: ["art", "golf"] });
    const changed = await updateCustomer(db, { storeId, customerId: customer.id, userId: user.id, input });
    expect(changed.sort()).toEqual(["do_not_contact", "gender", "name", "phone", "preferences"]);
    const card = (await getCustomerCard(db, { storeId, id: customer.id }))!;
    expect(card.customer).toMatchObject({ name: "张三丰", phone: "13800000002", do_not_contact: 1 });
    expect(card.preferences).toEqual(["art", "golf"]);
    const byField = Object.fromEntries(card.changes.map((c) => [c.field, c]));
    expect(byField.phone).toMatchObject({ old_value: "13800000001", new_value: "13800000002", display_name: user.display_name });
    expect(byField.preferences).toMatchObject({ old_value: "golf", new_value: "art;golf" });
    expect(byField.do_not_contact).toMatchObject({ old_value: "0", new_value: "1" });
    expect(await updateCustomer(db, { storeId, customerId: customer.id, userId: user.id, input })).toEqual([]);
    expect((await getCustomerCard(db, { storeId, id: customer.id }))!.changes).toHaveLength(5);
    const other = await makeStore(db);
    await expect(updateCustomer(db, { storeId: other.id, customerId: customer.id, userId: null, input })).rejects.toBeInstanceOf(CustomerNotFound);
  });

  test("the edit schema refuses a malformed phone and unknown preferences; blanks become null", () => {
    expect(CustomerEditSchema.safeParse({ name: "a", phone: "12345", preferences: [] }).success).toBe(false);
    expect(CustomerEditSchema.safeParse({ name: "a", phone: "", preferences: ["nope"] }).success).toBe(false);
    expect(CustomerEditSchema.parse({ name: " a ", phone: "", gender: "", usage: "" })).toEqual({ name: "a", phone: null, gender: null, usage: null, doNotContact: false, preferences: [] });
    expect(CustomerEditSchema.parse({ name: "a", phone: "010-12345678", preferences: "golf" }).preferences).toEqual(["golf"]);
    expect(maskPhone("13812345678")).toBe("138****5678");
  });
});

test("the card shows segmentation, totals per line and isolates stores", async () => {
  const today = new Date().toISOString().slice(0, 10);
  const { customer } = await customerWith(db, storeId, { code: "K1", visits: [[today, "repair", 500], [today, "beauty", 200], [today, "warranty", 100]] });
  const card = (await getCustomerCard(db, { storeId, id: customer.id }))!;
  expect(card.totals.R).toEqual({ visits: 2, amount_fen: 60000 });
  expect(card.totals.B).toEqual({ visits: 1, amount_fen: 20000 });
  expect(card.segment).toMatchObject({ group: 3, tier: "A" });
  expect(await getCustomerCard(db, { storeId: (await makeStore(db)).id, id: customer.id })).toBeNull();
});
