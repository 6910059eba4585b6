import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect } from "vitest";
import { createDb, type DB } from "./client";
import { confirmScript, recordAttempt } from "../app/models/invitation.server";
import { makeApprovedCampaign } from "../tests/helpers/invitation-factories";
import { sqliteOnly } from "../tests/helpers/pg";

/**
 * Migration 2026_12_03_1100 rebuilds invitation_attempts on SQLite (user_id nullable, channel
 * `self`) while invitation_events refers to it: on a database with attempts and their history,
 * every row and reference stays, foreign keys are back on, ids go on after the largest.
 */
const DIR = path.resolve(__dirname, "../migrations");
const MINE = "2026_12_03_1100_invitation_links";

let db: DB | undefined;
afterEach(async () => {
  await db?.destroy();
  db = undefined;
});

describe("migration 2026_12_03_1100: self attempts", () => {
  sqliteOnly("rebuilds invitation_attempts on a database with attempts and history, keeping every row and reference", async () => {
    db = createDb("file::memory:");
    const files = fs.readdirSync(DIR).filter((f) => /^\d.*\.ts$/.test(f) && !f.endsWith(".test.ts")).sort();
    for (const f of files.filter((f) => f < `${MINE}.ts`)) await (await import(path.join(DIR, f))).up(db);
    const c = await makeApprovedCampaign(db, { customers: 4, start: true });
    await confirmScript(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor });
    const invs = await db.selectFrom("invitations").select(["id", "version"]).where("campaign_id", "=", c.campaign.id).orderBy("id").execute();
    for (const inv of invs) {
      await recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, input: { invitationId: inv.id, version: inv.version, channel: "sms", note: `n${inv.id}`, outcome: "no_answer" } });
    }
    const before = await db.selectFrom("invitation_attempts").selectAll().orderBy("id").execute();
    const eventsBefore = await db.selectFrom("invitation_events").selectAll().orderBy("id").execute();
    expect(before).toHaveLength(4);

    await (await import(path.join(DIR, `${MINE}.ts`))).up(db);

    expect(await db.selectFrom("invitation_attempts").selectAll().orderBy("id").execute()).toEqual(before);
    expect(await db.selectFrom("invitation_events").selectAll().orderBy("id").execute()).toEqual(eventsBefore);
    expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]!.foreign_keys).toBe(1);
    expect((await sql`pragma foreign_key_check`.execute(db)).rows).toEqual([]);
    const indexes = (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'invitation_attempts'`.execute(db)).rows.map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(["invitation_attempts_invitation", "invitation_attempts_campaign_round"]));
    const self = await db.insertInto("invitation_attempts").values({
      invitation_id: invs[0]!.id, campaign_id: c.campaign.id, round_id: null, user_id: null, channel: "self", at: "2026-12-05T00:00:00.000Z", outcome: "yes", callback_at: null, note: null,
    }).returning("id").executeTakeFirstOrThrow();
    expect(self.id).toBeGreaterThan(before.at(-1)!.id);
    await expect(db.insertInto("invitation_attempts").values({
      invitation_id: invs[0]!.id, campaign_id: c.campaign.id, round_id: null, user_id: null, channel: "fax", at: "x", outcome: "yes", callback_at: null, note: null,
    }).execute()).rejects.toThrow(/CHECK/);
    // the reference from the history still guards the attempts
    await expect(db.deleteFrom("invitation_attempts").where("id", "=", before[0]!.id).execute()).rejects.toThrow(/FOREIGN KEY/);
  });
});
