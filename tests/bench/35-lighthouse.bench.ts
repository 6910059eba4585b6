/**
 * Lighthouse 12.2.3, mobile (its default: a mid-range phone, slow 4G, 4× CPU slowdown),
 * performance only, on the dashboard, the board and the event-day check-in page of the demo
 * dealership, signed in as a manager, served by the built app (`cli serve`) on loopback.
 * Lighthouse is not a dependency of the project (heavy for CI): it runs with
 * `npx --yes lighthouse@12.2.3 … --chrome-path=/usr/bin/chromium` (CHROMIUM to override).
 * Scores depend on the machine's load: read them on a quiet machine (target ≥ 90).
 */
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb } from "#db/client";
import type { BenchContext, BenchRow } from "./run";
import { benchSignIn, startBenchServer } from "./server";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

function lighthouse(url: string, cookie: string, outFile: string) {
  return new Promise<void>((resolve, reject) => {
    execFile("npx", ["--yes", "lighthouse@12.2.3", url, `--chrome-path=${CHROMIUM}`, "--chrome-flags=--headless=new --no-sandbox",
      "--only-categories=performance", "--output=json", `--output-path=${outFile}`, "--quiet", `--extra-headers=${JSON.stringify({ Cookie: cookie })}`],
    { cwd: ROOT, maxBuffer: 64 << 20, env: { ...process.env, CHROME_PATH: CHROMIUM } }, (err, _out, stderr) => (err ? reject(new Error(`lighthouse failed: ${err.message}\n${stderr}`)) : resolve()));
  });
}

export default async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const buildDir = path.join(ROOT, ".cache", "bench-lighthouse-build");
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "build"], { cwd: ROOT, stdio: "ignore", env: { ...process.env, NODE_ENV: "production", BUILD_DIR: buildDir } });
  const dbFile = path.join(ctx.workDir, "lighthouse.db");
  const server = await startBenchServer({ buildDir, databaseUrl: `file:${dbFile}`, env: { DEMO: "1" } });
  const db = createDb(`file:${dbFile}`);
  try {
    const cookie = await benchSignIn(server.url, "manager@demo.test");
    const store = await db.selectFrom("stores").select("id").where("code", "=", "ZZ01").executeTakeFirstOrThrow();
    const campaignOf = async (status: "inviting" | "executing") =>
      (await db.selectFrom("campaigns").select("id").where("store_id", "=", store.id).where("status", "=", status).orderBy("id").executeTakeFirst())?.id;
    const inviting = await campaignOf("inviting");
    const event = (await campaignOf("executing")) ?? inviting;
    const pages = { dashboard: "/", board: `/campaigns/${inviting}/board`, "check-in (event day)": `/campaigns/${event}/execution` };
    const rows: BenchRow[] = [];
    for (const [name, p] of Object.entries(pages)) {
      const outFile = path.join(ctx.workDir, `lh-${name.replace(/\W+/g, "-")}.json`);
      await lighthouse(`${server.url}${p}`, cookie, outFile);
      const report = JSON.parse(fs.readFileSync(outFile, "utf8")) as { categories: { performance: { score: number } }; audits: Record<string, { displayValue?: string }> };
      const score = Math.round(report.categories.performance.score * 100);
      const a = report.audits;
      ctx.log(`${name} (${p}): performance ${score}; FCP ${a["first-contentful-paint"]?.displayValue}, LCP ${a["largest-contentful-paint"]?.displayValue}, TBT ${a["total-blocking-time"]?.displayValue}, CLS ${a["cumulative-layout-shift"]?.displayValue}`);
      rows.push({ name: `Lighthouse 12.2.3 mobile performance: ${name}`, value: score, unit: "", target: "≥ 90 (quiet machine)", ok: score >= 90 });
    }
    return rows;
  } finally {
    await server.stop();
    await db.destroy();
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
}
