import { createDb, type DB } from "#db/client";
import { getEnv } from "./env.server";

declare global {
  // eslint-disable-next-line no-var
  var __db: DB | undefined;
}

/** The app's one Kysely instance; survives dev rebuilds. Migrations run in the CLI, never here. */
export function getDb(): DB {
  if (!global.__db) global.__db = createDb(getEnv().DATABASE_URL);
  return global.__db;
}
