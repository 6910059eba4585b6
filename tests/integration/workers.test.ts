/**
 * `serve` with several worker processes on one port (issue 14): they behave as one server —
 * a session made on one is valid on the other, the sign-in limit holds across them, a worker
 * that dies is replaced, and the workers stop with their primary (SIGTERM, and SIGKILL).
 * Runs on SQLite, and on PostgreSQL with TEST_PG_URL.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { workerCount, workerExecArgv } from "~/server";
import type { Env } from "~/utils/env.server";
import { signInHttp, startAppServer, type AppServer } from "../helpers/app-server";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

let app: AppServer;
beforeAll(async () => {
  app = await startAppServer({ env: { WORKERS: "2" } });
});
afterAll(async () => {
  await app?.close();
});

/** the command line of a process, or null once it is gone */
const cmdline = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return null;
  }
};
/**
 * pids of the live worker processes of `pid` (its children running the app: tsx's loader may
 * have an esbuild service of its own beside them, when its transform cache is cold)
 */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" }).split("\n").map((s) => Number(s.trim())).filter((n) => n > 0)
      .filter((child) => cmdline(child)?.some((arg) => arg.endsWith("app/cli.ts")));
  } catch {
    return []; // ps exits 1 when there is none
  }
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** a GET on a new connection each time, so that the primary hands it to the next worker */
const fresh = (url: string, cookie = "", timeoutMs = 30_000) =>
  fetch(url, { redirect: "manual", headers: { Cookie: cookie, Connection: "close" }, signal: AbortSignal.timeout(timeoutMs) }).then(async (r) => ({ status: r.status, text: await r.text() }));

describe("several workers on one port", () => {
  it("starts the workers it was asked for and says so once", async () => {
    expect(app.server.output()).toMatch(/listening on http:\/\/localhost:\d+ \(2 workers\)/);
    expect(app.server.output().match(/listening on/g)).toHaveLength(1);
    expect(childrenOf(app.server.process.pid!)).toHaveLength(2);
  });

  it("with a worker on every core, each collects its garbage on its own thread (decision 024)", () => {
    const flags = childrenOf(app.server.process.pid!).map((pid) => cmdline(pid) ?? []);
    expect(flags).toHaveLength(2);
    for (const f of flags) expect(f.includes("--single-threaded-gc")).toBe(2 >= os.availableParallelism());
    expect(workerExecArgv(["--import", "tsx"], 2, 2)).toEqual(["--import", "tsx", "--single-threaded-gc"]);
    expect(workerExecArgv(["--import", "tsx"], 2, 8)).toEqual(["--import", "tsx"]);
    expect(workerExecArgv(["--single-threaded-gc"], 4, 4)).toEqual(["--single-threaded-gc"]);
  });

  it("by default runs one worker per core but one (decision 019); WORKERS sets any number; an in-memory database one", () => {
    const env = (over: Record<string, unknown>) => ({ DATABASE_URL: "file:/tmp/app.db", ...over }) as unknown as Env;
    expect(workerCount(env({}), 2)).toBe(1);
    expect(workerCount(env({}), 4)).toBe(3);
    expect(workerCount(env({}), 1)).toBe(1);
    expect(workerCount(env({ WORKERS: 2 }), 2)).toBe(2);
    expect(workerCount(env({ WORKERS: 4, DATABASE_URL: "file::memory:" }), 8)).toBe(1);
    expect(workerCount(env({ DATABASE_URL: "postgres://u@127.0.0.1/db" }), 8)).toBe(7);
  });

  it("a session made on one worker is valid on every one", async () => {
    const { cookie } = await signInHttp(app.url, "manager@demo.test");
    const pages = await Promise.all(Array.from({ length: 12 }, () => fresh(`${app.url}/campaigns`, cookie)));
    expect(pages.map((p) => p.status)).toEqual(Array(12).fill(200));
    expect(pages.every((p) => !p.text.includes('name="password"'))).toBe(true);
  });

  it("25 parallel wrong passwords over both workers evaluate at most 5", async () => {
    const email = "staff1@demo.test";
    const results = await Promise.all(Array.from({ length: 25 }, () =>
      fetch(`${app.url}/login`, {
        method: "POST", redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url, Connection: "close" },
        body: `email=${encodeURIComponent(email)}&password=wrong-password`,
      }).then((r) => r.status)));
    const evaluated = Number((await app.db.selectFrom("login_attempts").select((eb) => eb.fn.countAll().as("n")).where("email", "=", email).executeTakeFirstOrThrow()).n);
    expect(evaluated).toBeLessThanOrEqual(5);
    expect(results.filter((s) => s === 400)).toHaveLength(evaluated);
    expect(results.filter((s) => s === 429)).toHaveLength(25 - evaluated);
  });

  it("replaces a worker that dies; the other answers meanwhile", async () => {
    const primary = app.server.process.pid!;
    const [victim, other] = childrenOf(primary);
    process.kill(victim!, "SIGKILL");
    await expect.poll(() => alive(victim!), { timeout: 10_000 }).toBe(false);
    // A connection the primary handed to the worker as it died is lost with it (a browser
    // retries a GET); the next ones go to the live worker.
    await expect.poll(() => fresh(`${app.url}/healthz`, "", 5_000).then((r) => r.status, () => 0), { timeout: 20_000 }).toBe(200);
    await expect.poll(() => childrenOf(primary).filter((p) => p !== victim).length, { timeout: 60_000 }).toBe(2);
    expect(childrenOf(primary)).toContain(other);
    await expect.poll(() => app.server.output(), { timeout: 10_000 }).toMatch(new RegExp(`worker ${victim} stopped \\(SIGKILL\\); starting another`));
    const after = await Promise.all(Array.from({ length: 6 }, () => fresh(`${app.url}/healthz`)));
    expect(after.map((r) => r.status)).toEqual(Array(6).fill(200));
  });

  it("the workers stop with their primary, gracefully on SIGTERM and at once on SIGKILL", async () => {
    let workers = childrenOf(app.server.process.pid!);
    expect(workers).toHaveLength(2);
    await app.server.stop("SIGTERM");
    expect(app.server.process.exitCode).toBe(0);
    await expect.poll(() => workers.filter(alive).length, { timeout: 30_000 }).toBe(0);

    await app.restart({ WORKERS: "2" });
    workers = childrenOf(app.server.process.pid!);
    expect(workers).toHaveLength(2);
    expect((await fresh(`${app.url}/healthz`)).status).toBe(200);
    await app.server.stop("SIGKILL");
    // a worker whose primary is gone exits as its channel to the primary closes
    await expect.poll(() => workers.filter(alive).length, { timeout: 30_000 }).toBe(0);
    await app.restart({ WORKERS: "2" });
  });
});
