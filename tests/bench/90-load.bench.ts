/**
 * Load: LOAD_CLIENTS concurrent clients (default 50) for LOAD_SECONDS (default 60) against one
 * server on loopback (127.0.0.1), on SQLite, and on PostgreSQL when TEST_PG_URL is set.
 * Each client signs in, then loops over a weighted mix of operations: reading pages and the
 * acknowledged writes of tests/helpers/writes.ts (ACK_WRITES: sign-ins, card moves on the
 * board, attempts logged with the no-JS form, walk-ins at the door, plan amendments), taken
 * in turn. Reports throughput and p50/p95/p99 latency, and per write kind how many were
 * acknowledged and how many refused with a conflict. The checks are zero 5xx (and no write
 * answered with anything but an acknowledgement or a clear conflict), zero lost writes (every
 * acknowledged write is in the database afterwards), zero lost updates (per card, the attempt
 * events and the version grew by exactly the acknowledged attempts on it) and, on SQLite,
 * integrity_check = ok.
 *
 * Extension point: add read operations to LOAD_READS below, and writes to ACK_WRITES in
 * tests/helpers/writes.ts, which the crash test uses too (a write that logs an attempt on a
 * card names it with `attemptOn`, for the per-card check).
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createDb, type DB } from "#db/client";
import { integrityCheck } from "#db/backup";
import { toInt } from "#db/dialect";
import { ACK_WRITES, WriteFailed, type AckWrite } from "../helpers/writes";
import type { BenchContext, BenchRow } from "./run";
import { benchSignIn as signIn, startBenchServer } from "./server";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CLIENTS = Number(process.env.LOAD_CLIENTS || 50);
const SECONDS = Number(process.env.LOAD_SECONDS || 60);
const USERS = ["manager@demo.test", "manager2@demo.test", "staff1@demo.test", "staff2@demo.test", "staff3@demo.test", "admin@demo.test"];

interface Client {
  url: string;
  cookie: string;
  /** ids of store ZZ01 the reads may use */
  ids: { customers: number[] };
  n: number;
}

/** Read operations: a path to GET. Weighted by repetition. */
export const LOAD_READS: { name: string; path: (c: Client) => string }[] = [
  { name: "dashboard", path: () => "/" },
  { name: "customer list", path: (c) => `/customers?page=${1 + (c.n % 20)}` },
  { name: "customer search", path: (c) => `/customers?q=${encodeURIComponent(["王", "李", "138", "豫A"][c.n % 4]!)}` },
  { name: "customer card", path: (c) => `/customers/${c.ids.customers[c.n % c.ids.customers.length]}` },
  { name: "campaigns", path: () => "/campaigns" },
  { name: "segments", path: () => "/segments" },
];
/** Share of operations that are writes (ACK_WRITES), the rest reads. */
const WRITE_SHARE = Number(process.env.LOAD_WRITE_SHARE || 0.2);

function build(): string {
  const dir = path.join(ROOT, "node_modules/.cache/cp-bench-build");
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "build"], {
    cwd: ROOT, stdio: "ignore", env: { ...process.env, NODE_ENV: "production", BUILD_DIR: dir },
  });
  return dir;
}

const startServer = (buildDir: string, databaseUrl: string) => startBenchServer({ buildDir, databaseUrl, env: { DEMO: "1", PG_POOL_MAX: "10" } });

/** Per card: its attempt events and its version (the exact "no lost update" check compares two of these). */
async function cardCounts(db: DB): Promise<Map<number, { attempts: number; version: number }>> {
  const [events, versions] = await Promise.all([
    db.selectFrom("invitation_events").select((eb) => ["invitation_id", eb.fn.countAll().as("n")]).where("kind", "=", "attempt").groupBy("invitation_id").execute(),
    db.selectFrom("invitations").select(["id", "version"]).execute(),
  ]);
  const out = new Map<number, { attempts: number; version: number }>();
  for (const v of versions) out.set(v.id, { attempts: 0, version: toInt(v.version) });
  for (const e of events) out.get(e.invitation_id)!.attempts = toInt(e.n);
  return out;
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);

async function runLoad(ctx: BenchContext, engine: string, url: string, db: DB) {
  const store = await db.selectFrom("stores").select("id").where("code", "=", "ZZ01").executeTakeFirstOrThrow();
  const customers = (await db.selectFrom("customers").select("id").where("store_id", "=", store.id).orderBy("id").limit(500).execute()).map((r) => r.id);
  const latencies: number[] = [];
  const byOp = new Map<string, number[]>();
  const statuses = new Map<number, number>();
  const acked: { write: AckWrite; id: string }[] = [];
  let errors = 0;
  let failedWrites = 0;
  const failures: string[] = [];
  let refusedWrites = 0;
  /** per write kind: acknowledged, and the answers' statuses when refused */
  const byWrite = new Map(ACK_WRITES.map((w) => [w, { acked: 0, refused: new Map<number, number>() }]));
  const before = await cardCounts(db);
  const deadline = performance.now() + SECONDS * 1000;
  let seq = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      const client: Client = { url, cookie: await signIn(url, USERS[i % USERS.length]!), ids: { customers }, n: i };
      while (performance.now() < deadline) {
        client.n = seq++;
        const t0 = performance.now();
        let op = "";
        try {
          if (ACK_WRITES.length && Math.random() < WRITE_SHARE) {
            const write = ACK_WRITES[client.n % ACK_WRITES.length]!;
            op = `write: ${write.name}`;
            let status = 0;
            const id = await write.run({ url, seq: client.n, onAnswer: (s) => { status = s; statuses.set(s, (statuses.get(s) ?? 0) + 1); } });
            const tally = byWrite.get(write)!;
            if (id) {
              acked.push({ write, id });
              tally.acked++;
            } else {
              refusedWrites++;
              tally.refused.set(status, (tally.refused.get(status) ?? 0) + 1);
            }
          } else {
            const read = LOAD_READS[client.n % LOAD_READS.length]!;
            op = `read: ${read.name}`;
            const res = await fetch(`${url}${read.path(client)}`, { redirect: "manual", headers: { Cookie: client.cookie } });
            await res.arrayBuffer();
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          }
        } catch (e) {
          // a write answered with neither an acknowledgement nor a clear conflict (the status of
          // its state-changing request, a 5xx included, is in `statuses` already), or a network error
          if (e instanceof WriteFailed) {
            failedWrites++;
            if (failures.length < 5) failures.push(`${op}: ${e.message}`);
          } else errors++;
        }
        const ms = performance.now() - t0;
        latencies.push(ms);
        byOp.set(op, [...(byOp.get(op) ?? []), ms]);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  for (const [op, ms] of [...byOp].sort()) {
    ms.sort((a, b) => a - b);
    ctx.log(`${engine} ${op}: ${ms.length} × p50 ${pct(ms, 50).toFixed(0)} ms, p95 ${pct(ms, 95).toFixed(0)} ms`);
  }
  const total = latencies.length;
  const fivexx = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
  let lost = 0;
  for (const { write, id } of acked) if (!(await write.present(db, id))) lost++;
  // No lost update, exactly: per card, the attempt events and the version grew by the number
  // of acknowledged attempts on it (refused ones added nothing; nothing else in this load
  // changes an existing card). Cards the walk-ins created start from zero.
  const after = await cardCounts(db);
  const ackedOn = new Map<number, number>();
  for (const { write, id } of acked) if (write.attemptOn) ackedOn.set(write.attemptOn(id), (ackedOn.get(write.attemptOn(id)) ?? 0) + 1);
  let lostUpdates = 0;
  const lostExamples: string[] = [];
  for (const [invitationId, now] of after) {
    const was = before.get(invitationId) ?? { attempts: 0, version: now.version };
    const n = ackedOn.get(invitationId) ?? 0;
    if (now.attempts - was.attempts !== n || now.version - was.version !== n) {
      lostUpdates++;
      if (lostExamples.length < 5) lostExamples.push(`#${invitationId}: ${n} acknowledged, attempt events ${was.attempts} → ${now.attempts}, version ${was.version} → ${now.version}`);
    }
  }
  for (const [write, t] of byWrite) {
    const conflicts = t.refused.get(409) ?? 0;
    const other = [...t.refused].filter(([s]) => s !== 409).map(([s, n]) => `${n} × ${s}`).join(", ");
    ctx.log(`${engine} ${write.name}: ${t.acked} acknowledged / ${conflicts} refused with a conflict${other ? ` (other refusals: ${other})` : ""}`);
  }
  ctx.log(`${engine}: ${total} requests by ${CLIENTS} clients in ${SECONDS} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}; ${acked.length} acknowledged writes, ${refusedWrites} refused, ${failedWrites} failed, ${errors} network errors; ${ackedOn.size} cards touched by acknowledged attempts`);
  for (const f of failures) ctx.log(`${engine} failed write: ${f}`);
  for (const l of lostExamples) ctx.log(`${engine} lost update: ${l}`);
  return {
    rows: [
      { name: `load ${engine}: throughput (${CLIENTS} clients)`, value: total / SECONDS, unit: "req/s" },
      { name: `load ${engine}: p50 latency`, value: pct(latencies, 50), unit: "ms" },
      { name: `load ${engine}: p95 latency`, value: pct(latencies, 95), unit: "ms" },
      { name: `load ${engine}: p99 latency`, value: pct(latencies, 99), unit: "ms" },
      { name: `load ${engine}: 5xx answers and network errors`, value: fivexx + errors, unit: "", target: "0", ok: fivexx + errors === 0 },
      { name: `load ${engine}: writes answered with neither an acknowledgement nor a clear conflict`, value: failedWrites, unit: "", target: "0", ok: failedWrites === 0 },
      { name: `load ${engine}: acknowledged writes missing afterwards`, value: lost, unit: `of ${acked.length}`, target: "0", ok: lost === 0 },
      { name: `load ${engine}: cards whose attempt events or version differ from the acknowledged attempts`, value: lostUpdates, unit: `of ${after.size}`, target: "0", ok: lostUpdates === 0 },
    ] as BenchRow[],
  };
}

export default async function load(ctx: BenchContext): Promise<BenchRow[]> {
  const buildDir = build();
  const rows: BenchRow[] = [];

  // SQLite
  const dbFile = path.join(ctx.workDir, "load.db");
  const server = await startServer(buildDir, `file:${dbFile}`);
  const db = createDb(`file:${dbFile}`);
  try {
    rows.push(...(await runLoad(ctx, "SQLite", server.url, db)).rows);
  } finally {
    await server.stop();
    await db.destroy();
  }
  const check = integrityCheck(dbFile);
  rows.push({ name: "load SQLite: integrity_check after", value: check === "ok" ? 1 : 0, unit: check, target: "ok", ok: check === "ok" });

  // PostgreSQL, when a server is given
  const pgUrl = process.env.TEST_PG_URL;
  if (pgUrl) {
    const schema = `load_${crypto.randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    const u = new URL(pgUrl);
    u.searchParams.set("schema", schema);
    const pgServer = await startServer(buildDir, u.toString());
    const pgDb = createDb(u.toString());
    try {
      rows.push(...(await runLoad(ctx, "PostgreSQL", pgServer.url, pgDb)).rows);
    } finally {
      await pgServer.stop();
      await pgDb.destroy();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
  } else {
    ctx.log("TEST_PG_URL is not set: the load ran on SQLite only");
  }
  fs.rmSync(buildDir, { recursive: true, force: true });
  return rows;
}
