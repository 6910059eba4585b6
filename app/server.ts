/**
 * The production server: migrates, seeds the demo dealership into an empty database
 * (unless DEMO=0), then serves the Remix build with Express. Started by `npm start`
 * through `cli serve`, so migrations run once, in this one process, before requests.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { createDb, parseDatabaseUrl } from "#db/client";
import { refreshStatistics } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";
import { isDatabaseEmpty, seedDemo } from "./models/demo.server";
import { recoverImports } from "./models/import-apply.server";
import { startImportWatchdog } from "./models/import-job.server";
import { clientOf, edge, edgeOptions, remixHandler } from "./utils/edge.server";
import { getEnv, type Env } from "./utils/env.server";

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
  await prepareDatabase();
  const buildDir = process.env.BUILD_DIR;
  const buildPath = path.resolve(buildDir ? `${buildDir}/index.js` : "build/index.js");
  const assetsDir = path.resolve(buildDir ? `${buildDir}/assets` : "public/build");
  const build = await import(pathToFileURL(buildPath).href);
  const app = createApp({ build, assetsDir, env });
  const listenPort = port ?? env.PORT;
  const server = app.listen(listenPort, env.HOST, () => {
    const address = server.address();
    const actual = typeof address === "object" && address ? address.port : listenPort;
    console.log(`Campaign planner listening on ${listeningUrl(env.HOST, actual)}`);
  });
  // An idle keep-alive connection stays open longer than a reverse proxy's (60 s) or a client's
  // idle timeout, so that it is never closed by the server just as a request is sent on it
  // ("other side closed"); headersTimeout must exceed it.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  startImportWatchdog();
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
  // writes them.
  app.use(compression({ threshold: 1024 }));
  app.use("/build", express.static(assetsDir, { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
  app.use(edge(edgeOpts));
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
