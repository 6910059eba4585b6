/**
 * The production server: migrates, seeds the demo dealership into an empty database
 * (unless DEMO=0), then serves the Remix build with Express. Started by `npm start`
 * through `cli serve`, so migrations run once, in this one process, before requests.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import express from "express";
import { createDb, parseDatabaseUrl } from "#db/client";
import { refreshStatistics } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";
import { isDatabaseEmpty, seedDemo } from "./models/demo.server";
import { recoverImports } from "./models/import-apply.server";
import { startImportWatchdog } from "./models/import-job.server";
import { getEnv } from "./utils/env.server";

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

/** Refuses state-changing requests whose Origin is another site (CSRF defence beside SameSite=Lax). */
export function sameOriginOnly(req: express.Request, res: express.Response, next: express.NextFunction) {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
  const origin = req.get("origin");
  if (origin && origin !== "null") {
    let host: string | null = null;
    try { host = new URL(origin).host; } catch { host = null; }
    if (host !== req.get("host")) return res.status(403).type("text/plain").send("Cross-origin request refused");
  } else if (origin === "null") {
    return res.status(403).type("text/plain").send("Cross-origin request refused");
  }
  next();
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
  const app = express();
  app.disable("x-powered-by");
  app.use("/build", express.static(assetsDir, { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
  app.use(sameOriginOnly);
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: process.env.NODE_ENV,
      getLoadContext: (req) => ({ ip: req.socket.remoteAddress ?? "unknown" }),
    }),
  );
  const listenPort = port ?? env.PORT;
  const server = app.listen(listenPort, () => {
    const address = server.address();
    const actual = typeof address === "object" && address ? address.port : listenPort;
    console.log(`Campaign planner listening on http://localhost:${actual}`);
  });
  startImportWatchdog();
  const stop = () => server.close(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  return server;
}
