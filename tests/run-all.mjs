#!/usr/bin/env node
// `npm test`: typecheck, unit + integration tests (vitest), then browser tests
// (build, real server, system Chromium). Prints a last line "N passed, N failed".
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const reports = path.join(root, "tests/.reports");
fs.rmSync(reports, { recursive: true, force: true });
fs.mkdirSync(reports, { recursive: true });
let passed = 0;
let failed = 0;
const bin = (p) => path.join(root, "node_modules", p);
const run = (label, args, env = {}) => {
  console.log(`\n▶ ${label}`);
  const started = Date.now();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  console.log(`  ${label}: exit ${r.status} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return r.status ?? 1;
};
const failures = [];
const vitest = (label, config, report, env = {}) => {
  const code = run(label, [bin("vitest/vitest.mjs"), "run", "--config", config, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`], env);
  try {
    const j = JSON.parse(fs.readFileSync(report, "utf8"));
    passed += j.numPassedTests;
    failed += j.numFailedTests;
    for (const file of j.testResults ?? []) {
      const rel = path.relative(root, file.name);
      if (file.status === "failed" && !(file.assertionResults ?? []).some((a) => a.status === "failed")) {
        failures.push(`${label} · ${rel}: ${String(file.message ?? "failed to load").split("\n")[0].slice(0, 300)}`);
      }
      for (const a of file.assertionResults ?? []) {
        if (a.status !== "failed") continue;
        const why = String(a.failureMessages?.[0] ?? "").split("\n")[0].slice(0, 300);
        failures.push(`${label} · ${rel} › ${a.fullName}: ${why}`);
      }
    }
    if (code !== 0 && j.numFailedTests === 0) failed += 1; // a suite that failed to load
  } catch {
    failed += 1;
  }
};

function chromiumAvailable() {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(Boolean);
  return candidates.some((p) => fs.existsSync(p));
}
function ensureChromium() {
  if (chromiumAvailable()) return true;
  if (process.getuid?.() === 0) {
    console.log("Chromium is missing: installing it with apt-get (Debian package chromium)…");
    spawnSync("sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null"], { stdio: "inherit" });
    return chromiumAvailable();
  }
  console.error("Chromium is missing. Install it with `sudo apt-get install -y chromium` (or set CHROMIUM_PATH) and run `npm test` again.");
  return false;
}

const only = process.argv[2];
if (!only || only === "typecheck") {
  if (run("typecheck (tsc --noEmit)", [bin("typescript/bin/tsc"), "--noEmit"]) === 0) passed += 1;
  else failed += 1;
}
if (!only || only === "unit") vitest("unit and integration tests (SQLite)", "tests/vitest.config.ts", path.join(reports, "unit.json"), { TEST_ENGINE: "sqlite" });
// The same database tests again on PostgreSQL when a server is given (`.ci/run` starts one).
if ((!only || only === "unit" || only === "pg") && process.env.TEST_PG_URL) {
  vitest("unit and integration tests (PostgreSQL)", "tests/vitest.config.ts", path.join(reports, "unit-pg.json"), { TEST_ENGINE: "pg" });
} else if (!only || only === "unit") {
  console.log("\n(TEST_PG_URL is not set: the database tests ran on SQLite only)");
}
if (!only || only === "e2e") {
  if (ensureChromium()) vitest("browser tests", "tests/vitest.e2e.config.ts", path.join(reports, "e2e.json"));
  else failed += 1;
}
// The failing tests by name, so a CI log cut to its tail still says what failed.
if (failures.length) console.log(`\nFailed:\n${failures.map((f) => `  ✗ ${f}`).join("\n")}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
