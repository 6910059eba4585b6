/**
 * PostgreSQL for tests: one throw-away schema per test database inside the database named by
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

/** A URL whose connections use a fresh, empty schema; `drop()` removes it and everything in it. */
export async function createPgSchema(prefix = "t"): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  const schema = `${prefix}_${crypto.randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`create schema ${schema}`));
  const u = new URL(adminUrl());
  u.searchParams.set("schema", schema);
  return {
    url: u.toString(),
    schema,
    drop: () => admin((c) => c.query(`drop schema if exists ${schema} cascade`)).then(() => undefined),
  };
}
