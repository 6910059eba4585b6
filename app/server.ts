/**
 * The production server: migrates, seeds the demo dealership into an empty database
 * (unless DEMO=0), then serves the Remix build with Express. Started by `npm start`
 * through `cli serve`, so migrations run once, in this one process, before requests.
 */
import cluster from "node:cluster";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import { shouldCompress } from "./utils/compress.server";
import express from "express";
import { createDb, parseDatabaseUrl } from "#db/client";
import { refreshStatistics } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";
import { isDatabaseEmpty, seedDemo } from "./models/demo/demo.server";
import { recoverImports } from "./models/import-apply.server";
import { startImportWatchdog } from "./models/import-job.server";
import { startMessageDispatcher } from "./models/outbox.server";
import { senderFromEnv } from "./models/outbox-senders.server";
import { getDb } from "./utils/db.server";
import { clientOf, edge, edgeOptions, remixHandler } from "./utils/edge.server";
import { getEnv, type Env } from "./utils/env.server";
import { renderQueue } from "./utils/render-queue.server";

export async function prepareDatabase(log: (s: string) => void = console.log) {
  const env = getEnv();
  const db = createDb(env.DATABASE_URL);
  try {
    await migrateToLatest(db);
    await recoverImports(db, { log }); // finish an import cut short by a crash (docs/decisions/013)
    if (env.DEMO === "1" && (await isDatabaseEmpty(db))) {
      log("seeding the demo dealership…");
      await seedDemo(db);
    }
    await refreshStatistics(db, { allTables: true });
  } finally {
    await db.destroy();
  }
}

export async function serve({ port }: { port?: number } = {}) {
  process.env.NODE_ENV ??= "production";
  const env = getEnv();
  // On SQLite a generated secret is kept beside the database file. A PostgreSQL database is
  // shared by app servers on other machines, which must all sign cookies with one secret.
  if (parseDatabaseUrl(env.DATABASE_URL).kind === "postgres" && !env.SESSION_SECRET) {
    throw new Error("SESSION_SECRET must be set (16 characters or more) when DATABASE_URL is PostgreSQL: every app server sharing the database signs session cookies with it");
  }
  if (cluster.isWorker) return listen({ port, env });
  // Migrations, crash recovery and the demo seed run once, here, before any worker starts.
  await prepareDatabase();
  const workers = workerCount(env);
  if (workers === 1) return listen({ port, env, announce: true });
  return superviseWorkers({ workers, port, env });
}

/**
 * WORKERS, or one process per core but one: a core is left to everything else the machine runs
 * (PostgreSQL or the proxy beside the app, the operating system's network work). With a worker
 * on each of this 2-core machine's cores, both busy rendering pages, a card move waited for the
 * CPU: p95 38–53 ms under the board bench, against 13–14 ms with one worker, which served 15 %
 * fewer pages (decision 019). One for an in-memory database (each process would have its own).
 */
export function workerCount(env: Env, cores = os.availableParallelism()): number {
  const target = parseDatabaseUrl(env.DATABASE_URL);
  if (target.kind === "sqlite" && target.filename === ":memory:") return 1;
  return env.WORKERS ?? Math.max(1, cores - 1);
}

/**
 * The Node flags of each worker: the primary's, and with a worker on every core, V8's garbage
 * collector on the worker's own thread. Its helper threads would only take a core from another
 * worker busy with requests (decision 024: with them, young-generation collections took
 * 4 ms p50 / 15 ms p90 under the board bench, and a card move's p95 was ~4 ms higher).
 */
export function workerExecArgv(execArgv: readonly string[], workers: number, cores = os.availableParallelism()): string[] {
  const flag = "--single-threaded-gc";
  return workers >= cores && !execArgv.includes(flag) ? [...execArgv, flag] : [...execArgv];
}

/**
 * The primary process of a multi-process server (docs/decisions/019): forks the workers, which
 * share one port (the primary hands out the connections), says it listens once every worker
 * does, starts a new worker for one that dies, and on SIGTERM/SIGINT lets each worker finish
 * its requests before they all exit. Nothing a request needs lives in one worker's memory:
 * sessions, sign-in limits, import progress and its lock are in the database.
 */
function superviseWorkers({ workers, port, env }: { workers: number; port?: number; env: Env }) {
  let listening = 0;
  let stopping = false;
  const workerEnv = { CP_PORT: String(port ?? env.PORT) };
  cluster.on("listening", (_worker, address) => {
    listening++;
    if (listening === workers) console.log(`Campaign planner listening on ${listeningUrl(env.HOST, address.port)} (${workers} workers)`);
  });
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    if (listening < workers) {
      // a worker that cannot start (no build, a bad setting) would only fail again
      console.error(`worker ${worker.process.pid} stopped (${signal ?? code}) before it listened`);
      stopping = true;
      cluster.disconnect(() => process.exit(1));
      return;
    }
    console.error(`worker ${worker.process.pid} stopped (${signal ?? code}); starting another`);
    cluster.fork(workerEnv);
  });
  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, workers) });
  for (let i = 0; i < workers; i++) cluster.fork(workerEnv);
  const stop = () => {
    stopping = true;
    cluster.disconnect(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

async function listen({ port, env, announce = false }: { port?: number; env: Env; announce?: boolean }) {
  const buildDir = process.env.BUILD_DIR;
  const buildPath = path.resolve(buildDir ? `${buildDir}/index.js` : "build/index.js");
  const assetsDir = path.resolve(buildDir ? `${buildDir}/assets` : "public/build");
  const build = await import(pathToFileURL(buildPath).href);
  const app = createApp({ build, assetsDir, env });
  // A worker listens on the port its primary was given (0: one free port, the same for every worker).
  const listenPort = cluster.isWorker ? Number(process.env.CP_PORT) : port ?? env.PORT;
  const server = app.listen(listenPort, env.HOST, () => {
    const address = server.address();
    const actual = typeof address === "object" && address ? address.port : listenPort;
    if (announce) console.log(`Campaign planner listening on ${listeningUrl(env.HOST, actual)}`);
  });
  // An idle keep-alive connection stays open longer than a reverse proxy's (60 s) or a client's
  // idle timeout, so that it is never closed by the server just as a request is sent on it
  // ("other side closed"); headersTimeout must exceed it.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  startImportWatchdog();
  // messages and reminders due (issue 13): claimed in the database, so every worker and app server may run it
  if (env.MESSAGE_DISPATCH_MS > 0) {
    startMessageDispatcher({
      db: getDb, sender: senderFromEnv(env), baseUrl: env.PUBLIC_URL ?? `http://localhost:${listenPort || env.PORT}`, everyMs: env.MESSAGE_DISPATCH_MS,
      maxAttempts: env.MESSAGE_MAX_ATTEMPTS, retryBaseMs: env.MESSAGE_RETRY_BASE_MS, leaseMs: env.MESSAGE_LEASE_MS,
    });
  }
  const stop = () => server.close(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  return server;
}

/**
 * The Express app: static files, then the edge (CSRF, body limits, client address:
 * app/utils/edge.server.ts), then Remix.
 */
export function createApp({ build, assetsDir, env }: { build: ServerBuild; assetsDir: string; env: Env }) {
  const edgeOpts = edgeOptions(env);
  const app = express();
  app.disable("x-powered-by");
  // req.protocol / req.hostname read X-Forwarded-Proto/-Host only from that many proxies.
  app.set("trust proxy", edgeOpts.trustProxy);
  // Remix reads the query from the URL itself; Express's own parse (qs) is not needed.
  app.set("query parser", false);
  // gzip or brotli, as the browser accepts, for HTML, JSON, JS and CSS (images are sent as
  // they are). Small answers (<1 KB) are not worth the CPU. Streamed pages are flushed as React
  // writes them. A write's JSON answer (a card move) is sent as it is: zlib works on the thread
  // pool, and each of its steps would wait for the page renders in this worker (decision 024).
  app.use(compression({ threshold: 1024, filter: shouldCompress }));
  app.use("/build", express.static(assetsDir, { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
  app.use(edge(edgeOpts));
  // pages take turns; writes (a card move) start at once (docs/decisions/024). On SQLite a
  // page's queries and render hold the thread anyway: one at a time, a move waits for one page.
  app.use(renderQueue(env.RENDER_CONCURRENCY ?? (parseDatabaseUrl(env.DATABASE_URL).kind === "postgres" ? 4 : 1)));
  app.all(
    "*",
    remixHandler({
      build,
      mode: process.env.NODE_ENV,
      trustProxy: edgeOpts.trustProxy,
      getLoadContext: (req) => ({ ip: clientOf(req, edgeOpts) }),
    }),
  );
  return app;
}

/** The address to print: "localhost" for loopback and every-interface hosts (the helpers and benches read this line). */
function listeningUrl(host: string, port: number): string {
  const local = ["127.0.0.1", "::1", "localhost", "0.0.0.0", "::"].includes(host);
  const shown = local ? "localhost" : host.includes(":") ? `[${host}]` : host;
  const note = host === "0.0.0.0" || host === "::" ? " (every interface)" : "";
  return `http://${shown}:${port}${note}`;
}
