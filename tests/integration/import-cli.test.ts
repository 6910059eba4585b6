/**
 * `cli import` as a user runs it: a real process, a SQLite file, the fixture CSV files.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb } from "#db/client";
import { migrateToLatest } from "#db/migrate";

// Each test runs the CLI several times (a tsx start each): on a busy 2-core machine that takes a while.
vi.setConfig({ testTimeout: 120_000 });

const ROOT = path.resolve(__dirname, "../..");
const FIX = path.join(ROOT, "tests/fixtures/import");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-import-cli-"));
const dbFile = path.join(dir, "app.db");

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "app/cli.ts", ...args], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, DATABASE_URL: `file:${dbFile}`, NODE_ENV: "production", LANG: "C.UTF-8", LC_ALL: "" }, timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function tableCounts() {
  const db = createDb(`file:${dbFile}`);
  try {
    const count = async (t: "stores" | "customers" | "customer_preferences" | "vehicles" | "service_visits") =>
      Number((await db.selectFrom(t).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    return {
      stores: await count("stores"), customers: await count("customers"), preferences: await count("customer_preferences"),
      vehicles: await count("vehicles"), visits: await count("service_visits"),
    };
  } finally {
    await db.destroy();
  }
}

beforeAll(async () => {
  const db = createDb(`file:${dbFile}`);
  await migrateToLatest(db);
  await db.destroy();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The last lines of an import of the three good files: how each was read. */
const READ_AS_UTF8 = ["customers.csv: read as UTF-8", "vehicles.csv: read as UTF-8", "visits.csv: read as UTF-8"];

describe("cli import", () => {
  const good = ["--customers", `${FIX}/good/customers.csv`, "--vehicles", `${FIX}/good/vehicles.csv`, "--visits", `${FIX}/good/visits.csv`];

  it("creates a new store, says so, and prints inserted / updated / unchanged per file", () => {
    const r = cli("import", "--store", "CLI1", ...good);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([
      "store CLI1 created",
      "customers.csv: 4 inserted, 0 updated, 0 unchanged",
      "vehicles.csv: 3 inserted, 0 updated, 0 unchanged",
      "visits.csv: 5 inserted, 0 updated, 0 unchanged",
      ...READ_AS_UTF8,
    ]);
  });

  it("is idempotent on a second run", async () => {
    const before = await tableCounts();
    const r = cli("import", "--store", "CLI1", ...good);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([
      "customers.csv: 0 inserted, 0 updated, 4 unchanged",
      "vehicles.csv: 0 inserted, 0 updated, 3 unchanged",
      "visits.csv: 0 inserted, 0 updated, 5 unchanged",
      ...READ_AS_UTF8,
    ]);
    expect(await tableCounts()).toEqual(before);
  });

  it("accepts one file alone, referring to vehicles already on file", () => {
    const visits = path.join(dir, "more-visits.csv");
    fs.writeFileSync(visits, "\uFEFF工单号,车架号,进厂日期,类型,金额\nRO-0100,LFV2A1111111111111,2025-12-01,养护,120\nRO-0001,LFV2A1111111111111,2025-01-10,first_maintenance,10\n");
    const r = cli("import", "--store", "CLI1", "--visits", visits);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("more-visits.csv: 1 inserted, 1 updated, 0 unchanged\nmore-visits.csv: read as UTF-8 with BOM");
  });

  it("refuses a bad file set: every bad row on stderr, exit 1, nothing imported, no store created", async () => {
    const before = await tableCounts();
    const r = cli("import", "--store", "CLIBAD", "--customers", `${FIX}/bad/customers.csv`, "--vehicles", `${FIX}/bad/vehicles.csv`, "--visits", `${FIX}/bad/visits.csv`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toBe("import refused: 21 problem(s) found, nothing was imported");
    expect(lines).toHaveLength(22 + 3); // and how each file was read
    expect(lines.slice(-3)).toEqual(READ_AS_UTF8);
    expect(lines).toContain('customers.csv line 4, column phone, value "12345": malformed phone (mobile 1[3-9] + 9 digits, or landline 0 + area code + 7–8 digits)');
    expect(lines).toContain('visits.csv line 3, column amount, value "-5": negative amount');
    expect(lines).toContain('visits.csv line 6, column vin, value "NOSUCHVIN00000000": unknown VIN (not in vehicles.csv nor on file)');
    expect(await tableCounts()).toEqual(before);
  });

  it("explains its usage (exit 2) without a store or a file, and for a missing file", () => {
    expect(cli("import", "--store", "X").code).toBe(2);
    const r = cli("import", "--store", "X", "--customers", path.join(dir, "nope.csv"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no such file");
  });
});

describe("cli import --map (issue 12)", () => {
  it("maps a header the import does not know, ignores another; a malformed --map is a usage error", () => {
    const visits = path.join(dir, "dms-visits.csv");
    fs.writeFileSync(visits, "委托书号,车架号,进厂日期,出厂日期,业务类型,结算金额,备注\nRO-0200,LFV2A1111111111111,2025/12/1,2025年12月3日,保养,\"¥1,200.00\",x\n");
    const refused = cli("import", "--store", "CLI1", "--visits", visits);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("dms-visits.csv line 1, column 出厂日期, value \"出厂日期\": unknown column in the header");
    const r = cli("import", "--store", "CLI1", "--visits", visits, "--map", "visits.visit_date=出厂日期", "--map", "visits.ignore=备注");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual(["dms-visits.csv: 1 inserted, 0 updated, 0 unchanged", "dms-visits.csv: read as UTF-8"]);
    const bad = cli("import", "--store", "CLI1", "--visits", visits, "--map", "visits.when=出厂日期");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("the field must be one of ro_number, vin, visit_date, type, amount, ignore");
  });
});
