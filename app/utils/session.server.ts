import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createCookie, json, redirect } from "@remix-run/node";
import { dataDirFor } from "#db/client";
import type { Role } from "#db/schema";
import { getDb } from "./db.server";
import { getEnv } from "./env.server";
import { activeStoreId, canManage, canSeeAllStores } from "~/models/permissions";

const SESSION_DAYS = 7;

let cachedSecret: string | undefined;
/** SESSION_SECRET, or one generated once and kept in the data folder. */
function sessionSecret(): string {
  if (cachedSecret) return cachedSecret;
  const env = getEnv();
  if (env.SESSION_SECRET) return (cachedSecret = env.SESSION_SECRET);
  const dir = dataDirFor(env.DATABASE_URL);
  if (!dir) return (cachedSecret = crypto.randomBytes(32).toString("hex"));
  const file = path.join(dir, "session-secret");
  try {
    cachedSecret = fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(dir, { recursive: true });
    const fresh = crypto.randomBytes(32).toString("hex");
    try {
      fs.writeFileSync(file, fresh, { mode: 0o600, flag: "wx" });
      cachedSecret = fresh;
    } catch {
      cachedSecret = fs.readFileSync(file, "utf8").trim();
    }
  }
  return cachedSecret!;
}

const cookie = () =>
  createCookie("__session", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secrets: [sessionSecret()],
    maxAge: SESSION_DAYS * 24 * 3600,
  });

export function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
}

export interface SessionContext {
  sessionId: string;
  user: { id: number; displayName: string; email: string; role: Role; department: string; storeId: number };
  /** The store whose data this request sees. */
  store: { id: number; code: string; name: string; timezone: string };
  /** Stores the user may switch between (admins: every store of the group). */
  stores: { id: number; code: string; name: string }[];
}

async function readSessionId(request: Request): Promise<string | null> {
  const value = await cookie().parse(request.headers.get("Cookie"));
  return typeof value === "string" && /^[A-Za-z0-9_-]{20,}$/.test(value) ? value : null;
}

/**
 * The root loader and the route's loader both ask for the session of one request: it is
 * read once per Request object.
 */
const perRequest = new WeakMap<Request, Promise<SessionContext | null>>();
export function getSessionContext(request: Request): Promise<SessionContext | null> {
  let found = perRequest.get(request);
  if (!found) {
    found = readSessionContext(request);
    perRequest.set(request, found);
  }
  return found;
}

async function readSessionContext(request: Request): Promise<SessionContext | null> {
  const id = await readSessionId(request);
  if (!id) return null;
  const db = getDb();
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select([
      "sessions.id as sessionId", "sessions.active_store_id", "sessions.expires_at",
      "users.id as userId", "users.display_name", "users.email", "users.role", "users.department",
      "users.store_id", "users.active",
    ])
    .where("sessions.id", "=", id)
    .executeTakeFirst();
  if (!row || row.active !== 1 || row.expires_at <= new Date().toISOString()) return null;
  const stores =
    canSeeAllStores(row)
      ? await db.selectFrom("stores").select(["id", "code", "name", "timezone"]).orderBy("id").execute()
      : await db.selectFrom("stores").select(["id", "code", "name", "timezone"]).where("id", "=", row.store_id).execute();
  const wanted = activeStoreId({ role: row.role, storeId: row.store_id }, row.active_store_id);
  const store = stores.find((s) => s.id === wanted) ?? stores[0];
  if (!store) return null;
  return {
    sessionId: row.sessionId,
    user: {
      id: row.userId, displayName: row.display_name, email: row.email, role: row.role,
      department: row.department, storeId: row.store_id,
    },
    store,
    stores: stores.map(({ id, code, name }) => ({ id, code, name })),
  };
}

function loginRedirect(request: Request): never {
  const url = new URL(request.url);
  const to = url.pathname + url.search;
  throw redirect(to === "/" ? "/login" : `/login?${new URLSearchParams({ redirectTo: to })}`);
}

export async function requireUser(request: Request): Promise<SessionContext> {
  const ctx = await getSessionContext(request);
  if (!ctx) loginRedirect(request);
  return ctx;
}

/** Managers and admins; staff get 403. */
export async function requireManager(request: Request): Promise<SessionContext> {
  const ctx = await requireUser(request);
  if (!canManage(ctx.user)) throw json({ error: "forbidden" }, { status: 403 });
  return ctx;
}

/** `canManage` of the signed-in user (see ~/models/permissions). */
export const isManager = (ctx: SessionContext) => canManage(ctx.user);

/** A fresh session id at every sign-in (no fixation); any previous one is deleted. */
export async function createUserSession({ request, userId, redirectTo }: { request: Request; userId: number; redirectTo: string }) {
  const db = getDb();
  const previous = await readSessionId(request);
  if (previous) await db.deleteFrom("sessions").where("id", "=", previous).execute();
  const id = crypto.randomBytes(24).toString("base64url");
  const now = new Date();
  await db
    .insertInto("sessions")
    .values({
      id, user_id: userId, active_store_id: null, created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_DAYS * 86_400_000).toISOString(),
    })
    .execute();
  return redirect(redirectTo, {
    headers: { "Set-Cookie": await cookie().serialize(id, { secure: isHttps(request) }) },
  });
}

/** Deletes the session row (server-side sign-out) and clears the cookie. */
export async function destroySession(request: Request) {
  const id = await readSessionId(request);
  if (id) await getDb().deleteFrom("sessions").where("id", "=", id).execute();
  return redirect("/login", {
    headers: { "Set-Cookie": await cookie().serialize("", { maxAge: 0, expires: new Date(0), secure: isHttps(request) }) },
  });
}

export async function setActiveStore(ctx: SessionContext, storeId: number): Promise<boolean> {
  if (!ctx.stores.some((s) => s.id === storeId)) return false;
  await getDb().updateTable("sessions").set({ active_store_id: storeId }).where("id", "=", ctx.sessionId).execute();
  return true;
}
