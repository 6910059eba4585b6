/**
 * The group bench's other stores (tests/bench/95-group.bench.ts): beside the demo dealership,
 * stores G01… on the same PostgreSQL database, each with a manager, its after-sales staff
 * (`group-sNN-kK@bench.test`), customers with a vehicle, and one campaign inviting them, every
 * invitation dealt to a staff member in round 1 and the script confirmed by each. Written in
 * plain SQL (one multi-row insert per table and store), as the board bench seeds SQLite.
 */
import type pg from "pg";
import { hashPassword } from "~/models/password.server";
import { addDays, todayIn } from "~/utils/format";

export const GROUP_PASSWORD = "group-bench-1";

export interface GroupStore {
  code: string;
  storeId: number;
  campaignId: number;
  manager: string;
  /** each staff member's email and the invitations dealt to them */
  staff: { email: string; cards: number[] }[];
}

/** Inserts rows in one statement: `values ($1, $2…), (…)` returning ids in order. */
async function insertMany(client: pg.Client, table: string, columns: string[], rows: unknown[][]): Promise<number[]> {
  const ids: number[] = [];
  for (let start = 0; start < rows.length; start += 1000) {
    const chunk = rows.slice(start, start + 1000);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => `(${row.map((v) => { params.push(v); return `$${params.length}`; }).join(", ")})`);
    const res = await client.query<{ id: number }>(`insert into ${table} (${columns.join(", ")}) values ${tuples.join(", ")} returning id`, params);
    ids.push(...res.rows.map((r) => Number(r.id)));
  }
  return ids;
}

export async function seedGroupStores(client: pg.Client, { stores, staffPerStore, customersPerStore }: { stores: number; staffPerStore: number; customersPerStore: number }): Promise<GroupStore[]> {
  const hash = await hashPassword(GROUP_PASSWORD);
  const today = todayIn("Asia/Shanghai");
  const now = new Date().toISOString();
  const out: GroupStore[] = [];
  await client.query("begin");
  try {
    for (let s = 1; s <= stores; s++) {
      const code = `G${String(s).padStart(2, "0")}`;
      const [storeId] = await insertMany(client, "stores", ["code", "name", "timezone", "created_at"], [[code, `集团门店 ${code}`, "Asia/Shanghai", now]]);
      const manager = `group-s${s}-manager@bench.test`;
      const emails = Array.from({ length: staffPerStore }, (_, k) => `group-s${s}-k${k + 1}@bench.test`);
      const userCols = ["store_id", "display_name", "email", "password_hash", "role", "department", "active", "created_at"];
      const [managerId] = await insertMany(client, "users", userCols, [[storeId, `${code} 经理`, manager, hash, "manager", "after_sales", 1, now]]);
      const staffIds = await insertMany(client, "users", userCols, emails.map((e, k) => [storeId, `${code} 顾问${k + 1}`, e, hash, "staff", "after_sales", 1, now]));
      const [campaignId] = await insertMany(client, "campaigns",
        ["store_id", "name", "status", "author_id", "owner_id", "holdout_percent", "script", "invitation_start", "invitation_end", "event_start", "event_end", "kpi_reach_rate_percent", "kpi_yes_count", "goals", "created_at", "updated_at"],
        [[storeId, `${code} 冬季养车节`, "inviting", managerId, managerId, 0, "您好……", addDays(today, -7), addDays(today, 5), `${addDays(today, 7)}T09:00`, `${addDays(today, 7)}T17:00`, 100, Math.round(customersPerStore * 0.3), "[]", now, now]]);
      await client.query(`insert into script_acknowledgements (campaign_id, user_id, at) values ${[managerId, ...staffIds].map((_, i) => `($1, $${i + 2}, $${[managerId, ...staffIds].length + 2})`).join(", ")}`,
        [campaignId, ...[managerId, ...staffIds], now]);
      const [roundId] = await insertMany(client, "invitation_rounds", ["campaign_id", "number", "channels", "opened_at"], [[campaignId, 1, '["phone"]', now]]);
      const customerIds = await insertMany(client, "customers", ["store_id", "customer_code", "name", "phone", "usage", "do_not_contact", "created_at", "updated_at"],
        Array.from({ length: customersPerStore }, (_, i) => [storeId, `${code}C${String(i).padStart(5, "0")}`, `客户${code}-${i}`, `13${String(s).padStart(2, "0")}${String(i).padStart(7, "0")}`, "private", 0, now, now]));
      await insertMany(client, "vehicles", ["store_id", "customer_id", "vin", "plate", "model"],
        customerIds.map((cid, i) => [storeId, cid, `${code}VIN${String(i).padStart(11, "0")}`, `豫${String.fromCharCode(65 + (s % 26))}${String(i).padStart(5, "0")}`, "A4L"]));
      const invitationIds = await insertMany(client, "invitations",
        ["campaign_id", "store_id", "customer_id", "kind", "holdout", "customer_group", "customer_tier", "assignee_id", "round_id", "result", "attempts_count", "created_at", "updated_at"],
        customerIds.map((cid, i) => [campaignId, storeId, cid, "audience", 0, (i % 8) + 1, "ABCD"[i % 4], staffIds[i % staffIds.length], roundId, "pending", 0, now, now]));
      await client.query(`insert into invitation_round_members (round_id, invitation_id, assignee_id) select $1, unnest($2::int[]), unnest($3::int[])`,
        [roundId, invitationIds, invitationIds.map((_, i) => staffIds[i % staffIds.length])]);
      out.push({
        code, storeId: storeId!, campaignId: campaignId!, manager,
        staff: emails.map((email, k) => ({ email, cards: invitationIds.filter((_, i) => i % staffIds.length === k) })),
      });
    }
    await client.query("commit");
  } catch (e) {
    await client.query("rollback");
    throw e;
  }
  await client.query("analyze");
  return out;
}
