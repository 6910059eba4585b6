import { spawnSync } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

/** Runs the real CLI (`tsx app/cli.ts …`) on a database file; returns status, stdout and stderr. */
export function runCliProcess(dbFile: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "app/cli.ts"), ...args], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, DATABASE_URL: `file:${dbFile}`, ...env }, timeout: 60_000,
  });
}
