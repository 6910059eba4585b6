/**
 * A dealer group on PostgreSQL: two app servers (`cli serve`, GROUP_WORKERS workers each,
 * default 1 — two servers on a 2-core machine) on one fresh database on the local cluster
 * (GROUP_PG_URL, default postgres://postgres@127.0.0.1:55432/postgres), GROUP_STAFF simulated
 * staff (default 200) for GROUP_SECONDS (default 60). Each staff member, on one of the two
 * servers in turn, thinks 2–5 s, then loads the board or does one acknowledged write of
 * tests/helpers/writes.ts (a card move, an attempt with the no-JS form, a walk-in at the door
 * = check-in, a plan edit, a sign-in). Prints p95 of every request, the 5xx answers and the
 * acknowledged writes missing from the database afterwards (each one looked up).
 *
 * The data set: GROUP_STORES stores (default 20) — the demo dealership's stores (seeded by the
 * first server) and stores G01… (tests/bench/group-seed.ts: 10 staff, GROUP_CUSTOMERS customers
 * (default 300) and one inviting campaign each). The staff are spread evenly over the stores: in
 * the demo's first store they use the writes above; in a G store each is a staff member of
 * their own, loading their own board and moving their own cards (a JSON move with a note, so
 * that an acknowledged one can be looked up afterwards).
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createDb } from "#db/client";
import { ACK_WRITES, attemptId, attemptPresent, WriteFailed, type AckWrite } from "../helpers/writes";
import { GROUP_PASSWORD, seedGroupStores, type GroupStore } from "./group-seed";
import type { BenchContext, BenchRow } from "./run";
import { benchSignIn as signIn, startBenchServer } from "./server";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const STAFF = Number(process.env.GROUP_STAFF || 200);
const SECONDS = Number(process.env.GROUP_SECONDS || 60);
const WORKERS = process.env.GROUP_WORKERS || "1";
const PG_URL = process.env.GROUP_PG_URL || "postgres://postgres@127.0.0.1:55432/postgres";
const USERS = ["manager@demo.test", "manager2@demo.test", "staff1@demo.test", "staff2@demo.test", "staff3@demo.test"];
const STORES = Number(process.env.GROUP_STORES || 20);
const CUSTOMERS = Number(process.env.GROUP_CUSTOMERS || 300);
const STAFF_MOVES = [
  () => ({ to: "maybe", nextFollowUp: new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10) }),
  () => ({ to: "no", lossReason: "price" }),
  () => ({ to: "pending", outcome: "no_answer" }),
  () => ({ to: "yes" }),
];

/** an acknowledged move in a G store, looked up like the demo's card moves */
const GROUP_MOVE: AckWrite = { name: "card move (G store)", run: async () => null, present: attemptPresent };

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export default async function group(ctx: BenchContext): Promise<BenchRow[]> {
  const buildDir = path.join(ROOT, "node_modules/.cache/cp-group-build");
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "build"], { cwd: ROOT, stdio: "ignore", env: { ...process.env, NODE_ENV: "production", BUILD_DIR: buildDir } });
  const name = `group_${crypto.randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  const databaseUrl = u.toString();
  const servers: Awaited<ReturnType<typeof startBenchServer>>[] = [];
  const db = createDb(databaseUrl);
  try {
    servers.push(await startBenchServer({ buildDir, databaseUrl, env: { DEMO: "1", WORKERS, PG_POOL_MAX: "10" } })); // migrates and seeds the demo dealership
    servers.push(await startBenchServer({ buildDir, databaseUrl, env: { DEMO: "0", WORKERS, PG_POOL_MAX: "10" } }));
    ctx.log(`two app servers (${WORKERS} worker(s) each) on PostgreSQL database ${name}: ${servers.map((s) => s.url).join(", ")}`);
    const store = await db.selectFrom("stores").select("id").where("code", "=", "ZZ01").executeTakeFirstOrThrow();
    const campaign = await db.selectFrom("campaigns").select("id").where("store_id", "=", store.id).where("status", "=", "inviting").orderBy("id").executeTakeFirstOrThrow();
    const demoStores = (await db.selectFrom("stores").select("id").execute()).length;
    const seedClient = new pg.Client({ connectionString: databaseUrl });
    await seedClient.connect();
    const t0 = performance.now();
    const groupStores = await seedGroupStores(seedClient, { stores: Math.max(0, STORES - demoStores), staffPerStore: Math.ceil(STAFF / STORES), customersPerStore: CUSTOMERS }).finally(() => seedClient.end());
    const storeCount = demoStores + groupStores.length;
    ctx.log(`${storeCount} stores: the demo's ${demoStores} and ${groupStores.length} more with ${Math.ceil(STAFF / STORES)} staff and ${CUSTOMERS} invited customers each (seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    const cookies = new Map<string, string>();
    for (const s of servers) for (const email of USERS) cookies.set(`${s.url} ${email}`, await signIn(s.url, email));
    /** staff member i: the demo's first store (its writes), or one of a G store's staff */
    const roleOf = (i: number): { store: GroupStore; member: GroupStore["staff"][number] } | null => {
      const storeIndex = i % storeCount;
      if (storeIndex < demoStores) return null;
      const g = groupStores[storeIndex - demoStores]!;
      return { store: g, member: g.staff[Math.floor(i / storeCount) % g.staff.length]! };
    };
    // the G stores' staff sign in before the clock starts, three at a time (more in parallel
    // from one address would be throttled: the sign-in limit evaluates five at most)
    const t1 = performance.now();
    const staffCookies = new Map<number, string>();
    const toSign = Array.from({ length: STAFF }, (_, i) => i).filter((i) => roleOf(i));
    await Promise.all([0, 1, 2].map(async (lane) => {
      for (const i of toSign.filter((_, k) => k % 3 === lane)) staffCookies.set(i, await signIn(servers[i % servers.length]!.url, roleOf(i)!.member.email, GROUP_PASSWORD));
    }));
    ctx.log(`${staffCookies.size} staff of the G stores signed in (${((performance.now() - t1) / 1000).toFixed(1)} s)`);

    const latencies: number[] = [];
    const byOp = new Map<string, number[]>();
    const statuses = new Map<number, number>();
    const acked: { write: AckWrite; id: string }[] = [];
    let refused = 0;
    let failed = 0;
    let errors = 0;
    const failures: string[] = [];
    const deadline = performance.now() + SECONDS * 1000;
    let seq = 0;
    const count = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);
    await Promise.all(Array.from({ length: STAFF }, async (_, i) => {
      const url = servers[i % servers.length]!.url;
      const own = roleOf(i);
      const cookie = own ? staffCookies.get(i)! : cookies.get(`${url} ${USERS[i % USERS.length]}`)!;
      const versions = new Map<number, number>();
      await sleep(Math.random() * 5000); // staff arrive over the first seconds
      for (let mine = 0; performance.now() < deadline; mine++) {
        const n = seq++;
        const t0 = performance.now();
        let op = "board load";
        try {
          if (own && mine % 2 === 0) {
            op = "board load (G store)";
            const res = await fetch(`${url}/campaigns/${own.store.campaignId}/board`, { redirect: "manual", headers: { Cookie: cookie, "Accept-Encoding": "br, gzip" } });
            await res.arrayBuffer();
            count(res.status);
            if (res.status !== 200) throw new WriteFailed(res.status, `board of ${own.store.code}: ${res.status}`);
          } else if (own) {
            op = "card move (G store)";
            const invitationId = own.member.cards[(mine >> 1) % own.member.cards.length]!;
            const version = versions.get(invitationId) ?? 1;
            const note = `group-${i}-${mine}`;
            const res = await fetch(`${url}/campaigns/${own.store.campaignId}/board/move`, {
              method: "POST", redirect: "manual",
              headers: { Origin: url, Cookie: cookie, "Content-Type": "application/json" },
              body: JSON.stringify({ invitationId, version, note, ...STAFF_MOVES[(mine >> 1) % STAFF_MOVES.length]!() }),
            });
            const body = (await res.json().catch(() => null)) as { ok?: boolean; stale?: boolean; card?: { id: number; version: number } } | null;
            count(res.status);
            if (res.status === 200 && body?.ok && body.card?.id === invitationId) {
              versions.set(invitationId, body.card.version);
              acked.push({ write: GROUP_MOVE, id: attemptId(invitationId, version + 1, note) });
            } else if (res.status === 409 && body?.stale && body.card) {
              versions.set(invitationId, body.card.version);
              refused++;
            } else throw new WriteFailed(res.status, `card move in ${own.store.code}: ${res.status} ${JSON.stringify(body)?.slice(0, 200)}`);
          } else if (n % 2 === 0) {
            const res = await fetch(`${url}/campaigns/${campaign.id}/board`, { redirect: "manual", headers: { Cookie: cookie, "Accept-Encoding": "br, gzip" } });
            await res.arrayBuffer();
            count(res.status);
          } else {
            const write = ACK_WRITES[(n >> 1) % ACK_WRITES.length]!;
            op = write.name;
            const id = await write.run({ url, seq: n, onAnswer: count });
            if (id) acked.push({ write, id });
            else refused++;
          }
        } catch (e) {
          if (e instanceof WriteFailed) {
            failed++;
            if (failures.length < 5) failures.push(`${op}: ${e.message}`);
          } else errors++;
        }
        const ms = performance.now() - t0;
        latencies.push(ms);
        byOp.set(op, [...(byOp.get(op) ?? []), ms]);
        await sleep(2000 + Math.random() * 3000);
      }
    }));
    latencies.sort((a, b) => a - b);
    for (const [op, ms] of [...byOp].sort()) {
      ms.sort((a, b) => a - b);
      ctx.log(`${op}: ${ms.length} × p50 ${pct(ms, 50).toFixed(0)} ms, p95 ${pct(ms, 95).toFixed(0)} ms`);
    }
    let lost = 0;
    for (const { write, id } of acked) if (!(await write.present(db, id))) lost++;
    const fivexx = [...statuses].filter(([s]) => s >= 500).reduce((a, [, c]) => a + c, 0);
    ctx.log(`${latencies.length} operations by ${STAFF} staff in ${SECONDS} s (${(latencies.length / SECONDS).toFixed(1)}/s); statuses ${JSON.stringify(Object.fromEntries(statuses))}; ${acked.length} writes acknowledged, ${refused} refused with a conflict, ${failed} failed, ${errors} network errors; ${lost} acknowledged writes missing`);
    for (const f of failures) ctx.log(`failed: ${f}`);
    return [
      { name: `group (PostgreSQL, 2 app servers, ${STAFF} staff in ${STORES} stores, 2–5 s think time, ${SECONDS} s): p95 of every operation`, value: pct(latencies, 95), unit: "ms", target: "< 300 ms", ok: pct(latencies, 95) < 300 },
      { name: "group: 5xx answers and network errors", value: fivexx + errors, unit: "", target: "0", ok: fivexx + errors === 0 },
      { name: "group: acknowledged writes missing afterwards", value: lost, unit: `of ${acked.length}`, target: "0", ok: lost === 0 },
    ];
  } finally {
    for (const s of servers) await s.stop();
    await db.destroy();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
}
