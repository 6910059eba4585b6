/**
 * A database that cannot be written: /healthz says so (503, ok:false), and a form post
 * answers 503 with the form again — the translated "could not save" message and what was
 * typed (never a password) — and never a stack trace; nothing in the database changes.
 *
 * How the faults are made (the tests run as root on CI, and root ignores file modes, so
 * `chmod a-w` proves nothing): read-only is SQLITE_READONLY=1, which db/client.ts honours by
 * opening the file read-only, exactly what SQLite does on a read-only mount; disk-full is a
 * real 16 MB tmpfs filled to the last byte, when this machine lets us mount one.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { integrityCheck } from "#db/backup";
import { summariseDatabase } from "#db/introspect";
import en from "~/locales/en/common.json";
import zh from "~/locales/zh-CN/common.json";
import { startAppServer, signInHttp, type AppServer } from "../helpers/app-server";
import { hydrated, launchBrowser, openPage } from "../helpers/browser";
import { makeCampaignIn, planFormValues } from "../helpers/campaign-factories";
import { sqliteOnly } from "../helpers/pg";

// Each test starts real servers; on a busy 2-core machine that takes a while.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const servers: AppServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function health(url: string) {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: (await res.json()) as { ok: boolean; check?: string; error?: string } };
}

async function postLogin(url: string, password = "demo1234") {
  const res = await fetch(`${url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email: "manager@demo.test", password }),
  });
  return { status: res.status, html: await res.text() };
}

/** A plain form post (as without JavaScript) by a signed-in user. */
async function postForm(url: string, cookie: string, fields: Record<string, string>) {
  const res = await fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: new URL(url).origin, "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
    body: new URLSearchParams(fields),
  });
  return { status: res.status, html: await res.text() };
}

/** Nested form values as a browser posts them: `goals.0.text`. */
function flatten(value: unknown, prefix = "", out: Record<string, string> = {}): Record<string, string> {
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined && value !== null) out[prefix] = String(value);
  return out;
}

/** Text as React writes it into HTML (text and attribute values). */
const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
/** An input that holds `value` (not only the action data in the page's script). */
const inputHolding = (value: string) => new RegExp(`<input[^>]*value="${escapeHtml(value).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`);

/** The form again: 503, the message, no stack trace. */
function expectStorageRefusal(post: { status: number; html: string }, message = zh.errors.storageUnavailable) {
  expect(post.status).toBe(503);
  expect(post.html).toContain(escapeHtml(message));
  expect(post.html).not.toMatch(/SqliteError|readonly database|at \S+ \(|node_modules|\.ts:\d+/);
}

/** The root error page, in the default language (zh-CN). */
function expectCleanErrorPage(html: string) {
  expect(html).toContain(zh.errors.serverTitle);
  expect(html).toContain(zh.errors.serverBody);
  expect(html).not.toMatch(/SqliteError|readonly database|at \S+ \(|node_modules|\.ts:\d+/);
}

describe("health and faults", () => {
  it("/healthz is ok on a healthy database (either engine)", async () => {
    const app = await startAppServer();
    servers.push(app);
    expect(await health(app.url)).toEqual({ status: 200, body: { ok: true } });
  });

  sqliteOnly("a read-only database: /healthz answers 503, form posts answer 503 with the message and what was typed, nothing changes", async () => {
    const app = await startAppServer();
    servers.push(app);
    // While writable: a signed-in manager (sessions are rows: a read-only server still reads
    // them), a campaign on its event day for the walk-in form, the ids the forms need.
    const store = await app.db.selectFrom("stores").select("id").where("code", "=", "ZZ01").executeTakeFirstOrThrow();
    const users = await app.db.selectFrom("users").select(["id", "email", "role"]).where("email", "in", ["manager@demo.test", "manager2@demo.test"]).execute();
    const actor = (email: string) => { const u = users.find((x) => x.email === email)!; return { id: u.id, role: u.role }; };
    const executing = await makeCampaignIn(app.db, store.id, "executing", actor("manager@demo.test"), actor("manager2@demo.test"));
    const customer = await app.db.selectFrom("customers").select(["id", "name"]).where("store_id", "=", store.id).orderBy("id").executeTakeFirstOrThrow();
    const draft = await app.db.selectFrom("campaigns").select(["id", "version", "segment_id"]).where("store_id", "=", store.id).where("status", "=", "draft")
      .orderBy("id").executeTakeFirstOrThrow();
    const { cookie } = await signInHttp(app.url, "manager@demo.test");

    await app.restart({ SQLITE_READONLY: "1" });
    const before = await summariseDatabase(app.db);
    const h = await health(app.url);
    expect(h.status).toBe(503);
    expect(h.body).toMatchObject({ ok: false, check: "write" });
    expect(h.body.error).toMatch(/readonly/);
    // Pages that only read still work.
    expect((await fetch(`${app.url}/login`)).status).toBe(200);
    expect((await fetch(`${app.url}/customers/${customer.id}`, { headers: { Cookie: cookie } })).status).toBe(200);

    // Sign-in (it records the attempt): the form again with the email, never the password.
    const login = await postLogin(app.url, "Typed-Secret-7731");
    expectStorageRefusal(login);
    expect(login.html).toMatch(inputHolding("manager@demo.test"));
    expect(login.html).not.toContain("Typed-Secret-7731");
    expect(login.html).not.toMatch(/<input[^>]*type="password"[^>]*value=/);
    const rightPassword = await postLogin(app.url);
    expectStorageRefusal(rightPassword);
    expect(rightPassword.html).not.toMatch(/<input[^>]*type="password"[^>]*value=/);

    // A customer edit, in English this time.
    const name = `只读 O'Neil & <王>`;
    const edit = await fetch(`${app.url}/customers/${customer.id}`, {
      method: "POST", redirect: "manual",
      headers: { Origin: app.url, "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie, "Accept-Language": "en" },
      body: new URLSearchParams([["name", name], ["phone", "13912340077"], ["gender", "F"], ["usage", "private"], ["preferences", "golf"], ["preferences", "art"]]),
    }).then(async (r) => ({ status: r.status, html: await r.text() }));
    expectStorageRefusal(edit, en.errors.storageUnavailable);
    expect(edit.html).toMatch(inputHolding(name));
    expect(edit.html).toMatch(inputHolding("13912340077"));
    expect(edit.html).toMatch(/<input[^>]*value="golf"[^>]*checked=""|<input[^>]*checked=""[^>]*value="golf"/);

    // A plan save: name and a long text come back in the plan form.
    const planName = "只读方案 “春季” & 保养";
    const background = "背景：磁盘只读时也不能丢 <这段文字>";
    const plan = await postForm(`${app.url}/campaigns/${draft.id}/plan`, cookie, {
      intent: "save", mode: "edit",
      ...flatten(planFormValues({ version: String(draft.version), name: planName, background, segmentId: draft.segment_id ? String(draft.segment_id) : "" })),
    });
    expectStorageRefusal(plan);
    expect(plan.html).toMatch(inputHolding(planName));
    expect(plan.html).toContain(`>${escapeHtml(background)}</textarea>`);

    // A walk-in on the event day (a manager may override the check-in window).
    const walkIn = await postForm(`${app.url}/campaigns/${executing.id}/execution?q=${encodeURIComponent("只读来宾")}`, cookie, {
      intent: "walkin", name: "只读来宾 甲", phone: "139-0000-7731", override: "on",
    });
    expectStorageRefusal(walkIn);
    expect(walkIn.html).toMatch(inputHolding("只读来宾 甲"));
    expect(walkIn.html).toMatch(inputHolding("139-0000-7731"));

    // Sign-out cannot delete the session: the error page (503), still signed in.
    const logout = await postForm(`${app.url}/logout`, cookie, {});
    expect(logout.status).toBe(503);
    expectCleanErrorPage(logout.html);

    expect(await summariseDatabase(app.db)).toEqual(before);
    // Back to normal: writable again, sign-in works, the file is intact.
    await app.restart();
    expect((await health(app.url)).status).toBe(200);
    await signInHttp(app.url, "manager@demo.test");
    expect(integrityCheck(app.dbFile!)).toBe("ok");
  });

  sqliteOnly("a read-only database in the browser: a customer edit shows the message and the inputs keep what was typed", async () => {
    const app = await startAppServer();
    servers.push(app);
    const customer = await app.db.selectFrom("customers").innerJoin("stores", "stores.id", "customers.store_id").select("customers.id")
      .where("stores.code", "=", "ZZ01").orderBy("customers.id").executeTakeFirstOrThrow();
    const { cookie } = await signInHttp(app.url, "manager@demo.test");
    await app.restart({ SQLITE_READONLY: "1" });
    const before = await summariseDatabase(app.db);
    const browser = await launchBrowser();
    try {
      const { context, page, errors } = await openPage(browser, { locale: "en" });
      const [cookieName, cookieValue] = cookie.split("=") as [string, string];
      await context.addCookies([{ name: cookieName, value: cookieValue, url: app.url }]);
      await page.goto(`${app.url}/customers/${customer.id}`);
      await hydrated(page);
      const form = page.locator("form", { has: page.locator('input[name="phone"]') });
      await form.locator('input[name="name"]').fill("Browser 只读 Name");
      await form.locator('input[name="phone"]').fill("13912345000");
      await form.locator('input[value="golf"]').check();
      await form.locator('button[type="submit"]').click();
      await page.getByText(en.errors.storageUnavailable).waitFor();
      expect(await form.locator('input[name="name"]').inputValue()).toBe("Browser 只读 Name");
      expect(await form.locator('input[name="phone"]').inputValue()).toBe("13912345000");
      expect(await form.locator('input[value="golf"]').isChecked()).toBe(true);
      // The browser logs the 503 itself; nothing else may go wrong on the page.
      expect(errors.filter((e) => !/status of 503/.test(e))).toEqual([]);
      await context.close();
    } finally {
      await browser.close();
    }
    expect(await summariseDatabase(app.db)).toEqual(before);
  });

  const canMount = (() => {
    if (process.platform !== "linux" || process.getuid?.() !== 0) return false;
    const probe = fs.mkdtempSync(path.join(os.tmpdir(), "cp-mount-probe-"));
    const ok = spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe]).status === 0;
    if (ok) spawnSync("umount", [probe]);
    fs.rmSync(probe, { recursive: true, force: true });
    return ok;
  })();
  const diskTest = canMount ? sqliteOnly : it.skip;

  diskTest("a full disk: /healthz answers 503 (check: disk), posts never leak a stack, and all is well once space is freed", async () => {
    const mnt = fs.mkdtempSync(path.join(os.tmpdir(), "cp-full-"));
    expect(spawnSync("mount", ["-t", "tmpfs", "-o", "size=64m", "tmpfs", mnt]).status).toBe(0);
    try {
      const app = await startAppServer({ dbFile: path.join(mnt, "app.db") });
      servers.push(app);
      expect((await health(app.url)).status).toBe(200);
      // Fill the disk to the last byte.
      const filler = path.join(mnt, "filler");
      const fd = fs.openSync(filler, "w");
      const chunk = Buffer.alloc(64 * 1024, 1);
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (e) {
        expect((e as NodeJS.ErrnoException).code).toBe("ENOSPC");
      }
      const small = Buffer.alloc(512, 1);
      try {
        for (;;) fs.writeSync(fd, small);
      } catch {
        /* full */
      }
      fs.closeSync(fd);
      const h = await health(app.url);
      expect(h.status).toBe(503);
      expect(h.body).toMatchObject({ ok: false, check: "disk" });
      // A write may still fit in pages SQLite already owns; otherwise the sign-in form comes
      // back (503, SQLITE_FULL) with the email; no stack trace leaks.
      for (let i = 0; i < 5; i++) {
        const post = await postLogin(app.url);
        expect([302, 503]).toContain(post.status);
        if (post.status === 503) {
          expectStorageRefusal(post);
          expect(post.html).toMatch(inputHolding("manager@demo.test"));
        }
      }
      fs.rmSync(filler);
      expect((await health(app.url)).status).toBe(200);
      await signInHttp(app.url, "manager@demo.test");
      await app.server.stop();
      expect(integrityCheck(app.dbFile!)).toBe("ok");
    } finally {
      for (const s of servers.splice(0)) await s.close();
      spawnSync("umount", ["-l", mnt]);
      fs.rmSync(mnt, { recursive: true, force: true });
    }
  });
});
