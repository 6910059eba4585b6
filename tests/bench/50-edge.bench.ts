/**
 * Hostile requests (issue 10): how fast the server's edge answers them, and whether it keeps
 * answering others meanwhile. One server (the built app, demo data, SQLite) on loopback:
 * - 20,000 repeated fields to /login (a 78 KB form; the quadratic parser took 13.6 s for it),
 *   with /healthz requested at the same moment: both answered within 1 s;
 * - a 50 MB form: 413; a 20,000-level JSON body to the move endpoint: 400; a POST without
 *   Origin or Referer: 403 (each timed from send to answer, upload included);
 * - 25 parallel wrong passwords for one account: at most 5 evaluated (rows in login_attempts).
 * The same behaviours are asserted, without times, in tests/integration/edge-limits.test.ts.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createDb } from "#db/client";
import type { BenchContext, BenchRow } from "./run";
import { startBenchServer } from "./server";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ROUNDS = 5;

async function startServer(dbFile: string) {
  const buildDir = path.join(ROOT, "node_modules/.cache/cp-bench-build");
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "build"], {
    cwd: ROOT, stdio: "ignore", env: { ...process.env, NODE_ENV: "production", BUILD_DIR: buildDir },
  });
  return startBenchServer({ buildDir, databaseUrl: `file:${dbFile}`, env: { DEMO: "1" } });
}

async function timed(fn: () => Promise<Response>): Promise<{ ms: number; status: number }> {
  const t = performance.now();
  const res = await fn();
  await res.arrayBuffer();
  return { ms: performance.now() - t, status: res.status };
}

export default async function edge(ctx: BenchContext): Promise<BenchRow[]> {
  const dbFile = path.join(ctx.workDir, "edge.db");
  const server = await startServer(dbFile);
  const { url } = server;
  const form = (body: BodyInit, headers: Record<string, string> = {}) => () =>
    fetch(`${url}/login`, { method: "POST", redirect: "manual", body, headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: url, ...headers } });
  const rows: BenchRow[] = [];
  try {
    const flood = Array(20_000).fill("z=1").join("&");
    let floodMax = 0;
    let healthMax = 0;
    const statuses = new Set<string>();
    for (let i = 0; i < ROUNDS; i++) {
      const [f, h] = await Promise.all([timed(form(flood)), timed(() => fetch(`${url}/healthz`))]);
      floodMax = Math.max(floodMax, f.ms);
      healthMax = Math.max(healthMax, h.ms);
      statuses.add(`${f.status}/${h.status}`);
    }
    ctx.log(`20,000 fields: answers (flood/healthz) ${[...statuses].join(", ")}`);
    rows.push({ name: `20,000 repeated fields to /login, slowest of ${ROUNDS} (${[...statuses].join(", ")})`, value: floodMax, unit: "ms", target: "4xx < 1,000 ms", ok: floodMax < 1000 && [...statuses].every((s) => s.startsWith("413/")) });
    rows.push({ name: "/healthz requested at the same moment, slowest", value: healthMax, unit: "ms", target: "200 < 1,000 ms", ok: healthMax < 1000 && [...statuses].every((s) => s.endsWith("/200")) });

    const big = await timed(form(new Uint8Array(50 * 1024 * 1024).fill(0x61)));
    rows.push({ name: `50 MB form body (${big.status}), send to answer`, value: big.ms, unit: "ms", target: "413", ok: big.status === 413 });

    const deep = await timed(() => fetch(`${url}/campaigns/1/board/move`, {
      method: "POST", body: "[".repeat(20_000) + "]".repeat(20_000), headers: { "Content-Type": "application/json", Origin: url },
    }));
    rows.push({ name: `20,000-level JSON to the move endpoint (${deep.status})`, value: deep.ms, unit: "ms", target: "400", ok: deep.status === 400 });

    const bare = await timed(() => fetch(`${url}/login`, { method: "POST", body: "email=manager%40demo.test&password=x", headers: { "Content-Type": "application/x-www-form-urlencoded" } }));
    rows.push({ name: `POST without Origin or Referer (${bare.status})`, value: bare.ms, unit: "ms", target: "403", ok: bare.status === 403 });

    const t = performance.now();
    const burst = await Promise.all(Array.from({ length: 25 }, () => timed(form(new URLSearchParams({ email: "manager@demo.test", password: "wrong-password" })))));
    const burstMs = performance.now() - t;
    const db = createDb(`file:${dbFile}`);
    const evaluated = Number((await db.selectFrom("login_attempts").select((eb) => eb.fn.countAll().as("n")).where("email", "=", "manager@demo.test").where("success", "=", 0).executeTakeFirstOrThrow()).n);
    await db.destroy();
    ctx.log(`25 parallel wrong passwords: ${burst.filter((b) => b.status === 400).length} × 400, ${burst.filter((b) => b.status === 429).length} × 429 in ${burstMs.toFixed(0)} ms`);
    rows.push({ name: "25 parallel wrong passwords for one account: evaluated", value: evaluated, unit: "attempts", target: "≤ 5", ok: evaluated <= 5 });
  } finally {
    await server.stop();
  }
  return rows;
}
