/**
 * Review and check-in speed over the big store (100k customers, 1M visits): a campaign of
 * 5,000 invitations (10 % hold-out) with attempts, rounds, arrivals, orders, deposits and
 * actual costs. Measures the review page's model call for the closed campaign (frozen
 * figures) and, for comparison, the live computation while it is in review; and the
 * check-in search (last 4 phone digits, name, plate, invitation code). Uses the database
 * the import bench left in ctx.shared.bigStore, or generates one when run alone.
 */
import { performance } from "node:perf_hooks";
import { createDb, openSqlite } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { searchGuests } from "~/models/checkin.server";
import { invitationCode } from "~/models/invitation-code";
import { createRng } from "~/models/random";
import { closeCampaign, getReview } from "~/models/review.server";
import { addDays, todayIn } from "~/utils/format";
import { generate } from "./20-segments.bench";
import type { BenchContext, BenchRow } from "./run";

const INVITATIONS = 5_000;

function p95(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!;
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const out = await fn();
  return [performance.now() - t, out];
}

/** A campaign of 5,000 invitations with everything the review reads, written with direct inserts. */
export function seedCampaign(dbFile: string, storeId: number) {
  const sqlite = openSqlite(dbFile);
  const rng = createRng(40);
  const today = todayIn("Asia/Shanghai");
  const event = addDays(today, -60);
  const now = new Date().toISOString();
  let campaignId = 0;
  const users: number[] = [];
  const customers = sqlite.prepare("select id from customers where store_id = ? order by id limit ?").all(storeId, INVITATIONS) as { id: number }[];
  sqlite.transaction(() => {
    for (const [i, role] of (["manager", "staff", "staff", "staff"] as const).entries()) {
      users.push(Number(sqlite.prepare("insert into users (store_id, display_name, email, password_hash, role, department, active, created_at) values (?, ?, ?, 'x', ?, 'after_sales', 1, ?)")
        .run(storeId, `bench ${role} ${i}`, `bench-review-${Date.now()}-${i}@bench.test`, role, now).lastInsertRowid));
    }
    campaignId = Number(sqlite.prepare(`insert into campaigns (store_id, name, status, author_id, owner_id, holdout_percent, business_chain, invitation_start, invitation_end,
      event_start, event_end, kpi_reach_rate_percent, kpi_yes_count, kpi_arrivals, kpi_conversions, kpi_revenue_fen, kpi_deposits_fen, kpi_roi_percent, goals, created_at, updated_at)
      values (?, 'bench review', 'reviewing', ?, ?, 10, 'booking_maintenance', ?, ?, ?, ?, 100, 2000, 1200, 700, 500000000, 20000000, 150, '[]', ?, ?)`)
      .run(storeId, users[0], users[0], addDays(event, -14), addDays(event, -1), `${event}T09:00`, `${event}T17:00`, now, now).lastInsertRowid);
    for (const [i, cat] of ["materials", "gifts", "media", "venue", "catering"].entries()) {
      sqlite.prepare("insert into campaign_budget_lines (campaign_id, position, category, description, quantity, unit_cost_fen, amount_fen, payer, actual_fen) values (?, ?, ?, '', 1, ?, ?, ?, ?)")
        .run(campaignId, i, cat, 2_000_000, 2_000_000, i % 2 ? "coop" : "dealer", 1_900_000 + i * 50_000);
    }
    const r1 = Number(sqlite.prepare("insert into invitation_rounds (campaign_id, number, channels, opened_at) values (?, 1, '[\"phone\",\"sms\"]', ?)").run(campaignId, now).lastInsertRowid);
    const r2 = Number(sqlite.prepare("insert into invitation_rounds (campaign_id, number, channels, opened_at) values (?, 2, '[\"phone\"]', ?)").run(campaignId, now).lastInsertRowid);
    const inv = sqlite.prepare(`insert into invitations (campaign_id, store_id, customer_id, kind, holdout, customer_group, customer_tier, assignee_id, round_id, result,
      attempts_count, deposit_fen, loss_reason, created_at, updated_at) values (?, ?, ?, 'audience', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const member = sqlite.prepare("insert into invitation_round_members (round_id, invitation_id, assignee_id) values (?, ?, ?)");
    const attempt = sqlite.prepare("insert into invitation_attempts (invitation_id, campaign_id, round_id, user_id, channel, at, outcome) values (?, ?, ?, ?, ?, ?, ?)");
    const arrival = sqlite.prepare("insert into arrivals (campaign_id, store_id, invitation_id, customer_id, arrived_at, checked_in_by, walk_in, holdout) values (?, ?, ?, ?, ?, ?, 0, ?)");
    const order = sqlite.prepare("insert into event_orders (campaign_id, store_id, arrival_id, line, description, amount_fen, kind, created_by, created_at) values (?, ?, ?, ?, 'x', ?, 'package', ?, ?)");
    const deposit = sqlite.prepare("insert into event_deposits (campaign_id, store_id, arrival_id, amount_fen, created_by, created_at) values (?, ?, ?, ?, ?, ?)");
    const reasons = ["no_time", "price", "distance", "serviced_elsewhere", "not_interested", "unreachable"];
    for (const [i, c] of customers.entries()) {
      const held = i % 10 === 0;
      const staff = users[1 + (i % 3)]!;
      const r = rng.next();
      const result = held ? "pending" : r < 0.4 ? "yes" : r < 0.6 ? "maybe" : r < 0.8 ? "no" : "pending";
      const attempts = held ? 0 : rng.int(result === "pending" ? 0 : 1, 3);
      const id = Number(inv.run(campaignId, storeId, c.id, held ? 1 : 0, rng.int(1, 8), rng.pick(["A", "B", "C", "D"]), held ? null : staff, held ? null : r1, result, attempts,
        result === "yes" && rng.chance(0.2) ? 50_000 : null, result === "no" ? rng.pick(reasons) : null, now, now).lastInsertRowid);
      if (held) {
        if (rng.chance(0.05)) arrival.run(campaignId, storeId, id, c.id, `${event}T02:00:00.000Z`, staff, 1);
        continue;
      }
      member.run(r1, id, staff);
      if (result === "maybe" || result === "pending") member.run(r2, id, staff);
      for (let k = 0; k < attempts; k++) attempt.run(id, campaignId, k < 2 ? r1 : r2, staff, rng.chance(0.8) ? "phone" : "sms", now, k === attempts - 1 && result !== "pending" ? result : "no_answer");
      const comes = result === "yes" ? 0.7 : result === "maybe" ? 0.2 : 0.02;
      if (rng.chance(comes)) {
        const a = Number(arrival.run(campaignId, storeId, id, c.id, `${event}T0${rng.int(1, 8)}:00:00.000Z`, staff, 0).lastInsertRowid);
        if (rng.chance(0.6)) order.run(campaignId, storeId, a, rng.pick(["M", "R", "I", "B"]), rng.int(50, 5000) * 100, staff, now);
        else if (rng.chance(0.2)) deposit.run(campaignId, storeId, a, 20_000, staff, now);
      }
    }
  })();
  sqlite.close();
  return { campaignId, managerId: users[0]!, customers: customers.map((c) => c.id) };
}

export default async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const big = (ctx.shared.bigStore as { dbFile: string; storeId: number } | undefined) ?? (await generate(ctx));
  const db = createDb(`file:${big.dbFile}`);
  await migrateToLatest(db);
  const { storeId } = big;
  try {
    const t0 = performance.now();
    const { campaignId, managerId } = seedCampaign(big.dbFile, storeId);
    const actor = { id: managerId, role: "manager" as const };
    ctx.log(`campaign of ${INVITATIONS} invitations seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // live figures while in review (what closing freezes)
    const live: number[] = [];
    let liveReview;
    for (let i = 0; i < 15; i++) {
      const [ms, r] = await timed(() => getReview(db, { storeId, campaignId, actor }));
      live.push(ms);
      liveReview = r;
    }
    const f = liveReview!.figures!;
    ctx.log(`live review: ${f.funnel.find((s) => s.key === "arrived")!.count} arrivals, ${f.money.visitsCount} visits in the window, revenue ${(f.money.revenueFen / 100).toFixed(0)} yuan; runs ${live.map((x) => x.toFixed(0)).join(", ")} ms`);

    const [closeMs] = await timed(() => closeCampaign(db, { storeId, campaignId, actor }));
    const closed: number[] = [];
    for (let i = 0; i < 40; i++) {
      const [ms, r] = await timed(async () => JSON.stringify(await getReview(db, { storeId, campaignId, actor })));
      closed.push(ms);
      if (i === 0 && !r.includes('"frozen":{')) throw new Error("closed review is not frozen");
    }

    // check-in search: last 4 digits, name, plate, invitation code
    const invs = await db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id")
      .select(["invitations.id", "customers.name", "customers.phone"]).where("invitations.campaign_id", "=", campaignId).orderBy("invitations.id").execute();
    const plates = await db.selectFrom("vehicles").select("plate").where("store_id", "=", storeId).where("customer_id", "in", invs.slice(0, 50).map((i) => (i as { id: number }).id)).limit(10).execute();
    const rng = createRng(4);
    const terms: string[] = [];
    for (let i = 0; i < 25; i++) {
      const inv = rng.pick(invs);
      terms.push(inv.phone ? inv.phone.slice(-4) : inv.name, inv.name, invitationCode(inv.id));
    }
    for (const p of plates) if (p.plate) terms.push(p.plate.slice(-4));
    const search: number[] = [];
    const byKind = new Map<string, number[]>();
    for (const q of terms) {
      const [ms] = await timed(() => searchGuests(db, { storeId, campaignId, q, actor }));
      search.push(ms);
      const kind = /^\d{4}$/.test(q) ? "phone4" : /^[A-Z2-9]{7}$/.test(q) ? "code" : "name/plate";
      byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
    }
    ctx.log(`check-in search p95 by kind: ${[...byKind].map(([k, v]) => `${k} ${p95(v).toFixed(1)} ms (${v.length})`).join(", ")}`);
    const closedP95 = p95(closed);
    const searchP95 = p95(search);
    return [
      { name: "review page, closed campaign of 5,000 invitations (1M-visit store), p95", value: closedP95, unit: "ms", target: "< 300 ms", ok: closedP95 < 300 },
      { name: "review, live figures while in review (same campaign), p95", value: p95(live), unit: "ms", target: "< 300 ms", ok: p95(live) < 300 },
      { name: "close campaign (compute + freeze)", value: closeMs, unit: "ms" },
      { name: "check-in search (phone digits, name, plate, code), p95", value: searchP95, unit: "ms", target: "< 50 ms", ok: searchP95 < 50 },
    ];
  } finally {
    await db.destroy();
  }
}
