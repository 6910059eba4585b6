import type { DB } from "#db/client";
import type { Department, Role, User } from "#db/schema";
import { reserveLoginAttempt, settleLoginAttempt } from "./login-throttle.server";
import { hashPassword, verifyPassword } from "./password.server";

export { LoginThrottled } from "./login-throttle.server";

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
 * Checks a sign-in. The attempt is first taken from the throttling counters
 * (login-throttle.server.ts: throws LoginThrottled when the account+address pair, the account
 * or the address has had too many failures), then the password is checked, the attempt
 * settled and logged in `login_attempts`.
 */
export async function verifyLogin(
  db: DB,
  { email, password, ip, now = new Date() }: { email: string; password: string; ip: string; now?: Date },
): Promise<User | null> {
  const normalized = email.trim().toLowerCase().slice(0, 320);
  const reservation = await reserveLoginAttempt(db, { email: normalized, ip, now });
  const user = await getUserByEmail(db, normalized);
  const ok = !!user && user.active === 1 && (await verifyPassword(password, user.password_hash));
  await settleLoginAttempt(db, reservation, {
    success: ok,
    now,
    alsoWrite: (trx) => trx.insertInto("login_attempts").values({ email: normalized, ip, success: ok ? 1 : 0, at: now.toISOString() }).execute(),
  });
  return ok ? user! : null;
}
