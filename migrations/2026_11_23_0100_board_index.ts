import type { Kysely } from "kysely";

/**
 * The board (issue 5, speed): its grouped counts (per column, per staff member short of
 * three follow-ups) read only `invitations_board`; each column's first cards are read in the
 * column's order straight from an index (`callback_at` / `next_follow_up` / `updated_at`),
 * stopping after the window instead of sorting the whole column.
 */
const INDEXES: [string, string[]][] = [
  ["invitations_board", ["campaign_id", "holdout", "store_id", "assignee_id", "result", "attempts_count"]],
  ["invitations_board_callback", ["campaign_id", "holdout", "result", "store_id", "callback_at", "attempts_count", "id"]],
  ["invitations_board_follow_up", ["campaign_id", "holdout", "result", "store_id", "next_follow_up", "id"]],
  ["invitations_board_updated", ["campaign_id", "holdout", "result", "store_id", "updated_at", "id"]],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, columns] of INDEXES) await db.schema.createIndex(name).on("invitations").columns(columns).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of INDEXES) await db.schema.dropIndex(name).execute();
}
