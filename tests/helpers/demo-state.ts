/**
 * The shared demo database of the browser tests changes as the specs run (execution.spec closes
 * the on-the-day campaign after its review). Specs that work the event day call this first, so
 * their result does not depend on the order vitest runs the files in.
 */
import Database from "better-sqlite3";
import { afterAll, beforeAll } from "vitest";
import type { DB } from "#db/client";

export const EVENT_DAY_CAMPAIGN = "养车讲堂（活动当天）";

/** The on-the-day campaign back in execution (as the demo seeds it), its frozen review figures dropped. */
export function reopenEventDay(dbFile: string) {
  const sqlite = new Database(dbFile, { fileMustExist: true });
  try {
    const c = sqlite.prepare("select id, status from campaigns where name = ?").get(EVENT_DAY_CAMPAIGN) as { id: number; status: string } | undefined;
    if (!c || c.status === "executing") return;
    sqlite.prepare("update campaigns set status = 'executing', version = version + 1 where id = ?").run(c.id);
    sqlite.prepare("update campaign_reviews set frozen_figures = null, frozen_at = null, frozen_by = null where campaign_id = ?").run(c.id);
  } finally {
    sqlite.close();
  }
}

/**
 * The demo's invitations a spec answered, put back as they were (other specs read the demo
 * campaign): their events and attempts after the ids seen before the spec removed, their rows
 * restored from `savedRows`, their links' answers and opt-outs cleared.
 */
export async function restoreInvitations(db: DB, { ids, savedRows, maxEvent, maxAttempt }: {
  ids: number[]; savedRows: Record<string, unknown>[]; maxEvent: number; maxAttempt: number;
}) {
  await db.deleteFrom("invitation_events").where("invitation_id", "in", ids).where("id", ">", maxEvent).execute();
  await db.deleteFrom("invitation_attempts").where("invitation_id", "in", ids).where("id", ">", maxAttempt).execute();
  for (const row of savedRows) {
    const { id, ...rest } = row as { id: number } & Record<string, unknown>;
    await db.updateTable("invitations").set(rest as never).where("id", "=", id).execute();
  }
  await db.updateTable("invitation_links").set({ companions: null, responded_at: null, opted_out_at: null }).where("invitation_id", "in", ids).execute();
}

/**
 * The shared demo database opened read-only for a spec's checks (from its beforeAll to its
 * afterAll): `one` row or `all` rows of a query.
 */
export function demoDbReader(dbFile: string) {
  let sqlite: Database.Database | undefined;
  beforeAll(() => {
    sqlite = new Database(dbFile, { readonly: true, fileMustExist: true });
  });
  afterAll(() => {
    sqlite?.close();
  });
  return {
    one: <T = Record<string, any>>(q: string, ...args: unknown[]) => sqlite!.prepare(q).get(...args) as T,
    all: <T = Record<string, any>>(q: string, ...args: unknown[]) => sqlite!.prepare(q).all(...args) as T[],
  };
}
