/**
 * The shared demo database of the browser tests changes as the specs run (execution.spec closes
 * the on-the-day campaign after its review). Specs that work the event day call this first, so
 * their result does not depend on the order vitest runs the files in.
 */
import Database from "better-sqlite3";

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
