/**
 * Sign-in throttling (decision 014). Three counters limit failed sign-ins:
 * - the account **and** address pair, first: five tries, then each further try waits a delay
 *   that doubles (1, 2, 4 … minutes, at most 30). A stranger guessing from another address
 *   only slows their own pair down; the user signing in from their own address is not touched;
 * - the account from every address: a high ceiling (100 an hour) against guessing spread
 *   over many addresses;
 * - the address over every account: 50 in 15 minutes, against one address trying many accounts.
 * An attempt is *taken* before the password is checked — counted as a failure under a row lock,
 * in one transaction with the check of the limits — and given back when it succeeds. So a burst
 * of parallel attempts cannot evaluate more than the limit (25 at once evaluate five), and the
 * counters hold across app servers sharing one database.
 */
import type { DB } from "#db/client";
import { lockingRead } from "#db/dialect";
import type { LoginThrottleTable } from "#db/schema";

const MINUTE = 60_000;

export const LOGIN_LIMITS = {
  /** tries of one account from one address before each next one waits */
  pairFree: 5,
  /** the wait after the last free try; it doubles with each further failure … */
  pairFirstDelayMs: MINUTE,
  /** … up to this */
  pairMaxDelayMs: 30 * MINUTE,
  /** a pair's count starts again this long after its last failure (or at a success) */
  pairForgetMs: 24 * 60 * MINUTE,
  /** failures of one account from every address, per window */
  accountMax: 100,
  accountWindowMs: 60 * MINUTE,
  /** failures from one address over every account, per window */
  addressMax: 50,
  addressWindowMs: 15 * MINUTE,
} as const;

export type ThrottleScope = "pair" | "account" | "address";

export class LoginThrottled extends Error {
  constructor(public retryAfterMinutes: number, public scope: ThrottleScope) {
    super(`login throttled (${scope}) for ${retryAfterMinutes} min`);
  }
}

/** An attempt taken (counted as a failure) and not yet settled. */
export interface LoginReservation {
  keys: Record<ThrottleScope, string>;
  /** the account's and address's window the attempt was counted in */
  windows: { account: string; address: string };
}

export function throttleKeys(email: string, ip: string): Record<ThrottleScope, string> {
  return { pair: `pair:${email}|${ip}`, account: `account:${email}`, address: `address:${ip}` };
}

const SCOPES: ThrottleScope[] = ["account", "address", "pair"]; // the keys' sort order ("account:" < "address:" < "pair:")

type Row = Pick<LoginThrottleTable, "failures" | "window_start" | "blocked_until" | "updated_at">;

/** The row as it stands at `now`: a window that is over (or a pair quiet for a day) starts again. */
function current(scope: ThrottleScope, row: Row | undefined, now: number, nowIso: string): Row {
  const fresh = { failures: 0, window_start: nowIso, blocked_until: null, updated_at: nowIso };
  if (!row) return fresh;
  const over = scope === "pair"
    ? now - Date.parse(row.updated_at) >= LOGIN_LIMITS.pairForgetMs
    : now - Date.parse(row.window_start) >= (scope === "account" ? LOGIN_LIMITS.accountWindowMs : LOGIN_LIMITS.addressWindowMs);
  return over ? fresh : row;
}

/** Until when a key is blocked once it counts `failures` (null: not blocked). */
export function blockedUntil(scope: ThrottleScope, failures: number, windowStart: string, now: number): string | null {
  if (scope === "pair") {
    if (failures < LOGIN_LIMITS.pairFree) return null;
    const delay = Math.min(LOGIN_LIMITS.pairFirstDelayMs * 2 ** (failures - LOGIN_LIMITS.pairFree), LOGIN_LIMITS.pairMaxDelayMs);
    return new Date(now + delay).toISOString();
  }
  const [max, window] = scope === "account"
    ? [LOGIN_LIMITS.accountMax, LOGIN_LIMITS.accountWindowMs]
    : [LOGIN_LIMITS.addressMax, LOGIN_LIMITS.addressWindowMs];
  return failures >= max ? new Date(Date.parse(windowStart) + window).toISOString() : null;
}

let lastPrune = 0;
/** Removes counters nobody has touched for a day and that block nothing (at most every 10 minutes per process). */
export async function pruneLoginThrottle(db: DB, now = new Date(), force = false) {
  if (!force && now.getTime() - lastPrune < 10 * MINUTE) return;
  lastPrune = now.getTime();
  const nowIso = now.toISOString();
  const before = new Date(now.getTime() - LOGIN_LIMITS.pairForgetMs).toISOString();
  await db.deleteFrom("login_throttle").where("updated_at", "<", before)
    .where((eb) => eb.or([eb("blocked_until", "is", null), eb("blocked_until", "<", nowIso)])).execute();
}

/**
 * Takes one sign-in attempt for (email, ip): throws LoginThrottled when any of its keys is
 * blocked; otherwise counts it as a failure on every key — the check and the count in one
 * transaction, under row locks — and returns the reservation to settle once the password is
 * checked.
 */
export async function reserveLoginAttempt(db: DB, { email, ip, now = new Date() }: { email: string; ip: string; now?: Date }): Promise<LoginReservation> {
  const keys = throttleKeys(email, ip);
  const at = now.getTime();
  const nowIso = now.toISOString();
  await pruneLoginThrottle(db, now);
  const outcome = await db.transaction().execute(async (trx) => {
    // The rows exist first (inserted in key order, as they are then locked: parallel attempts on
    // the same keys wait for each other in one order, never in a cycle).
    await trx.insertInto("login_throttle")
      .values(SCOPES.map((s) => ({ key: keys[s], failures: 0, window_start: nowIso, blocked_until: null, updated_at: nowIso })))
      .onConflict((oc) => oc.column("key").doNothing()).execute();
    const rows = await lockingRead(trx, trx.selectFrom("login_throttle").selectAll()
      .where("key", "in", SCOPES.map((s) => keys[s])).orderBy("key")).execute();
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const state = Object.fromEntries(SCOPES.map((s) => [s, current(s, byKey.get(keys[s]), at, nowIso)])) as Record<ThrottleScope, Row>;
    const blocked = SCOPES.filter((s) => state[s].blocked_until !== null && state[s].blocked_until! > nowIso)
      .sort((a, b) => (state[b].blocked_until! > state[a].blocked_until! ? 1 : -1));
    if (blocked.length) return { blocked: { scope: blocked[0]!, until: Date.parse(state[blocked[0]!].blocked_until!) }, taken: null };
    for (const s of SCOPES) {
      const failures = state[s].failures + 1;
      const row = { failures, window_start: state[s].window_start, blocked_until: blockedUntil(s, failures, state[s].window_start, at), updated_at: nowIso };
      await trx.updateTable("login_throttle").set(row).where("key", "=", keys[s]).execute();
    }
    return { blocked: null, taken: { account: state.account.window_start, address: state.address.window_start } };
  });
  if (outcome.blocked) throw new LoginThrottled(Math.max(1, Math.ceil((outcome.blocked.until - at) / MINUTE)), outcome.blocked.scope);
  return { keys, windows: outcome.taken! };
}

/**
 * Settles a taken attempt. A failure stays counted. A success gives the attempt back: the
 * pair starts again from nothing, and the account's and address's counts (if still in the
 * same window) drop by the one it had added. `alsoWrite` (the attempt's log row) is written in
 * the same transaction.
 */
export async function settleLoginAttempt(
  db: DB,
  reservation: LoginReservation,
  { success, now = new Date(), alsoWrite }: { success: boolean; now?: Date; alsoWrite?: (q: DB) => Promise<unknown> },
) {
  if (!success) {
    if (alsoWrite) await alsoWrite(db);
    return;
  }
  const { keys, windows } = reservation;
  const at = now.getTime();
  // One short write transaction (on SQLite every write waits for the one lock).
  await db.transaction().execute(async (trx) => {
    if (alsoWrite) await alsoWrite(trx);
    const rows = await lockingRead(trx, trx.selectFrom("login_throttle").selectAll()
      .where("key", "in", [keys.account, keys.address]).orderBy("key")).execute();
    for (const row of rows) {
      const scope: ThrottleScope = row.key === keys.account ? "account" : "address";
      if (row.window_start !== windows[scope] || row.failures <= 0) continue;
      const failures = row.failures - 1;
      await trx.updateTable("login_throttle")
        .set({ failures, blocked_until: blockedUntil(scope, failures, row.window_start, at) })
        .where("key", "=", row.key).execute();
    }
    await trx.deleteFrom("login_throttle").where("key", "=", keys.pair).execute();
  });
}
