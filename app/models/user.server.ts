import type { DB } from "#db/client";
import type { Department, Role, User } from "#db/schema";
import { hashPassword, verifyPassword } from "./password.server";

export const LOGIN_WINDOW_MINUTES = 15;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_IP = 20;

export class LoginThrottled extends Error {
  constructor(public retryAfterMinutes: number) {
    super("login throttled");
  }
}

export async function createUser(
  db: DB,
  input: { storeId: number; email: string; password: string; displayName: string; role: Role; department?: Department },
): Promise<User> {
  const now = new Date().toISOString();
  return db
    .insertInto("users")
    .values({
      store_id: input.storeId,
      email: input.email.trim().toLowerCase(),
      password_hash: await hashPassword(input.password),
      display_name: input.displayName,
      role: input.role,
      department: input.department ?? "after_sales",
      active: 1,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function getUserByEmail(db: DB, email: string) {
  return db.selectFrom("users").selectAll().where("email", "=", email.trim().toLowerCase()).executeTakeFirst();
}

export function listStoreUsers(db: DB, { storeId }: { storeId: number }) {
  return db
    .selectFrom("users")
    .select(["id", "display_name", "email", "role", "department", "active"])
    .where("store_id", "=", storeId)
    .orderBy("display_name")
    .execute();
}

/**
 * Checks a sign-in. Throws LoginThrottled when the account (from any address) or the
 * address (for any account) has too many recent failures; otherwise records the attempt.
 */
export async function verifyLogin(
  db: DB,
  { email, password, ip, now = new Date() }: { email: string; password: string; ip: string; now?: Date },
): Promise<User | null> {
  const normalized = email.trim().toLowerCase();
  const since = new Date(now.getTime() - LOGIN_WINDOW_MINUTES * 60_000).toISOString();
  const [byAccount, byIp] = await Promise.all([
    db.selectFrom("login_attempts").select((eb) => eb.fn.countAll().as("n"))
      .where("email", "=", normalized).where("success", "=", 0).where("at", ">", since).executeTakeFirst(),
    db.selectFrom("login_attempts").select((eb) => eb.fn.countAll().as("n"))
      .where("ip", "=", ip).where("success", "=", 0).where("at", ">", since).executeTakeFirst(),
  ]);
  if (Number(byAccount?.n ?? 0) >= MAX_FAILURES_PER_ACCOUNT || Number(byIp?.n ?? 0) >= MAX_FAILURES_PER_IP) {
    throw new LoginThrottled(LOGIN_WINDOW_MINUTES);
  }
  const user = await getUserByEmail(db, normalized);
  const ok = !!user && user.active === 1 && (await verifyPassword(password, user.password_hash));
  await db
    .insertInto("login_attempts")
    .values({ email: normalized.slice(0, 320), ip, success: ok ? 1 : 0, at: now.toISOString() })
    .execute();
  return ok ? user! : null;
}
