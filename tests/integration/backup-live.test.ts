/**
 * `cli backup` while the server takes writes: the copy opens, passes integrity_check, holds
 * every write acknowledged before the backup started, and restores with `cli restore`.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, vi } from "vitest";
import { createDb } from "#db/client";
import { integrityCheck } from "#db/backup";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { sqliteOnly } from "../helpers/pg";
import { ACK_WRITES, burst } from "../helpers/writes";

// Each test starts real servers; on a busy 2-core machine that takes a while.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const ROOT = path.resolve(__dirname, "../..");
let app: AppServer | undefined;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-backup-"));
afterAll(async () => {
  await app?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "app/cli.ts", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

describe("backup under load", () => {
  sqliteOnly("a backup taken during a burst of writes opens, is intact, has every earlier acknowledged write, and restores", async () => {
    app = await startAppServer();
    const url = app.url;
    const before = await burst(url, ACK_WRITES, { workers: 4, stop: (n) => n >= 8 });
    let backupDone = false;
    const during = burst(url, ACK_WRITES, { workers: 4, stop: () => backupDone });
    const backupFile = path.join(dir, "during.db");
    const b = await cli(["backup", "--to", backupFile], { DATABASE_URL: app.databaseUrl });
    backupDone = true;
    const duringResult = await during;
    expect(b.out).toContain("integrity check ok");
    expect(b.code).toBe(0);
    expect(duringResult.errors).toBe(0);
    expect(integrityCheck(backupFile)).toBe("ok");

    const copy = createDb(`file:${backupFile}`);
    for (const { write, id } of before.acked) expect(await write.present(copy, id)).toBe(true);
    const sessions = Number((await copy.selectFrom("sessions").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    expect(sessions).toBeGreaterThanOrEqual(before.acked.length);
    await copy.destroy();

    // Restore into a new location, and over the live file (server stopped) with --force.
    const fresh = path.join(dir, "restored", "app.db");
    const r1 = await cli(["restore", "--from", backupFile], { DATABASE_URL: `file:${fresh}` });
    expect(r1.code).toBe(0);
    expect(integrityCheck(fresh)).toBe("ok");
    await app.server.stop();
    const refused = await cli(["restore", "--from", backupFile], { DATABASE_URL: app.databaseUrl });
    expect(refused.code).toBe(2);
    const forced = await cli(["restore", "--from", backupFile, "--force"], { DATABASE_URL: app.databaseUrl });
    expect(forced.code).toBe(0);
    await app.restart();
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const live = createDb(app.databaseUrl); // a new handle: the restore replaced the file
    for (const { write, id } of before.acked) expect(await write.present(live, id)).toBe(true);
    await live.destroy();
  }, 120_000);
});
