/**
 * Load: LOAD_CLIENTS concurrent clients (default 50) for LOAD_SECONDS (default 60) against one
 * server on loopback (127.0.0.1), on SQLite, and on PostgreSQL when TEST_PG_URL is set.
 * Each client signs in, then loops over a weighted mix of operations: reading pages and the
 * acknowledged writes of tests/helpers/writes.ts (ACK_WRITES). Reports throughput and
 * p50/p95/p99 latency; the checks are zero 5xx, zero lost writes (every acknowledged write
 * is in the database afterwards) and, on SQLite, integrity_check = ok.
 *
 * Extension point: add read operations to LOAD_READS below, and writes (card moves,
 * check-ins, plan edits) to ACK_WRITES in tests/helpers/writes.ts, which the crash test
 * uses too.
 */
import { execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createDb, type DB } from "#db/client";
import { integrityCheck } from "#db/backup";
import { ACK_WRITES, type AckWrite } from "../helpers/writes";
import type { BenchContext, BenchRow } from "./run";

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

async function startServer(buildDir: string, databaseUrl: string) {
  const child = spawn(process.execPath, ["--import", "tsx", "app/cli.ts", "serve", "--port", "0"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: databaseUrl, BUILD_DIR: buildDir, SESSION_SECRET: "bench-secret-0123456789abcdef", DEMO: "1", PG_POOL_MAX: "10" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return { url, stop, output: () => out };
}

async function signIn(url: string, email: string): Promise<string> {
  const res = await fetch(`${url}/login`, {
    method: "POST", redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password: "demo1234" }),
  });
  await res.arrayBuffer();
  const c = res.headers.get("set-cookie");
  if (res.status !== 302 || !c) throw new Error(`sign-in as ${email}: ${res.status}`);
  return c.split(";")[0]!;
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
  let refusedWrites = 0;
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
            const id = await write.run({ url, seq: client.n });
            if (id) acked.push({ write, id });
            else refusedWrites++;
            statuses.set(id ? 200 : 400, (statuses.get(id ? 200 : 400) ?? 0) + 1);
          } else {
            const read = LOAD_READS[client.n % LOAD_READS.length]!;
            op = `read: ${read.name}`;
            const res = await fetch(`${url}${read.path(client)}`, { redirect: "manual", headers: { Cookie: client.cookie } });
            await res.arrayBuffer();
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          }
        } catch {
          errors++;
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
  ctx.log(`${engine}: ${total} requests by ${CLIENTS} clients in ${SECONDS} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}; ${acked.length} acknowledged writes, ${refusedWrites} refused, ${errors} network errors`);
  return {
    rows: [
      { name: `load ${engine}: throughput (${CLIENTS} clients)`, value: total / SECONDS, unit: "req/s" },
      { name: `load ${engine}: p50 latency`, value: pct(latencies, 50), unit: "ms" },
      { name: `load ${engine}: p95 latency`, value: pct(latencies, 95), unit: "ms" },
      { name: `load ${engine}: p99 latency`, value: pct(latencies, 99), unit: "ms" },
      { name: `load ${engine}: 5xx answers and network errors`, value: fivexx + errors, unit: "", target: "0", ok: fivexx + errors === 0 },
      { name: `load ${engine}: acknowledged writes missing afterwards`, value: lost, unit: `of ${acked.length}`, target: "0", ok: lost === 0 },
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
