import type { Kysely } from "kysely";

/**
 * Sign-in throttling counters (decision 014): one row per account+address pair, per account
 * and per address, read and written under a row lock so that a burst of parallel attempts
 * cannot evaluate more than the limit, on one server or several sharing a database.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable("login_throttle")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("failures", "integer", (c) => c.notNull())
    .addColumn("window_start", "text", (c) => c.notNull())
    .addColumn("blocked_until", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("login_throttle_updated").on("login_throttle").column("updated_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("login_throttle").execute();
}
