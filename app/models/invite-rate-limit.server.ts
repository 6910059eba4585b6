/**
 * Request limits of the invitation page (decision 017): fixed-window counters in the database
 * (invite_rate_limits), so they hold across app servers sharing one database and survive a
 * restart. One upsert per hit counts and reads in one statement (no read-then-write race).
 */
import { sql } from "kysely";
import type { DB } from "#db/client";
import { toInt } from "#db/dialect";

const MINUTE = 60_000;

export const INVITE_LIMITS = {
  /** links that do not open (a wrong or guessed token), per client address: beyond it, every link is refused from there */
  misses: { max: 20, windowMs: 10 * MINUTE },
  /** answers and opt-outs from one client address */
  addressWrites: { max: 60, windowMs: 10 * MINUTE },
  /** answers and opt-outs on one token */
  tokenWrites: { max: 30, windowMs: 10 * MINUTE },
} as const;

export interface RateLimit {
  max: number;
  windowMs: number;
}

export class InviteRateLimited extends Error {
  constructor(public retryAfterSeconds: number) {
    super(`invitation page rate limited for ${retryAfterSeconds} s`);
  }
}

let lastPrune = 0;

const windowOf = (limit: RateLimit, now: Date) => Math.floor(now.getTime() / limit.windowMs) * limit.windowMs;

/**
 * Reads (never writes) `key`'s counter: throws InviteRateLimited when its current window is
 * already over the limit. A page view checks this way, so reading a page writes nothing.
 */
export async function checkRateLimit(db: DB, { key, limit, now = new Date() }: { key: string; limit: RateLimit; now?: Date }) {
  const start = windowOf(limit, now);
  const row = await db.selectFrom("invite_rate_limits").select(["hits", "window_start"]).where("key", "=", key).executeTakeFirst();
  if (row && row.window_start === new Date(start).toISOString() && toInt(row.hits) >= limit.max) {
    throw new InviteRateLimited(Math.max(1, Math.ceil((start + limit.windowMs - now.getTime()) / 1000)));
  }
}

/**
 * Counts one hit on `key` in the current window; throws InviteRateLimited once the window has
 * seen more than `limit.max` hits.
 */
export async function hitRateLimit(db: DB, { key, limit, now = new Date() }: { key: string; limit: RateLimit; now?: Date }) {
  const start = windowOf(limit, now);
  const windowStart = new Date(start).toISOString();
  const row = await db.insertInto("invite_rate_limits").values({ key, window_start: windowStart, hits: 1 })
    .onConflict((oc) => oc.column("key").doUpdateSet({
      hits: sql<number>`case when invite_rate_limits.window_start = excluded.window_start then invite_rate_limits.hits + 1 else 1 end`,
      window_start: sql<string>`excluded.window_start`,
    }))
    .returning("hits").executeTakeFirstOrThrow();
  if (now.getTime() - lastPrune > 10 * MINUTE) {
    lastPrune = now.getTime();
    await db.deleteFrom("invite_rate_limits").where("window_start", "<", new Date(now.getTime() - 24 * 60 * MINUTE).toISOString()).execute();
  }
  if (toInt(row.hits) > limit.max) throw new InviteRateLimited(Math.max(1, Math.ceil((start + limit.windowMs - now.getTime()) / 1000)));
}
