/**
 * A Remix build for integration tests that start real servers. Built at most once per
 * vitest run, into a folder the global setup picked (`inject("buildDir")`), by whichever
 * worker asks first; the others wait for it. Tests that never start a server never build.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { inject } from "vitest";

const ROOT = path.resolve(__dirname, "../..");

/**
 * Makes `ready` exist once across vitest workers: the first to take the lock folder runs
 * `make`, the others wait until `ready` exists.
 */
async function once(ready: string, lock: string, timeoutMs: number, what: string, make: () => Promise<void> | void): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += 200) {
    if (fs.existsSync(ready)) return;
    try {
      fs.mkdirSync(lock);
    } catch {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      if (!fs.existsSync(ready)) await make();
      return;
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function ensureBuild(): Promise<string> {
  const dir = inject("buildDir");
  const done = path.join(dir, ".done");
  await once(done, `${dir}.lock`, 180_000, `the build in ${dir}`, () => {
    execFileSync(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "build"], {
      cwd: ROOT, stdio: "pipe", env: { ...process.env, NODE_ENV: "production", BUILD_DIR: dir },
    });
    fs.writeFileSync(done, "");
  });
  return dir;
}

declare module "vitest" {
  export interface ProvidedContext {
    buildDir: string;
  }
}

/**
 * A migrated SQLite file with the demo dealership, made once per vitest run beside the build;
 * servers start on a copy of it instead of seeding the demo each time.
 */
export async function ensureDemoTemplate(): Promise<string> {
  const dir = path.dirname(inject("buildDir"));
  const file = path.join(dir, "demo-template.db");
  await once(file, path.join(dir, "demo-template.lock"), 300_000, `the demo template in ${dir}`, async () => {
    const { createDb } = await import("#db/client");
    const { migrateToLatest } = await import("#db/migrate");
    const { seedDemo } = await import("~/models/demo/demo.server");
    const tmp = `${file}.tmp-${process.pid}`;
    const db = createDb(`file:${tmp}`);
    try {
      await migrateToLatest(db);
      await seedDemo(db);
    } finally {
      await db.destroy(); // closes the file and folds the WAL into it
    }
    fs.renameSync(tmp, file);
  });
  return file;
}
