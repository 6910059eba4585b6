/**
 * Dealer files (issue 12): the bench's 100,000 customers / 120,000 vehicles / 1,000,000
 * visits with the visits as an .xlsx workbook (date cells, number cells) against the same
 * visits as CSV, each through `cli import --progress` (a process of its own, so that its peak
 * resident memory is the import's alone) into a fresh migrated SQLite file. Also: the time of
 * the strict encoding check of the visits CSV (a whole extra read of the file).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";
import { createDb } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { detectFormat } from "~/models/import-decode.server";
import { generateImportSet } from "../helpers/import-factories";
import { BIG } from "./10-import.bench";
import type { BenchContext, BenchRow } from "./run";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export default async function importXlsxBench(ctx: BenchContext): Promise<BenchRow[]> {
  const set = generateImportSet(path.join(ctx.workDir, "xlsx"), BIG);
  let t = performance.now();
  await detectFormat(() => fs.createReadStream(set.files.visits, { highWaterMark: 256 * 1024 }));
  const detectMs = performance.now() - t;
  ctx.log(`encoding check of visits.csv (${(fs.statSync(set.files.visits).size / 1e6).toFixed(0)} MB): ${detectMs.toFixed(0)} ms`);

  t = performance.now();
  const xlsx = path.join(ctx.workDir, "xlsx", "visits.xlsx");
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsx, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet("维修记录");
  ws.columns = [{ key: "ro" }, { key: "vin" }, { key: "date", style: { numFmt: "yyyy-mm-dd" } }, { key: "type" }, { key: "amount" }];
  ws.addRow(["工单号", "车架号", "结算日期", "维修类型", "结算金额"]).commit();
  for (const [ro, v, date, type, fen] of set.visits) ws.addRow([ro, set.vehicles[v]![0], new Date(`${date}T00:00:00Z`), type, fen / 100]).commit();
  ws.commit();
  await wb.commit();
  ctx.log(`wrote visits.xlsx (${(fs.statSync(xlsx).size / 1e6).toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const peak = (stderr: string) => Number(/peak memory (\d+) MB/.exec(stderr)?.[1] ?? NaN);
  const measure = async (name: string, visits: string) => {
    const dbFile = path.join(ctx.workDir, `${name}.db`);
    const db = createDb(`file:${dbFile}`);
    await migrateToLatest(db);
    await db.destroy();
    const started = performance.now();
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", "app/cli.ts", "import", "--store", "XL01", "--progress",
        "--customers", set.files.customers, "--vehicles", set.files.vehicles, "--visits", visits], {
        cwd: ROOT, env: { ...process.env, DATABASE_URL: `file:${dbFile}`, LANG: "C.UTF-8" }, stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
      child.on("close", (code) => resolve({ code, stderr }));
    });
    if (r.code !== 0) throw new Error(`cli import of ${name} failed (${r.code}): ${r.stderr.slice(-2000)}`);
    const seconds = (performance.now() - started) / 1000;
    ctx.log(`${name}: ${seconds.toFixed(1)} s, peak memory ${peak(r.stderr)} MB`);
    return { seconds, mb: peak(r.stderr) };
  };
  const asCsv = await measure("visits-csv", set.files.visits);
  const asXlsx = await measure("visits-xlsx", xlsx);
  return [
    { name: "encoding check of a 1,000,000-visit CSV (one extra read)", value: Math.round(detectMs), unit: "ms" },
    { name: "cli import, 1,000,000 visits as CSV: peak memory", value: asCsv.mb, unit: "MB", target: "< 500 MB", ok: asCsv.mb < 500 },
    { name: "cli import, 1,000,000 visits as .xlsx: peak memory", value: asXlsx.mb, unit: "MB", target: "< 500 MB", ok: asXlsx.mb < 500 },
    { name: "cli import, 1,000,000 visits as .xlsx: time (CSV of the same set)", value: Number(asXlsx.seconds.toFixed(1)), unit: `s (${asCsv.seconds.toFixed(1)} s)` },
  ];
}
