/**
 * `cli segments` end to end: a small store built by hand in a migrated database file, the
 * real CLI process, and rows computed by hand from the domain brief's rules.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createDb, type DB } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { makeStore } from "../helpers/factories";
import { customerWith } from "../helpers/segment-factories";

// Each test runs the CLI several times (a tsx start each): on a busy 2-core machine that takes a while.
vi.setConfig({ testTimeout: 120_000 });

const ROOT = path.resolve(__dirname, "../..");
let dir: string;
let dbFile: string;
let db: DB;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-seg-cli-"));
  dbFile = path.join(dir, "app.db");
  db = createDb(`file:${dbFile}`);
  await migrateToLatest(db);
  const store = await makeStore(db, { code: "SEGT" });
  const s = store.id;
  // as of 2026-06-30: M and I windows start after 2025-06-30, R after 2024-06-30.
  await customerWith(db, s, {
    code: "K1",
    vehicle: { purchase_date: "2024-01-15", warranty_end: "2027-01-15", insurance_expiry: "2026-08-20" },
    visits: [["2026-06-20", "maintenance", 1000], ["2025-12-12", "care", 500], ["2024-07-30", "repair", 3000]],
  });
  await customerWith(db, s, {
    code: "K2",
    vehicle: { purchase_date: "2025-12-01", warranty_end: "2026-09-28", insurance_expiry: "2026-08-30" },
    visits: [["2026-05-31", "accident", 20000], ["2025-06-30", "maintenance", 400], ["2026-06-29", "maintenance", 600]],
  });
  await customerWith(db, s, { code: "K3", vehicle: false });
  await customerWith(db, s, {
    code: "K4", doNotContact: true,
    vehicle: { purchase_date: "2020-01-01", warranty_end: "2023-01-01", insurance_expiry: null },
    visits: [["2026-07-01", "repair", 9000]],
  });
  await customerWith(db, s, {
    code: "K5",
    vehicle: { purchase_date: "2023-06-30", warranty_end: null, insurance_expiry: "2026-06-30" },
    visits: [["2026-06-25", "beauty", 800], ["2025-07-01", "insurance_renewal", 5000], ["2024-07-01", "repair", 100]],
  });
  for (let i = 1; i <= 20; i++) await customerWith(db, s, { code: `F${String(i).padStart(2, "0")}`, vehicle: false });
  await db.destroy();
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  return spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "app/cli.ts"), ...args], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, DATABASE_URL: `file:${dbFile}` }, timeout: 60_000,
  });
}

test("prints one hand-checked CSV row per customer, with its do_not_contact (0/1)", () => {
  const out = cli("segments", "--store", "SEGT", "--as-of", "2026-06-30");
  expect(out.stderr).toBe("");
  expect(out.status).toBe(0);
  // 25 customers: A ≤ ⌈0.25⌉ = 1, B ≤ ⌈1.25⌉ = 2, C ≤ ⌈5⌉ = 5 (revenue ranks: K2, K5, K1).
  // R: last visits K1 06-20 < K5 06-25 < K2 06-29 → ⌈5·1/3⌉=2, ⌈5·2/3⌉=4, 5. F: all three have 2 visits → 5.
  const filler = Array.from({ length: 20 }, (_, i) => `F${String(i + 1).padStart(2, "0")},1,D,1,1,1,unknown,unknown,0,0`);
  expect(out.stdout.trimEnd().split("\n")).toEqual([
    "customer_code,group,tier,r,f,m,vehicle_age,warranty,insurance_due,do_not_contact",
    ...filler,
    "K1,4,C,2,5,2,2to3,in,1,0", // M 2 (06-20, 12-12), R 1 (2024-07-30 within 730 days) · insurance 08-20 ≤ 08-29
    "K2,5,A,5,5,5,lt1,ending,0,0", // M 1 (2025-06-30 is exactly 365 days before: outside), I 1 · warranty ends on as-of + 90
    "K3,1,D,1,1,1,unknown,unknown,0,0", // no vehicle, no visit
    "K4,1,D,1,1,1,ge4,ended,0,1", // its only visit is after the as-of date
    "K5,7,B,4,5,4,3to4,unknown,1,0", // R 1 (729 days), I 1 (364 days); bought exactly 3 years before; insurance expires on as-of
  ]);
});

test("the as-of date moves the windows; bad arguments exit 2", () => {
  const later = cli("segments", "--store", "SEGT", "--as-of", "2026-07-01");
  expect(later.status).toBe(0);
  const line = (code: string) => later.stdout.split("\n").find((l) => l.startsWith(`${code},`));
  // K4's repair of 07-01 now counts (R high, revenue 9000 → rank 2 → B; F ties with K5 → ⌈5·2/4⌉ = 3).
  expect(line("K4")).toBe("K4,3,B,5,3,4,ge4,ended,0,1");
  // K5's renewal (2025-07-01) is now exactly 365 days back and its repair 730: both outside → group 1.
  expect(line("K5")).toBe("K5,1,C,3,3,2,3to4,unknown,0,0");
  const noStore = cli("segments", "--store", "NOPE");
  expect(noStore.status).toBe(2);
  expect(noStore.stderr).toMatch(/no store/);
  const badDate = cli("segments", "--store", "SEGT", "--as-of", "2026-02-30");
  expect(badDate.status).toBe(2);
});
