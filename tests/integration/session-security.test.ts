/**
 * Sessions and forms over HTTP on a real server: cookie flags, foreign-Origin posts refused,
 * no session fixation, sign-out ends the session on the server, tampered and expired
 * cookies count as signed out.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sessionIdFromSetCookie, signInHttp, startAppServer, type AppServer } from "../helpers/app-server";
import { TEST_ENGINE } from "../helpers/pg";

// Each test starts real servers; on a busy 2-core machine that takes a while.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

// Cookies, origins and session rows behave the same on both engines: run in the SQLite pass only.
const skipOnPg = TEST_ENGINE === "pg";
let app: AppServer;
beforeAll(async () => {
  if (!skipOnPg) app = await startAppServer();
});
afterAll(async () => {
  await app?.close();
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

async function login(headers: Record<string, string> = {}, email = "manager@demo.test") {
  return fetch(`${app.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: app.url, "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: form({ email, password: "demo1234", redirectTo: "/" }),
  });
}

async function get(path: string, cookie?: string) {
  const res = await fetch(`${app.url}${path}`, { redirect: "manual", headers: cookie ? { Cookie: cookie } : {} });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get("location") ?? "" };
}

const sessionRow = (id: string) => app.db.selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirst();
const countAttempts = async () => Number((await app.db.selectFrom("login_attempts").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

describe.skipIf(skipOnPg)("session cookie", () => {
  it("is HttpOnly, SameSite=Lax, Path=/, and Secure only behind HTTPS", async () => {
    const plain = (await login()).headers.get("set-cookie")!;
    expect(plain).toMatch(/^__session=/);
    expect(plain).toMatch(/;\s*HttpOnly/i);
    expect(plain).toMatch(/;\s*SameSite=Lax/i);
    expect(plain).toMatch(/;\s*Path=\//i);
    expect(plain).not.toMatch(/;\s*Secure/i);
    const https = (await login({ "X-Forwarded-Proto": "https" })).headers.get("set-cookie")!;
    expect(https).toMatch(/;\s*Secure/i);
    expect(https).toMatch(/;\s*HttpOnly/i);
  });

  it("carries only a random session id (no user data), signed", async () => {
    const { cookie, sessionId } = await signInHttp(app.url, "manager@demo.test");
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(decodeURIComponent(cookie)).not.toMatch(/manager|demo\.test|role/);
    expect(await sessionRow(sessionId)).toBeTruthy();
  });
});

describe.skipIf(skipOnPg)("cross-site posts", () => {
  it("refuses a POST whose Origin is another site, before any work is done", async () => {
    const before = await countAttempts();
    for (const origin of ["https://evil.example", "null", "http://127.0.0.1.evil.example", `${app.url}.evil.example`]) {
      const res = await login({ Origin: origin });
      expect(res.status, origin).toBe(403);
      expect(res.headers.get("set-cookie"), origin).toBeNull();
    }
    expect(await countAttempts()).toBe(before);
    const { cookie } = await signInHttp(app.url, "manager@demo.test");
    const logout = await fetch(`${app.url}/logout`, { method: "POST", redirect: "manual", headers: { Cookie: cookie, Origin: "https://evil.example" } });
    expect(logout.status).toBe(403);
    expect((await get("/", cookie)).status).toBe(200); // still signed in
  });

  it("accepts the same origin", async () => {
    const res = await login({ Origin: app.url });
    expect(res.status).toBe(302);
  });
});

describe.skipIf(skipOnPg)("session fixation", () => {
  it("issues a fresh id at sign-in and drops the one the browser had", async () => {
    const attacker = await signInHttp(app.url, "staff1@demo.test");
    // The victim's browser carries the attacker's cookie, then the victim signs in.
    const res = await login({ Cookie: attacker.cookie });
    const victimId = sessionIdFromSetCookie(res.headers.get("set-cookie"))!;
    expect(victimId).toBeTruthy();
    expect(victimId).not.toBe(attacker.sessionId);
    expect(await sessionRow(attacker.sessionId)).toBeUndefined();
    expect((await get("/", attacker.cookie)).location).toMatch(/^\/login/);
  });

  it("never adopts a session id chosen by the client", async () => {
    const chosen = "A".repeat(32);
    const forged = `__session=${encodeURIComponent(Buffer.from(JSON.stringify(chosen)).toString("base64"))}.forgedsignature`;
    const res = await login({ Cookie: forged });
    const id = sessionIdFromSetCookie(res.headers.get("set-cookie"));
    expect(id).not.toBe(chosen);
    expect(await sessionRow(chosen)).toBeUndefined();
  });
});

describe.skipIf(skipOnPg)("sign-out and expiry", () => {
  it("sign-out deletes the session on the server: replaying the old cookie leads to /login", async () => {
    const { cookie, sessionId } = await signInHttp(app.url, "manager@demo.test");
    expect((await get("/customers", cookie)).status).toBe(200);
    const out = await fetch(`${app.url}/logout`, { method: "POST", redirect: "manual", headers: { Cookie: cookie, Origin: app.url } });
    expect(out.status).toBe(302);
    expect(out.headers.get("location")).toBe("/login");
    expect(out.headers.get("set-cookie")).toMatch(/__session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i);
    expect(await sessionRow(sessionId)).toBeUndefined();
    const replay = await get("/customers", cookie);
    expect(replay.status).toBe(302);
    expect(replay.location).toBe("/login?redirectTo=%2Fcustomers");
  });

  it("a tampered cookie counts as signed out", async () => {
    const { cookie } = await signInHttp(app.url, "manager@demo.test");
    const tampered = cookie.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    expect((await get("/", tampered)).location).toMatch(/^\/login/);
  });

  it("an expired session counts as signed out", async () => {
    const { cookie, sessionId } = await signInHttp(app.url, "manager@demo.test");
    await app.db.updateTable("sessions").set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where("id", "=", sessionId).execute();
    expect((await get("/", cookie)).location).toMatch(/^\/login/);
  });

  it("a deactivated user is signed out at the next request", async () => {
    const { cookie } = await signInHttp(app.url, "staff2@demo.test");
    expect((await get("/", cookie)).status).toBe(200);
    await app.db.updateTable("users").set({ active: 0 }).where("email", "=", "staff2@demo.test").execute();
    try {
      expect((await get("/", cookie)).location).toMatch(/^\/login/);
    } finally {
      await app.db.updateTable("users").set({ active: 1 }).where("email", "=", "staff2@demo.test").execute();
    }
  });
});

describe("the session secret", () => {
  it("is required to serve on PostgreSQL (app servers sharing a database must share it): the server refuses to start without it", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "app/cli.ts", "serve", "--port", "0"], {
      cwd: path.resolve(__dirname, "../.."),
      // port 1 on loopback: nothing listens there, and the check comes before any connection
      env: { ...process.env, DATABASE_URL: "postgres://nobody@127.0.0.1:1/none", SESSION_SECRET: "", NODE_ENV: "production" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("SESSION_SECRET must be set");
  });
});

