import type { DB } from "#db/client";
import { toInt } from "#db/dialect";
import { LINES, VISIT_TYPE_LINE, type GroupNumber, type Line, type Tier, type VisitType } from "./domain";
import type { CustomerEdit, CustomerListQuery } from "./customer.schema";
import { ensureSnapshot } from "./segmentation.server";
import { CustomerNotFound } from "./errors";
export { CustomerNotFound };

import { maskPhone, phoneFor, type Viewer } from "./permissions";

export { maskPhone };

/**
 * The store's customers: search (name, phone or its last 4 digits, customer code, plate,
 * VIN), filters (group, tier, usage, preference), sort and page. Group and tier come from
 * the segmentation snapshot for today; `snapshot` tells which one. `serveLast` (pages): on
 * PostgreSQL, while a rebuild is under way the list reads the last snapshot at once (customers
 * added since are listed without a group) — see ensureSnapshot. Domain calls leave it unset.
 */
export async function listCustomers(
  db: DB,
  { storeId, viewer, serveLast, q, group = [], tier = [], usage, preference, sort = "code", dir = "asc", page = 1, size = 25 }:
    { storeId: number; /** phones as this person may see them (all in full without one) */ viewer?: Viewer; serveLast?: boolean } & Partial<CustomerListQuery>,
) {
  const snapshot = await ensureSnapshot(db, { storeId, serveLast });
  let query = db
    .selectFrom("customers")
    .leftJoin("customer_segments", "customer_segments.customer_id", "customers.id")
    .where("customers.store_id", "=", storeId);
  const term = q?.trim();
  if (term) {
    const like = `%${term}%`;
    const digits = /^\d+$/.test(term);
    query = query.where((eb) =>
      eb.or([
        eb("customers.name", "like", like),
        eb("customers.customer_code", "=", term),
        ...(digits ? [eb("customers.phone", "like", term.length === 4 ? `%${term}` : like)] : []),
        eb("customers.id", "in", eb.selectFrom("vehicles").select("vehicles.customer_id")
          .where("vehicles.store_id", "=", storeId)
          .where((v) => v.or([v("vehicles.plate", "like", like), v("vehicles.vin", "=", term.toUpperCase())]))),
      ]),
    );
  }
  if (group.length) query = query.where("customer_segments.grp", "in", group);
  if (tier.length) query = query.where("customer_segments.tier", "in", tier);
  if (usage) query = query.where("customers.usage", "=", usage);
  if (preference) {
    query = query.where((eb) => eb.exists(eb.selectFrom("customer_preferences").select("customer_preferences.customer_id")
      .whereRef("customer_preferences.customer_id", "=", "customers.id").where("customer_preferences.preference", "=", preference)));
  }
  const total = toInt((await query.select((eb) => eb.fn.countAll().as("n")).executeTakeFirst())?.n);
  const column = { code: "customers.customer_code", name: "customers.name", revenue: "customer_segments.revenue_fen", lastVisit: "customer_segments.last_visit" } as const;
  const rows = await query
    .select([
      "customers.id", "customers.customer_code", "customers.name", "customers.phone", "customers.usage", "customers.do_not_contact",
      "customer_segments.grp", "customer_segments.tier", "customer_segments.last_visit", "customer_segments.revenue_fen",
    ])
    .orderBy(column[sort], dir)
    .orderBy("customers.customer_code")
    .limit(size)
    .offset((page - 1) * size)
    .execute();
  return {
    total,
    snapshot,
    rows: rows.map((r) => ({ ...r, phone: viewer ? phoneFor(viewer, r.phone) : r.phone, grp: r.grp === null ? null : (toInt(r.grp) as GroupNumber), tier: r.tier as Tier | null, revenue_fen: toInt(r.revenue_fen) })),
  };
}

/**
 * The customer info card: contact, consent, preferences, vehicles, visits with totals per line,
 * segmentation (null when the snapshot read has no row for the customer yet) and change
 * history. `serveLast` as for listCustomers.
 */
export async function getCustomerCard(db: DB, { storeId, id, viewer, serveLast }: { storeId: number; id: number; viewer?: Viewer; serveLast?: boolean }) {
  const row = await db.selectFrom("customers").selectAll().where("store_id", "=", storeId).where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  const see = (phone: string | null) => (viewer ? phoneFor(viewer, phone) : phone);
  const customer = { ...row, phone: see(row.phone) };
  const snapshot = await ensureSnapshot(db, { storeId, serveLast });
  const [vehicles, visits, preferences, segment, changes] = await Promise.all([
    db.selectFrom("vehicles").selectAll().where("customer_id", "=", id).where("store_id", "=", storeId).orderBy("id").execute(),
    db.selectFrom("service_visits").innerJoin("vehicles", "vehicles.id", "service_visits.vehicle_id")
      .select(["service_visits.id", "service_visits.ro_number", "service_visits.visit_date", "service_visits.type", "service_visits.amount_fen", "vehicles.plate"])
      .where("service_visits.customer_id", "=", id).where("service_visits.store_id", "=", storeId)
      .orderBy("service_visits.visit_date", "desc").orderBy("service_visits.id", "desc").execute(),
    db.selectFrom("customer_preferences").select("preference").where("customer_id", "=", id).orderBy("preference").execute(),
    db.selectFrom("customer_segments").selectAll().where("customer_id", "=", id).where("store_id", "=", storeId).executeTakeFirst(),
    db.selectFrom("customer_changes").leftJoin("users", "users.id", "customer_changes.user_id")
      .leftJoin("import_jobs", "import_jobs.id", "customer_changes.import_job_id")
      .select([
        "customer_changes.id", "customer_changes.field", "customer_changes.old_value", "customer_changes.new_value", "customer_changes.changed_at",
        "users.display_name", "customer_changes.import_job_id", "import_jobs.files as import_files",
      ])
      .where("customer_changes.customer_id", "=", id).where("customer_changes.store_id", "=", storeId)
      .orderBy("customer_changes.changed_at", "desc").orderBy("customer_changes.id", "desc").execute(),
  ]);
  const totals = Object.fromEntries(LINES.map((l) => [l, { visits: 0, amount_fen: 0 }])) as Record<Line, { visits: number; amount_fen: number }>;
  for (const v of visits) {
    const line = VISIT_TYPE_LINE[v.type as VisitType];
    if (!line) continue;
    totals[line].visits += 1;
    totals[line].amount_fen += toInt(v.amount_fen);
  }
  return {
    customer,
    vehicles,
    visits,
    totals,
    preferences: preferences.map((p) => p.preference),
    asOf: snapshot.asOf,
    snapshot,
    segment: segment
      ? {
        group: toInt(segment.grp) as GroupNumber, tier: segment.tier as Tier, r: toInt(segment.r), f: toInt(segment.f), m: toInt(segment.m),
        vehicleAge: segment.vehicle_age, warranty: segment.warranty, insuranceDue: toInt(segment.insurance_due) === 1,
        lastVisit: segment.last_visit, visits: toInt(segment.visits), revenueFen: toInt(segment.revenue_fen),
      }
      : null,
    // a change made by an import names it and its customers file
    changes: changes.map(({ import_files, ...c }) => ({
      ...c,
      ...(c.field === "phone" ? { old_value: see(c.old_value), new_value: see(c.new_value) } : {}),
      import_file: importFileName(import_files),
    })),
  };
}

function importFileName(files: string | null): string | null {
  if (!files) return null;
  try {
    const name = (JSON.parse(files) as { customers?: unknown }).customers;
    return typeof name === "string" ? name : null;
  } catch {
    return null;
  }
}

/**
 * Applies a manager's edit of the card. Every changed field is appended to customer_changes
 * (who, when, old → new) in the same transaction; an edit that changes nothing writes nothing.
 * Returns the changed field names.
 */
export async function updateCustomer(
  db: DB,
  { storeId, customerId, userId, input }: { storeId: number; customerId: number; userId: number | null; input: CustomerEdit },
): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom("customers").selectAll().where("store_id", "=", storeId).where("id", "=", customerId).executeTakeFirst();
    if (!current) throw new CustomerNotFound();
    const prefs = (await trx.selectFrom("customer_preferences").select("preference").where("customer_id", "=", customerId).execute())
      .map((p) => p.preference).sort();
    const nextPrefs = [...new Set(input.preferences)].sort();
    const before: Record<string, string | null> = {
      name: current.name, phone: current.phone, gender: current.gender, usage: current.usage,
      do_not_contact: String(toInt(current.do_not_contact)), preferences: prefs.join(";") || null,
    };
    const after: Record<string, string | null> = {
      name: input.name, phone: input.phone, gender: input.gender, usage: input.usage,
      do_not_contact: input.doNotContact ? "1" : "0", preferences: nextPrefs.join(";") || null,
    };
    const changed = Object.keys(before).filter((k) => before[k] !== after[k]);
    if (!changed.length) return [];
    const now = new Date().toISOString();
    await trx.updateTable("customers").set({
      name: input.name, phone: input.phone, gender: input.gender, usage: input.usage,
      do_not_contact: input.doNotContact ? 1 : 0, updated_at: now,
    }).where("id", "=", customerId).where("store_id", "=", storeId).execute();
    if (changed.includes("preferences")) {
      await trx.deleteFrom("customer_preferences").where("customer_id", "=", customerId).execute();
      if (nextPrefs.length) await trx.insertInto("customer_preferences").values(nextPrefs.map((p) => ({ customer_id: customerId, preference: p }))).execute();
    }
    await trx.insertInto("customer_changes").values(changed.map((field) => ({
      store_id: storeId, customer_id: customerId, user_id: userId, field, old_value: before[field] ?? null, new_value: after[field] ?? null, changed_at: now,
    }))).execute();
    return changed;
  });
}
