/**
 * The invitation page's HTTP edges (decision 017): its rate limits (database counters, see
 * invite-rate-limit.server.ts) answered with 429 and Retry-After, and one 404 for every link that
 * does not open — the same body whatever the reason, so it tells nothing about any campaign.
 */
import { json } from "@remix-run/node";
import type { DB } from "#db/client";
import { checkRateLimit, hitRateLimit, INVITE_LIMITS, InviteRateLimited } from "~/models/invite-rate-limit.server";
import { clientIp, isStorageFailure } from "./http.server";
import { getEnv } from "./env.server";

export function inviteNotFound(): never {
  throw json({ error: "not_found" }, { status: 404, headers: { "Cache-Control": "no-store" } });
}

function tooMany(e: InviteRateLimited): never {
  throw json({ error: "too_many_requests" }, { status: 429, headers: { "Retry-After": String(e.retryAfterSeconds), "Cache-Control": "no-store" } });
}

async function guard(run: () => Promise<void>) {
  try {
    await run();
  } catch (e) {
    if (e instanceof InviteRateLimited) tooMany(e);
    // a database that cannot be written right now (read-only, full disk) must not hide the page
    if (isStorageFailure(e)) return;
    throw e;
  }
}

const addressKey = (request: Request, context: unknown) => clientIp(request, context);

/**
 * Before a link is looked up: an address that has tried too many links that do not open is
 * refused (429) for the rest of the window. Reads only: a page view writes nothing.
 */
export const inviteCheckAddress = (db: DB, request: Request, context: unknown) =>
  guard(() => checkRateLimit(db, { key: `miss:${addressKey(request, context)}`, limit: INVITE_LIMITS.misses }));

/** A link that does not open: counted against the address, then the same 404 for every reason. */
export async function inviteMiss(db: DB, request: Request, context: unknown): Promise<never> {
  await guard(() => hitRateLimit(db, { key: `miss:${addressKey(request, context)}`, limit: INVITE_LIMITS.misses })).catch(() => {});
  inviteNotFound();
}

/** An answer or opt-out about to be written: counted per address and per token (429 beyond the limits). */
export async function inviteCountWrite(db: DB, request: Request, context: unknown, token: string) {
  await guard(() => hitRateLimit(db, { key: `post:${addressKey(request, context)}`, limit: INVITE_LIMITS.addressWrites }));
  await guard(() => hitRateLimit(db, { key: `token:${token.slice(0, 64)}`, limit: INVITE_LIMITS.tokenWrites }));
}

/**
 * The address links point to: PUBLIC_URL when set, otherwise the origin the request came to
 * (the server's own address).
 */
export function publicBaseUrl(request: Request): string {
  return getEnv().PUBLIC_URL ?? new URL(request.url).origin;
}

/** The page's form schema, reached through this server-only module so the page's bundle carries no zod. */
export { InviteFormSchema } from "~/models/invite.schema";
