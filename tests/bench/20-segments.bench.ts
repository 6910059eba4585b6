/**
 * Segmentation speed on the 100k-customer store: computing every customer's segmentation
 * (the snapshot rebuild, one INSERT … SELECT), the freshness check a page pays when nothing
 * changed, and the builder's count for a 3-condition segment. Uses the database the import
 * bench left in ctx.shared.bigStore, or generates one with direct inserts when run alone.
 */
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createDb, openSqlite } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { computeSegments, ensureSegments, refreshSegments } from "~/models/segmentation.server";
import { PREVIEW_FRESH_MS, summariseDefinition } from "~/models/segment.server";
import { VISIT_TYPES } from "~/models/domain";
import { createRng } from "~/models/random";
import { addDays, todayIn } from "~/utils/format";
import type { BenchContext, BenchRow } from "./run";

export async function generate(ctx: BenchContext): Promise<{ dbFile: string; storeId: number }> {
  const dbFile = path.join(ctx.workDir, "segments-bench.db");
  const db = createDb(`file:${dbFile}`);
  await migrateToLatest(db);
  await db.destroy();
  const sqlite = openSqlite(dbFile);
  const rng = createRng(7);
  const today = todayIn("Asia/Shanghai");
  const now = new Date().toISOString();
  const t0 = performance.now();
  sqlite.transaction(() => {
    const storeId = Number(sqlite.prepare("insert into stores (code, name, timezone, created_at) values ('SEGB', 'bench', 'Asia/Shanghai', ?)").run(now).lastInsertRowid);
    const c = sqlite.prepare("insert into customers (store_id, customer_code, name, phone, gender, usage, do_not_contact, created_at, updated_at) values (?, ?, ?, ?, null, ?, ?, ?, ?)");
    const v = sqlite.prepare("insert into vehicles (store_id, customer_id, vin, plate, model, purchase_date, warranty_end, insurance_expiry, mileage_km) values (?, ?, ?, ?, ?, ?, ?, ?, null)");
    const s = sqlite.prepare("insert into service_visits (store_id, vehicle_id, customer_id, ro_number, visit_date, type, amount_fen) values (?, ?, ?, ?, ?, ?, ?)");
    const vehicles: [number, number][] = [];
    for (let i = 1; i <= 100_000; i++) {
      const id = Number(c.run(storeId, `B${String(i).padStart(7, "0")}`, `客户${i}`, `139${String(i).padStart(8, "0")}`, rng.pick(["private", "official", "commercial"]), rng.chance(0.03) ? 1 : 0, now, now).lastInsertRowid);
      const n = i <= 20_000 ? 2 : 1;
      for (let k = 0; k < n; k++) {
        const purchase = addDays(today, -rng.int(30, 3000));
        const vid = Number(v.run(storeId, id, `VIN${String(i).padStart(9, "0")}${k}`.padEnd(17, "X"), `豫A${i}${k}`, rng.pick(["A4L", "Q5L", "A6L"]), purchase, addDays(purchase, 1095), addDays(today, rng.int(-30, 330))).lastInsertRowid);
        vehicles.push([vid, id]);
      }
    }
    for (let r = 1; r <= 1_000_000; r++) {
      const [vid, cid] = vehicles[rng.int(0, vehicles.length - 1)]!;
      s.run(storeId, vid, cid, `R${r}`, addDays(today, -rng.int(0, 900)), rng.pick(VISIT_TYPES), rng.int(0, 500_000));
    }
  })();
  sqlite.close();
  ctx.log(`generated 100k customers / 120k vehicles / 1M visits in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { dbFile, storeId: 1 };
}

/** Wall-clock ms; the process's CPU ms (user + system) of the last call is kept in `lastCpu`. */
let lastCpu = 0;
async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const out = await fn();
  const used = process.cpuUsage(cpu);
  lastCpu = (used.user + used.system) / 1000;
  return [performance.now() - t, out];
}

export default async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const big = (ctx.shared.bigStore as { dbFile: string; storeId: number } | undefined) ?? (await generate(ctx));
  const db = createDb(`file:${big.dbFile}`);
  await migrateToLatest(db);
  const { storeId } = big;
  const asOf = todayIn("Asia/Shanghai");
  try {
    const runs: number[] = [];
    const cpus: number[] = [];
    for (let i = 0; i < 3; i++) {
      runs.push((await time(() => refreshSegments(db, { storeId, asOf, force: true })))[0]);
      cpus.push(lastCpu);
    }
    const refresh = Math.min(...runs);
    const [selectAll, rows] = await time(() => computeSegments(db, { storeId, asOf }));
    const selectCpu = lastCpu;
    ctx.log(`snapshot rebuild runs: ${runs.map((r) => r.toFixed(0)).join(", ")} ms wall, ${cpus.map((r) => r.toFixed(0)).join(", ")} ms CPU; ${rows.length} customers; load average ${os.loadavg()[0]!.toFixed(1)}`);
    await ensureSegments(db, { storeId, asOf });
    const checks: number[] = [];
    for (let i = 0; i < 3; i++) checks.push((await time(() => ensureSegments(db, { storeId, asOf })))[0]);
    const fresh = Math.min(...checks);
    const definition = {
      match: "all" as const,
      conditions: [
        { kind: "group" as const, values: [2, 4, 6, 8] },
        { kind: "tier" as const, values: ["A" as const, "B" as const, "C" as const] },
        { kind: "insuranceDue" as const, due: true },
      ],
    };
    const [firstCount] = await time(() => summariseDefinition(db, { storeId, definition, asOf }));
    const counts: number[] = [];
    let summary;
    for (let i = 0; i < 5; i++) {
      const [ms, s] = await time(() => summariseDefinition(db, { storeId, definition, asOf, freshWithinMs: PREVIEW_FRESH_MS }));
      counts.push(ms);
      summary = s;
    }
    const count = counts.sort((a, b) => a - b)[2]!;
    ctx.log(`3-condition count: ${summary!.count} members (+${summary!.doNotContact} do-not-contact); runs ${counts.map((c) => c.toFixed(0)).join(", ")} ms`);
    return [
      { name: "all segments: snapshot rebuild (100k customers, 1M visits)", value: refresh / 1000, unit: "s", target: "< 2 s", ok: refresh < 2000 },
      { name: "all segments: snapshot rebuild, CPU time", value: Math.min(...cpus) / 1000, unit: "s", target: "< 2 s", ok: Math.min(...cpus) < 2000 },
      { name: "all segments: computed and read into JS (CLI path)", value: selectAll / 1000, unit: "s" },
      { name: "all segments: CLI path, CPU time", value: selectCpu / 1000, unit: "s" },
      { name: "snapshot freshness check (nothing changed)", value: fresh, unit: "ms" },
      { name: "builder count, 3 conditions (median of 5 while editing)", value: count, unit: "ms", target: "< 200 ms", ok: count < 200 },
      { name: "builder count, first one (incl. freshness check)", value: firstCount, unit: "ms", target: "< 200 ms", ok: firstCount < 200 },
    ];
  } finally {
    await db.destroy();
  }
}
