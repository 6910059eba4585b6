import { sql, type Kysely } from "kysely";
import { isPostgres, withId } from "../db/dialect";

/**
 * The invitation page (issue 13, docs/decisions/017):
 * - invitation_links: one unguessable token per contactable invitation (random text, 144 bits,
 *   unique), the customer's last self-reply's companions, and when they opted out on the page;
 * - invitation_attempts: a customer's own answer is an attempt with channel `self` and no staff
 *   user, so user_id becomes nullable and the channel check takes `self`. SQLite cannot drop a
 *   NOT NULL or change a CHECK: the table is rebuilt (the documented 12-step way, foreign keys
 *   off around it, because invitation_events refers to it); PostgreSQL alters it in place;
 * - invite_rate_limits: fixed-window request counters per key (client address, token), in the
 *   database so that they hold across app servers.
 * Frozen in time: later changes go in new migrations.
 */
const inList = (values: string[]) => sql.join(values.map((v) => sql.lit(v)));
const OUTCOMES = ["no_answer", "wrong_number", "callback", "yes", "maybe", "no"];
const CHANNELS = ["phone", "sms", "wechat_official", "wechat_moments", "radio", "posters", "home_visit", "self"];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable("invitation_links")
    .addColumn("invitation_id", "integer", (c) => c.primaryKey().references("invitations.id").onDelete("cascade"))
    .addColumn("token", "text", (c) => c.notNull())
    .addColumn("companions", "integer")
    .addColumn("responded_at", "text")
    .addColumn("opted_out_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("invitation_links_token").unique().on("invitation_links").column("token").execute();

  await db.schema.createTable("invite_rate_limits")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("window_start", "text", (c) => c.notNull())
    .addColumn("hits", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("invite_rate_limits_window").on("invite_rate_limits").column("window_start").execute();

  if (isPostgres(db)) {
    await sql`alter table invitation_attempts alter column user_id drop not null`.execute(db);
    await sql`alter table invitation_attempts drop constraint if exists invitation_attempts_channel_check`.execute(db);
    await sql`alter table invitation_attempts add constraint invitation_attempts_channel_check check (channel in (${inList(CHANNELS)}))`.execute(db);
    return;
  }
  await rebuildAttemptsSqlite(db);
}

async function rebuildAttemptsSqlite(db: Kysely<any>) {
  // PRAGMA foreign_keys has no effect inside a transaction: it is switched around it.
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    const run = async (trx: Kysely<any>) => {
      await withId(trx, trx.schema.createTable("invitation_attempts_next"))
        .addColumn("invitation_id", "integer", (c) => c.notNull().references("invitations.id").onDelete("cascade"))
        .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
        .addColumn("round_id", "integer", (c) => c.references("invitation_rounds.id"))
        .addColumn("user_id", "integer", (c) => c.references("users.id"))
        .addColumn("channel", "text", (c) => c.notNull().check(sql`channel in (${inList(CHANNELS)})`))
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("outcome", "text", (c) => c.notNull().check(sql`outcome in (${inList(OUTCOMES)})`))
        .addColumn("callback_at", "text")
        .addColumn("note", "text")
        .execute();
      await sql`insert into invitation_attempts_next (id, invitation_id, campaign_id, round_id, user_id, channel, at, outcome, callback_at, note)
        select id, invitation_id, campaign_id, round_id, user_id, channel, at, outcome, callback_at, note from invitation_attempts`.execute(trx);
      await trx.schema.dropTable("invitation_attempts").execute();
      await trx.schema.alterTable("invitation_attempts_next").renameTo("invitation_attempts").execute();
      await trx.schema.createIndex("invitation_attempts_invitation").on("invitation_attempts").columns(["invitation_id", "at"]).execute();
      await trx.schema.createIndex("invitation_attempts_campaign_round").on("invitation_attempts").columns(["campaign_id", "round_id", "user_id"]).execute();
      const broken = await sql`pragma foreign_key_check`.execute(trx);
      if (broken.rows.length) throw new Error(`foreign key check failed after rebuilding invitation_attempts: ${JSON.stringify(broken.rows.slice(0, 3))}`);
    };
    if (db.isTransaction) await run(db);
    else await db.transaction().execute(run);
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("invite_rate_limits").execute();
  await db.schema.dropTable("invitation_links").execute();
}
