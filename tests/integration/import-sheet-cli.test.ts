/**
 * `cli import --sheet NAME|N` (issue 12): the worksheet of a multi-sheet .xlsx, through a real
 * process on a SQLite file.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createDb } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { coverSheetWorkbook } from "../helpers/import-factories";

vi.setConfig({ testTimeout: 120_000 });

const ROOT = path.resolve(__dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-import-sheet-"));
const dbFile = path.join(dir, "app.db");
const xlsx = path.join(dir, "dms.xlsx");

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "app/cli.ts", ...args], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, DATABASE_URL: `file:${dbFile}`, NODE_ENV: "production", LANG: "C.UTF-8", LC_ALL: "" }, timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  const db = createDb(`file:${dbFile}`);
  await migrateToLatest(db);
  await db.destroy();
  await coverSheetWorkbook().xlsx.writeFile(xlsx);
});

describe("cli import --sheet", () => {
  it("reads the named or numbered sheet; an absent one is refused with the sheets the workbook has", async () => {
    const missing = cli("import", "--store", "SH01", "--customers", xlsx, "--sheet", "车辆", "--lang", "en");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("dms.xlsx");
    expect(missing.stderr).toContain('the workbook has no sheet "车辆" ("说明", "客户")');

    const byName = cli("import", "--store", "SH01", "--customers", xlsx, "--sheet", "客户");
    expect(byName.code, byName.stderr).toBe(0);
    const byPosition = cli("import", "--store", "SH01", "--customers", xlsx, "--sheet", "2");
    expect(byPosition.code, byPosition.stderr).toBe(0);
    const db = createDb(`file:${dbFile}`);
    try {
      const rows = await db.selectFrom("customers").select(["customer_code", "name"]).orderBy("customer_code").execute();
      expect(rows).toEqual([{ customer_code: "K1", name: "谢伟" }, { customer_code: "K2", name: "张丽" }]);
    } finally {
      await db.destroy();
    }
  });
});
