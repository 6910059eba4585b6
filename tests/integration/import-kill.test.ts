/**
 * Crash safety of the import: a `cli import` of a large file set is killed (SIGKILL) while
 * it writes; the database, reopened, is exactly as it was before (same rows in every table
 * the import touches) and passes integrity_check and foreign_key_check.
 */
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { generateImportSet } from "../helpers/import-factories";

const ROOT = path.resolve(__dirname, "../..");
const FIX = path.join(ROOT, "tests/fixtures/import");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-import-kill-"));
const dbFile = path.join(dir, "app.db");
// `node --import tsx`, not tsx's CLI (which runs the script in a second process a kill would miss)
const cliArgs = ["--import", "tsx", "app/cli.ts", "import"];
const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: `file:${dbFile}`, NODE_ENV: "production" };

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A digest of every row of the tables an import writes, plus their counts. */
function digest() {
  const db = new SQLite(dbFile, { readonly: true });
  try {
    const out: Record<string, { rows: number; sha: string }> = {};
    for (const t of ["stores", "customers", "customer_preferences", "vehicles", "service_visits", "segment_snapshots"]) {
      const hash = crypto.createHash("sha256");
      let rows = 0;
      for (const r of db.prepare(`select * from ${t} order by rowid`).iterate()) { hash.update(JSON.stringify(r)); rows++; }
      out[t] = { rows, sha: hash.digest("hex") };
    }
    return out;
  } finally {
    db.close();
  }
}

describe("killing an import midway", () => {
  it("leaves the database exactly as before, intact", async () => {
    const db = createDb(`file:${dbFile}`);
    await migrateToLatest(db);
    await db.destroy();
    // data already there: a store the big import will add to (and update)
    const first = spawnSync(process.execPath, [...cliArgs, "--store", "BIG", "--customers", `${FIX}/good/customers.csv`, "--vehicles", `${FIX}/good/vehicles.csv`, "--visits", `${FIX}/good/visits.csv`], { cwd: ROOT, env, encoding: "utf8" });
    expect(first.status).toBe(0);
    const set = generateImportSet(path.join(dir, "csv"), { customers: 30_000, vehicles: 36_000, visits: 400_000, seed: 7 });
    const before = digest();
    expect(before.customers!.rows).toBe(4);

    const child = spawn(process.execPath, [...cliArgs, "--store", "BIG", "--progress", "--customers", set.files.customers, "--vehicles", set.files.vehicles, "--visits", set.files.visits], {
      cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let killedAt = "";
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal })));
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      const m = /writing (\d+)%\n/.exec(stderr.split("\n").slice(-2).join("\n") + "\n");
      // kill well inside the write phase: customers and vehicles written, visits under way
      if (!killedAt && m && Number(m[1]) >= 40) {
        killedAt = m[0].trim();
        child.kill("SIGKILL");
      }
    });
    const { signal } = await exited;
    expect(signal, `the import finished before it could be killed:\n${stderr}`).toBe("SIGKILL");
    expect(killedAt).toMatch(/^writing \d+%$/);
    expect(stderr).not.toMatch(/writing 100%/);

    // reopen: recovery rolls the unfinished transaction back
    const check = new SQLite(dbFile);
    try {
      expect(check.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(check.pragma("foreign_key_check")).toEqual([]);
    } finally {
      check.close();
    }
    expect(digest()).toEqual(before);

    // and the same import, run to its end, works on the recovered file
    const again = spawnSync(process.execPath, [...cliArgs, "--store", "BIG", "--visits", `${FIX}/good/visits.csv`], { cwd: ROOT, env, encoding: "utf8" });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe("visits.csv: 0 inserted, 0 updated, 5 unchanged");
  }, 180_000);
});
