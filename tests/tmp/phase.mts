import { createDb } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { importCustomerBase } from "../../app/models/import.server";
const file = process.argv[2]!;
const db = createDb(`file:${file}`);
await migrateToLatest(db);
const t = performance.now(); const cpu = process.cpuUsage();
let readCpu = 0; let phaseT = performance.now(); let last = "";
const out = await importCustomerBase(db, { store: { code: "BIG" }, files: { customers: "/tmp/kt/csv/customers.csv", vehicles: "/tmp/kt/csv/vehicles.csv", visits: "/tmp/kt/csv/visits.csv" },
  onProgress: (p) => { if (p.phase !== last) { if (last) console.error(`phase ${last} ended after ${(performance.now()-phaseT).toFixed(0)} ms, cpu so far ${((process.cpuUsage(cpu).user+process.cpuUsage(cpu).system)/1000).toFixed(0)} ms`); last = p.phase; phaseT = performance.now(); } } });
const u = process.cpuUsage(cpu);
console.error(`total ${(performance.now()-t).toFixed(0)} ms, cpu ${((u.user+u.system)/1000).toFixed(0)} ms`, out.ok);
await db.destroy();
