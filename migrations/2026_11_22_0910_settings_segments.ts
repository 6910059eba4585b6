import type { Kysely } from "kysely";
import { withId } from "../db/dialect";

/** Store settings (a JSON document validated by StoreSettingsSchema) and saved segments. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("store_settings")
    .addColumn("store_id", "integer", (c) => c.primaryKey().references("stores.id"))
    .addColumn("settings", "text", (c) => c.notNull())
    .addColumn("updated_by", "integer", (c) => c.references("users.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable("segments"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text")
    /** JSON: the builder's condition tree (see segment.schema.ts). */
    .addColumn("definition", "text", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex("segments_store").on("segments").column("store_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("segments").execute();
  await db.schema.dropTable("store_settings").execute();
}
