/**
 * Crash safety of the import (docs/decisions/013): a `cli import` of a large file set is
 * killed (SIGKILL) while it reads and stages (before its commit point), then while it writes
 * (after it), and the recovery itself is killed too. Each time the database, reopened, passes
 * integrity_check and foreign_key_check, and is exactly as before the import — or, once the
 * recovery (`cli migrate`) has run, exactly as after it: row for row as the same import
 * written to its end on a copy of the same database.
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
const refFile = path.join(dir, "reference.db");
// `node --import tsx`, not tsx's CLI (which runs the script in a second process a kill would miss)
const cli = ["--import", "tsx", "app/cli.ts"];
const envFor = (file: string): NodeJS.ProcessEnv => ({ ...process.env, DATABASE_URL: `file:${file}`, NODE_ENV: "production", LANG: "C.UTF-8", LC_ALL: "" });

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Columns holding the time of writing (the reference ran at another moment) or a job's id. */
const VOLATILE = new Set(["created_at", "updated_at", "changed_at", "computed_at", "import_job_id"]);

/** A digest of every row of the tables an import writes, plus their counts. */
function digest(file: string) {
  const db = new SQLite(file, { readonly: true });
  try {
    const out: Record<string, { rows: number; sha: string }> = {};
    for (const t of ["stores", "customers", "customer_preferences", "vehicles", "service_visits", "segment_snapshots", "customer_changes"]) {
      const hash = crypto.createHash("sha256");
      let rows = 0;
      for (const r of db.prepare(`select * from ${t} order by rowid`).iterate() as Iterable<Record<string, unknown>>) {
        hash.update(JSON.stringify(Object.entries(r).filter(([k]) => !VOLATILE.has(k))));
        rows++;
      }
      out[t] = { rows, sha: hash.digest("hex") };
    }
    return out;
  } finally {
    db.close();
  }
}

function intact(file: string) {
  const check = new SQLite(file);
  try {
    expect(check.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(check.pragma("foreign_key_check")).toEqual([]);
  } finally {
    check.close();
  }
}

function jobs(file: string) {
  const db = new SQLite(file, { readonly: true });
  try {
    const staged = (db.prepare("select count(*) as n from import_staged_batches").get() as { n: number }).n;
    return { rows: db.prepare("select id, status, apply_file from import_jobs order by id").all() as { id: number; status: string; apply_file: string | null }[], staged };
  } finally {
    db.close();
  }
}

/** Runs `cli import` of the big set and SIGKILLs it once a progress line matches `when`. */
async function importKilled(files: { customers: string; vehicles: string; visits: string }, when: RegExp): Promise<string> {
  const child = spawn(process.execPath, [...cli, "import", "--store", "BIG", "--progress", "--customers", files.customers, "--vehicles", files.vehicles, "--visits", files.visits], {
    cwd: ROOT, env: envFor(dbFile), stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let killedAt = "";
  const exited = new Promise<{ signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (_code, signal) => resolve({ signal })));
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
    const last = stderr.split("\n").slice(-2).join("\n");
    const m = when.exec(last);
    if (!killedAt && m) {
      killedAt = m[0];
      child.kill("SIGKILL");
    }
  });
  const { signal } = await exited;
  expect(signal, `the import finished before it could be killed:\n${stderr}`).toBe("SIGKILL");
  return killedAt;
}

function migrate(file: string) {
  const r = spawnSync(process.execPath, [...cli, "migrate"], { cwd: ROOT, env: envFor(file), encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe("killing an import midway", () => {
  it("leaves the database exactly as before (killed before the commit point) or exactly as after once recovered (killed while writing)", async () => {
    const db = createDb(`file:${dbFile}`);
    await migrateToLatest(db);
    await db.destroy();
    // data already there: a store the big import will add to
    const first = spawnSync(process.execPath, [...cli, "import", "--store", "BIG", "--customers", `${FIX}/good/customers.csv`, "--vehicles", `${FIX}/good/vehicles.csv`, "--visits", `${FIX}/good/visits.csv`], { cwd: ROOT, env: envFor(dbFile), encoding: "utf8" });
    expect(first.status, first.stderr).toBe(0);
    const set = generateImportSet(path.join(dir, "csv"), { customers: 20_000, vehicles: 24_000, visits: 150_000, seed: 7 });
    const before = digest(dbFile);
    expect(before.customers!.rows).toBe(4);

    // the reference: the same import, run to its end on a copy
    fs.copyFileSync(dbFile, refFile);
    const ref = spawnSync(process.execPath, [...cli, "import", "--store", "BIG", "--customers", set.files.customers, "--vehicles", set.files.vehicles, "--visits", set.files.visits], { cwd: ROOT, env: envFor(refFile), encoding: "utf8" });
    expect(ref.status, ref.stderr).toBe(0);
    const after = digest(refFile);
    expect(after.service_visits!.rows).toBe(150_005);

    // 1. killed while reading and staging the rows: the main tables were never touched
    expect(await importKilled(set.files, /reading ([5-9]\d)%/)).toMatch(/^reading \d+%$/);
    intact(dbFile);
    expect(digest(dbFile)).toEqual(before);
    expect(jobs(dbFile).rows.at(-1)).toMatchObject({ status: "running" });
    expect(migrate(dbFile)).toMatch(/was interrupted before its commit point/);
    expect(digest(dbFile)).toEqual(before);
    expect(jobs(dbFile)).toMatchObject({ staged: 0 });
    expect(jobs(dbFile).rows.at(-1)).toMatchObject({ status: "interrupted" });

    // 2. killed while writing (customers and vehicles written, visits under way): half written
    //    until the recovery rolls it forward
    expect(await importKilled(set.files, /writing ([4-6]\d)%/)).toMatch(/^writing \d+%$/);
    intact(dbFile);
    expect(jobs(dbFile).rows.at(-1)).toMatchObject({ status: "applying", apply_file: "visits" });
    expect(digest(dbFile)).not.toEqual(before);

    // 3. the recovery itself killed on its way (it resumed where the import stopped): still recoverable
    const recovering = spawn(process.execPath, [...cli, "migrate"], { cwd: ROOT, env: envFor(dbFile), stdio: ["ignore", "pipe", "pipe"] });
    const killed = new Promise<NodeJS.Signals | null>((resolve) => recovering.once("exit", (_code, signal) => resolve(signal)));
    let out = "";
    recovering.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (/writing ([7-8]\d)%/.test(out)) recovering.kill("SIGKILL");
    });
    expect(await killed, `the recovery finished before it could be killed:\n${out}`).toBe("SIGKILL");
    expect(out).toMatch(/finishing import #\d+ \(BIG\), interrupted while writing \(visits after/);
    intact(dbFile);
    expect(jobs(dbFile).rows.at(-1)).toMatchObject({ status: "applying", apply_file: "visits" });

    // 4. recovery to the end: exactly the reference
    migrate(dbFile);
    intact(dbFile);
    expect(digest(dbFile)).toEqual(after);
    expect(jobs(dbFile)).toMatchObject({ staged: 0 });
    expect(jobs(dbFile).rows.at(-1)).toMatchObject({ status: "done" });

    // and an import runs normally on the recovered file
    const again = spawnSync(process.execPath, [...cli, "import", "--store", "BIG", "--visits", `${FIX}/good/visits.csv`], { cwd: ROOT, env: envFor(dbFile), encoding: "utf8" });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe("visits.csv: 0 inserted, 0 updated, 5 unchanged\nvisits.csv: read as UTF-8");
  }, 400_000);
});
