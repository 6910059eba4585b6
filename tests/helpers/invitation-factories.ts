import type { DB } from "#db/client";
import { transition, type Actor } from "~/models/campaign.server";
import { confirmScript, startInvitations } from "~/models/invitation.server";
import { makeCampaign } from "./campaign-factories";
import { makeStore, makeUser } from "./factories";

let seq = 0;

/** Many customers (each with one vehicle), fast; `doNotContact` of them refuse contact. */
export async function makeCustomers(db: DB, storeId: number, count: number, opts: { doNotContact?: number; prefix?: string } = {}) {
  const now = new Date().toISOString();
  const prefix = opts.prefix ?? `IV${++seq}X`;
  const dnc = opts.doNotContact ?? 0;
  const ids: number[] = [];
  for (let i = 0; i < count + dnc; i += 300) {
    const chunk = Array.from({ length: Math.min(300, count + dnc - i) }, (_, k) => i + k);
    const rows = await db.insertInto("customers").values(chunk.map((n) => ({
      store_id: storeId, customer_code: `${prefix}${String(n).padStart(6, "0")}`, name: `客户${prefix}${n}`,
      phone: `139${String(storeId % 100).padStart(2, "0")}${String(seq % 10)}${String(n).padStart(5, "0")}`, gender: null, usage: "private" as const,
      do_not_contact: n >= count ? 1 : 0, created_at: now, updated_at: now,
    }))).returning("id").execute();
    await db.insertInto("vehicles").values(rows.map((r, k) => ({
      store_id: storeId, customer_id: r.id, vin: `VIN${prefix}${String(chunk[k]).padStart(8, "0")}`.slice(0, 20), plate: `豫A${prefix.slice(-3)}${chunk[k]}`,
      model: "A4L", purchase_date: null, warranty_end: null, insurance_expiry: null, mileage_km: null,
    }))).execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/**
 * A store with a manager (author), a second manager (approver), three staff, `customers`
 * customers (+ `doNotContact` who refused contact) and an approved campaign whose segment
 * takes everyone. With `start`, invitations are started (seeded) and staff confirm the script.
 */
export async function makeApprovedCampaign(
  db: DB,
  opts: { customers?: number; doNotContact?: number; holdoutPercent?: number; start?: boolean; seed?: number; confirm?: boolean } = {},
) {
  const store = await makeStore(db);
  const manager = await makeUser(db, store.id, "manager");
  const approver = await makeUser(db, store.id, "manager");
  const staff = [await makeUser(db, store.id, "staff"), await makeUser(db, store.id, "staff"), await makeUser(db, store.id, "staff")];
  const customerIds = await makeCustomers(db, store.id, opts.customers ?? 30, { doNotContact: opts.doNotContact ?? 0 });
  const author: Actor = { id: manager.id, role: "manager" };
  const campaign = await makeCampaign(db, store.id, author, { overrides: { holdoutPercent: String(opts.holdoutPercent ?? 0) } });
  await transition(db, { storeId: store.id, id: campaign.id, actor: author, action: "submit" });
  await transition(db, { storeId: store.id, id: campaign.id, actor: { id: approver.id, role: "manager" }, action: "approve" });
  const ctx = {
    store, manager, approver, staff, customerIds, campaign,
    actor: author,
    staffActors: staff.map((s): Actor => ({ id: s.id, role: "staff" })),
    audience: null as Awaited<ReturnType<typeof startInvitations>> | null,
  };
  if (opts.start) {
    ctx.audience = await startInvitations(db, { storeId: store.id, campaignId: campaign.id, actor: author, seed: opts.seed ?? 42 });
    if (opts.confirm !== false) {
      for (const a of [author, ...ctx.staffActors]) await confirmScript(db, { storeId: store.id, campaignId: campaign.id, actor: a });
    }
  }
  return ctx;
}
