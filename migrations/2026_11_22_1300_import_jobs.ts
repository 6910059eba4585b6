import type { Kysely } from "kysely";
import { withId } from "../db/dialect";

/**
 * Web imports of the customer base (issue 3): one row per upload, so the job page can be
 * reopened (and polled) by id. Live progress stays in the server's memory; the row holds
 * the outcome (counts, or the bad-row report) once the import has finished.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable("import_jobs"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id"))
    .addColumn("user_id", "integer", (c) => c.references("users.id"))
    /** running | done | refused | failed */
    .addColumn("status", "text", (c) => c.notNull())
    /** JSON: the uploaded file names per file kind */
    .addColumn("files", "text", (c) => c.notNull())
    /** JSON: the ImportOutcome once finished */
    .addColumn("outcome", "text")
    .addColumn("message", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("finished_at", "text")
    .execute();
  await db.schema.createIndex("import_jobs_store").on("import_jobs").columns(["store_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("import_jobs").execute();
}
