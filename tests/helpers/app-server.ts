/**
 * A real server for integration tests on the engine the suite runs on: the Remix build
 * (made once per run, tests/helpers/build.ts) served by `cli serve` in its own process,
 * on a fresh SQLite file or — with TEST_ENGINE=pg — a fresh PostgreSQL database, holding the
 * demo dealership (a copy of a template made once per run). `db` is a second handle on the
 * same database for assertions.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDb, type DB } from "#db/client";
import { copyDatabase } from "#db/copy";
import { ensureBuild, ensureDemoTemplate } from "./build";
import { createPgDatabase, TEST_ENGINE } from "./pg";
import { startServer, type RunningServer } from "./server";
import { sessionIdFromSetCookie } from "./writes";

export interface AppServer {
  server: RunningServer;
  url: string;
  /** DATABASE_URL of the server */
  databaseUrl: string;
  /** SQLite file (null on PostgreSQL) */
  dbFile: string | null;
  db: DB;
  /** starts the server again on the same database (after a stop or a kill) */
  restart(env?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export async function startAppServer(opts: { env?: Record<string, string>; dbFile?: string; engine?: "sqlite" | "pg" } = {}): Promise<AppServer> {
  const buildDir = await ensureBuild();
  const template = await ensureDemoTemplate();
  const engine = opts.engine ?? TEST_ENGINE;
  let databaseUrl: string;
  let dbFile: string | null = null;
  let drop: (() => Promise<void>) | null = null;
  let tmp: string | null = null;
  if (engine === "pg") {
    const pgDb = await createPgDatabase("srv");
    databaseUrl = pgDb.url;
    drop = pgDb.drop;
    // The demo dealership, copied from the SQLite template (faster than seeding it again).
    const [from, to] = [createDb(`file:${template}`), createDb(databaseUrl)];
    try {
      await copyDatabase(from, to);
    } finally {
      await from.destroy();
      await to.destroy();
    }
  } else {
    tmp = opts.dbFile ? null : fs.mkdtempSync(path.join(os.tmpdir(), "cp-srv-"));
    dbFile = opts.dbFile ?? path.join(tmp!, "app.db");
    databaseUrl = `file:${dbFile}`;
    fs.copyFileSync(template, dbFile);
  }
  const start = (env: Record<string, string> = {}) =>
    startServer({ dbFile: dbFile ?? "/nonexistent", env: { BUILD_DIR: buildDir, DATABASE_URL: databaseUrl, PG_POOL_MAX: "5", ...opts.env, ...env } });
  const app: AppServer = {
    server: await start(),
    url: "",
    databaseUrl,
    dbFile,
    db: null as unknown as DB,
    async restart(env) {
      await app.server.stop();
      app.server = await start(env);
      app.url = app.server.url;
    },
    async close() {
      await app.server.stop("SIGKILL");
      await app.db.destroy();
      if (drop) await drop();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
  app.url = app.server.url;
  app.db = createDb(databaseUrl);
  return app;
}

export { sessionIdFromSetCookie } from "./writes";

/** Signs in over HTTP; returns the cookie header to send and the session id. */
export async function signInHttp(url: string, email: string, password = "demo1234"): Promise<{ cookie: string; sessionId: string }> {
  const res = await fetch(`${url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password, redirectTo: "/" }),
  });
  const setCookie = res.headers.get("set-cookie");
  const sessionId = sessionIdFromSetCookie(setCookie);
  if (res.status !== 302 || !sessionId) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text().catch(() => "")}`);
  return { cookie: setCookie!.split(";")[0]!, sessionId };
}
