import { sql, type Kysely } from "kysely";
import { resetIdSequence, withId } from "../db/dialect";

/**
 * Imports that stay off the write lock's critical path (issue 17, docs/decisions/013):
 * - import_jobs becomes the record of every import, web or command line: its live progress,
 *   the lease of the process running it (owner + heartbeat), and its apply position for a
 *   roll-forward after a crash. store_id may be null until the commit point (a command-line
 *   import into a new store creates the store there), so the table is rebuilt (SQLite cannot
 *   drop a NOT NULL); at most one import per store is running or applying (a partial unique
 *   index on store_code).
 * - import_staged_batches: the checked rows of a job in batches, written in short transactions
 *   while the files are read, applied to the main tables in short transactions after the
 *   commit point.
 * - customer_changes.import_job_id: a change made by an import (issue 10: history with the
 *   import as its source).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const run = async (trx: Kysely<any>) => {
    await withId(trx, trx.schema.createTable("import_jobs_next"))
      .addColumn("store_id", "integer", (c) => c.references("stores.id"))
      .addColumn("store_code", "text")
      .addColumn("user_id", "integer", (c) => c.references("users.id"))
      /** web | cli */
      .addColumn("source", "text", (c) => c.notNull().defaultTo("web"))
      /** running (reading, checking, staging) | applying (past the commit point) | done | refused | failed | interrupted */
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("files", "text", (c) => c.notNull())
      .addColumn("outcome", "text")
      .addColumn("message", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("finished_at", "text")
      /** host:pid:token of the process running the job; null when nobody is */
      .addColumn("owner", "text")
      .addColumn("heartbeat_at", "text")
      /** reading (and staging) | writing (applying) */
      .addColumn("phase", "text")
      .addColumn("progress_done", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("progress_total", "integer", (c) => c.notNull().defaultTo(0))
      /** the file being applied and the last staged row (seq) applied of it */
      .addColumn("apply_file", "text")
      .addColumn("apply_seq", "integer", (c) => c.notNull().defaultTo(0))
      /** JSON: staged rows per file, counts so far, store created */
      .addColumn("apply_state", "text")
      /** the import's timestamp, written into every row it changes (the same after a roll-forward) */
      .addColumn("applied_at", "text")
      /** 1 while staged rows of the job may remain */
      .addColumn("cleanup_pending", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await trx.insertInto("import_jobs_next")
      .columns(["id", "store_id", "store_code", "user_id", "source", "status", "files", "outcome", "message", "created_at", "finished_at"])
      .expression(
        trx.selectFrom("import_jobs as j").innerJoin("stores as s", "s.id", "j.store_id")
          .select([
            "j.id", "j.store_id", "s.code", "j.user_id", sql.lit("web").as("source"),
            // a job the old in-memory runner left "running" can no longer be running
            sql`case when j.status = 'running' then 'interrupted' else j.status end`.as("status"),
            "j.files", "j.outcome", "j.message", "j.created_at", "j.finished_at",
          ]),
      )
      .execute();
    await trx.schema.dropTable("import_jobs").execute();
    await trx.schema.alterTable("import_jobs_next").renameTo("import_jobs").execute();
    await resetIdSequence(trx, "import_jobs");
    await trx.schema.createIndex("import_jobs_store").on("import_jobs").columns(["store_id", "created_at"]).execute();
    await trx.schema.createIndex("import_jobs_one_active_per_store").on("import_jobs").column("store_code").unique()
      .where(sql.ref("status"), "in", ["running", "applying"]).execute();

    await trx.schema.alterTable("customer_changes").addColumn("import_job_id", "integer", (c) => c.references("import_jobs.id")).execute();

    // Checked rows in batches (a JSON array of row tuples each): one row per batch keeps the
    // staging cheap (no b-tree entry per row) and the apply reads whole batches back.
    await trx.schema.createTable("import_staged_batches")
      .addColumn("job_id", "integer", (c) => c.notNull().references("import_jobs.id"))
      /** customers | vehicles | visits */
      .addColumn("file", "text", (c) => c.notNull())
      /** the batch's position in its file, from 1 */
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("row_count", "integer", (c) => c.notNull())
      .addColumn("payload", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("import_staged_batches_pk", ["job_id", "file", "seq"])
      .execute();
  };
  // one transaction (SQLite's DDL is transactional too): a crash cannot leave import_jobs dropped
  if (db.isTransaction) await run(db);
  else await db.transaction().execute(run);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("import_staged_batches").execute();
  await db.schema.alterTable("customer_changes").dropColumn("import_job_id").execute();
}
