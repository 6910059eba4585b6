/**
 * PostgreSQL for tests: one throw-away database per test database on the server named by
 * TEST_PG_URL (a real cluster; `.ci/run` starts one). Nothing here runs when TEST_PG_URL is unset.
 */
import crypto from "node:crypto";
import pg from "pg";
import { it } from "vitest";

export const TEST_ENGINE: "sqlite" | "pg" = process.env.TEST_ENGINE === "pg" ? "pg" : "sqlite";
export const TEST_PG_URL = process.env.TEST_PG_URL || "";

/** `it` on SQLite, `it.skip` when the suite runs on PostgreSQL (backup files, PRAGMA, kill-an-import). */
export const sqliteOnly = TEST_ENGINE === "pg" ? it.skip : it;
/** `it` only when a PostgreSQL server is available (TEST_PG_URL), whichever engine the suite runs on. */
export const withPg = TEST_PG_URL ? it : it.skip;
/**
 * For tests that open both engines themselves (copy SQLite ⇄ PostgreSQL): run them in the
 * SQLite pass when TEST_PG_URL is set, not a second time in the PostgreSQL pass.
 */
export const crossEngine = TEST_PG_URL && TEST_ENGINE === "sqlite" ? it : it.skip;

function adminUrl(): string {
  if (!TEST_PG_URL) throw new Error("TEST_PG_URL is not set (postgres://user@127.0.0.1:PORT/db)");
  return TEST_PG_URL;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database on the TEST_PG_URL server; `drop()` removes it. One database (not
 * one schema) per test database: Kysely's introspection reads the catalog of every schema in
 * a database, and a schema dropped by a parallel test in the middle of that query fails it
 * ("schema … does not exist"); databases have separate catalogs.
 */
export async function createPgDatabase(prefix = "t"): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${crypto.randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`create database ${name}`));
  const u = new URL(adminUrl());
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    drop: () => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
