/**
 * `npm run bench`: speed targets as ratios against floors measured in the same run.
 * Each `tests/bench/NN-*.bench.ts` module default-exports `(ctx) => Promise<BenchRow[]>`;
 * they run in file-name order and share `ctx` (a bench may put a prepared database in it
 * for the next ones). Never asserted in `npm test`: this prints a table for the README.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface BenchRow {
  name: string;
  /** the measured figure, e.g. seconds or milliseconds */
  value: number;
  unit: string;
  /** a floor measured in the same run, when the target is a ratio */
  floor?: number;
  target?: string;
  ok?: boolean;
}

export interface BenchContext {
  workDir: string;
  /** filled by earlier benches, e.g. the 100k-customer database */
  shared: Record<string, unknown>;
  log: (line: string) => void;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const files = fs.readdirSync(here).filter((f) => /^\d\d-.*\.bench\.ts$/.test(f)).sort().filter((f) => !only || f.includes(only));
const ctx: BenchContext = {
  workDir: fs.mkdtempSync(path.join(os.tmpdir(), "cp-bench-")),
  shared: {},
  log: (line) => console.log(`  ${line}`),
};
const rows: BenchRow[] = [];
console.log(`bench on ${os.cpus().length} cores, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
for (const file of files) {
  console.log(`\n▶ ${file}`);
  const mod = await import(pathToFileURL(path.join(here, file)).href);
  const out: BenchRow[] = await mod.default(ctx);
  rows.push(...out);
}
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
console.log("\n| measure | value | floor | ratio | target | ok |\n|---|---|---|---|---|---|");
for (const r of rows) {
  const ratio = r.floor ? `${(r.value / r.floor).toFixed(2)}×` : "";
  console.log(`| ${r.name} | ${fmt(r.value)} ${r.unit} | ${r.floor !== undefined ? `${fmt(r.floor)} ${r.unit}` : ""} | ${ratio} | ${r.target ?? ""} | ${r.ok === undefined ? "" : r.ok ? "yes" : "NO"} |`);
}
fs.rmSync(ctx.workDir, { recursive: true, force: true });
process.exit(0);
