/**
 * Two app servers on one database behave as one (issue 14): two `cli serve` processes (one
 * worker each) on the same SQLite file (WAL) or — with TEST_ENGINE=pg — the same PostgreSQL
 * database. A session made on one is valid on the other and ends on both when signed out on
 * either; the sign-in limit holds across them; an import started on one shows its progress and
 * summary on the other, which refuses a second import of the store meanwhile; with both
 * servers' message dispatchers running, every queued message and reminder is sent exactly once.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { toInt } from "#db/dialect";
import { dueReminderKinds } from "~/models/outbox.server";
import { localNow } from "~/utils/format";
import { signInHttp, startAppServer, type AppServer } from "../helpers/app-server";
import { ensureBuild } from "../helpers/build";
import { startFakeGateway, type FakeGateway } from "../helpers/fake-gateway";
import { startServer, type RunningServer } from "../helpers/server";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const SECRET = "inbound-secret-0123456789abcdef";
let gw: FakeGateway;
let a: AppServer;
let b: RunningServer;
/** both servers, by name, for tests that do the same thing on each */
let servers: { name: "A" | "B"; url: string }[];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cp-two-servers-"));

beforeAll(async () => {
  gw = await startFakeGateway({ secret: SECRET });
  const env = { MESSAGE_SENDER: "http", SMS_WEBHOOK_URL: gw.url, SMS_WEBHOOK_SECRET: SECRET, MESSAGE_DISPATCH_MS: "150", PUBLIC_URL: "" };
  a = await startAppServer({ env });
  // The second app server: its own process on the same database, same secret (startServer's), one worker.
  b = await startServer({ dbFile: a.dbFile ?? "/nonexistent", env: { ...env, BUILD_DIR: await ensureBuild(), DATABASE_URL: a.databaseUrl, PG_POOL_MAX: "5", WORKERS: "1" } });
  servers = [{ name: "A", url: a.url }, { name: "B", url: b.url }];
});

afterAll(async () => {
  await b?.stop("SIGKILL");
  await a?.close();
  await gw?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** a request on a new connection (no keep-alive pool shared across the two servers' tests) */
const get = (url: string, cookie = "") =>
  fetch(url, { redirect: "manual", headers: { Cookie: cookie, Connection: "close", "Accept-Language": "en" }, signal: AbortSignal.timeout(30_000) })
    .then(async (r) => ({ status: r.status, location: r.headers.get("location"), text: await r.text() }));
const post = (base: string, route: string, body: URLSearchParams | FormData, cookie = "") =>
  fetch(`${base}${route}`, {
    method: "POST", redirect: "manual", body, signal: AbortSignal.timeout(60_000),
    headers: { Cookie: cookie, Origin: base, Connection: "close", "Accept-Language": "en" },
  }).then(async (r) => ({ status: r.status, location: r.headers.get("location"), text: await r.text() }));

/** polls `fn` until it returns a value other than undefined */
async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

describe("two app servers on one database", () => {
  it("are two processes on two ports, on one database", () => {
    expect(a.url).not.toBe(b.url);
    expect(a.server.process.pid).not.toBe(b.process.pid);
    expect(b.output()).toMatch(/listening on http:\/\/localhost:\d+/);
  });

  it("a session made on one is valid on the other; signing out on either ends it on both", async () => {
    for (const [from, to] of [[servers[0]!, servers[1]!], [servers[1]!, servers[0]!]]) {
      const { cookie, sessionId } = await signInHttp(from.url, "manager@demo.test");
      for (const s of servers) {
        const page = await get(`${s.url}/campaigns`, cookie);
        expect(page.status, `session from ${from.name} on ${s.name}`).toBe(200);
        expect(page.text).not.toContain('name="password"');
      }
      // signed out on the other server
      const out = await post(to.url, "/logout", new URLSearchParams(), cookie);
      expect(out.status).toBe(302);
      expect(await a.db.selectFrom("sessions").select("id").where("id", "=", sessionId).executeTakeFirst()).toBeUndefined();
      for (const s of servers) {
        const page = await get(`${s.url}/campaigns`, cookie);
        expect(page.status, `signed out on ${to.name}, then ${s.name}`).toBe(302);
        expect(page.location).toMatch(/^\/login/);
      }
    }
  });

  it("24 parallel wrong passwords spread over both servers evaluate at most 5; the account is then refused on both", async () => {
    const email = "staff2@demo.test";
    const attempt = (base: string, password: string) => post(base, "/login", new URLSearchParams({ email, password }));
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => attempt(servers[i % 2]!.url, "wrong-password").then((r) => r.status)));
    const evaluated = Number((await a.db.selectFrom("login_attempts").select((eb) => eb.fn.countAll().as("n")).where("email", "=", email).executeTakeFirstOrThrow()).n);
    expect(evaluated).toBeGreaterThan(0);
    expect(evaluated).toBeLessThanOrEqual(5);
    expect(results.filter((s) => s === 400)).toHaveLength(evaluated);
    expect(results.filter((s) => s === 429)).toHaveLength(24 - evaluated);
    // each server answered some of them
    expect(results.filter((_, i) => i % 2 === 0).length).toBe(12);
    // the right password is refused now, on both servers, and nothing more is evaluated
    for (const s of servers) {
      const r = await attempt(s.url, "demo1234");
      expect(r.status, `right password on ${s.name}`).toBe(429);
    }
    const after = Number((await a.db.selectFrom("login_attempts").select((eb) => eb.fn.countAll().as("n")).where("email", "=", email).executeTakeFirstOrThrow()).n);
    expect(after).toBe(evaluated);
    // another account is not affected, on either server
    for (const s of servers) await signInHttp(s.url, "staff3@demo.test");
  });

  it("an import started on one server shows its progress and its summary on the other, which refuses a second import meanwhile", async () => {
    const VISITS = 80_000;
    const P = `TS${Date.now().toString(36).toUpperCase()}`;
    const files = {
      customers: ["customer_code,name,phone,gender,usage,preferences,do_not_contact", `${P}C1,大客户,13900008888,M,commercial,,0`].join("\n") + "\n",
      vehicles: ["vin,customer_code,plate,model,purchase_date,warranty_end,insurance_expiry,mileage_km", `${P}V1,${P}C1,,,,,,`].join("\n") + "\n",
      visits: "",
    };
    const lines = ["ro_number,vin,visit_date,type,amount"];
    for (let i = 0; i < VISITS; i++) lines.push(`${P}L${i},${P}V1,2025-0${1 + (i % 9)}-15,care,${i % 1000}.5`);
    files.visits = lines.join("\n") + "\n";
    const form = (only?: (keyof typeof files)[]) => {
      const f = new FormData();
      for (const k of only ?? (Object.keys(files) as (keyof typeof files)[])) f.append(k, new Blob([files[k]], { type: "text/csv" }), `${k}.csv`);
      return f;
    };
    const jobsBefore = await a.db.selectFrom("import_jobs").select("id").execute();

    const { cookie: onA } = await signInHttp(a.url, "manager@demo.test");
    const { cookie: onB } = await signInHttp(b.url, "manager2@demo.test");
    const started = await post(a.url, "/customers/import", form(), onA);
    expect(started.status, started.text.slice(0, 300)).toBe(302);
    const jobId = Number(/^\/customers\/import\/(\d+)$/.exec(started.location ?? "")?.[1]);
    expect(jobId).toBeGreaterThan(0);

    // B sees the running import's progress bar
    const progressOn = (html: string) => {
      const tag = /<progress[^>]*data-testid="import-progress"[^>]*>/.exec(html)?.[0];
      if (!tag) return null;
      return { phase: /data-phase="(\w+)"/.exec(tag)?.[1] ?? "", value: Number(/\svalue="(\d+)"/.exec(tag)?.[1]) };
    };
    const first = await until("the progress bar on B", async () => {
      const page = await get(`${b.url}/customers/import/${jobId}`, onB);
      expect(page.status).toBe(200);
      return progressOn(page.text) ?? undefined;
    }, 30_000, 20);
    expect(first.phase).toMatch(/^(queued|reading|writing)$/);

    // a second import of the store, uploaded to B while the first runs, is refused as on one server
    const second = await post(b.url, "/customers/import", form(["customers"]), onB);
    const active = await a.db.selectFrom("import_jobs").select("status").where("id", "=", jobId).executeTakeFirstOrThrow();
    expect({ second: second.status, first: active.status }).toEqual({ second: 409, first: expect.stringMatching(/^(running|applying)$/) });
    expect(second.text).toContain("An import is already running for this store");
    expect((await a.db.selectFrom("import_jobs").select("id").execute()).length).toBe(jobsBefore.length + 1);

    // B's page follows it to the end: the bar moves (through writing), then the summary replaces it
    const seen = new Set<string>([`${first.phase} ${first.value}`]);
    const summary = await until("the summary on B", async () => {
      const page = await get(`${b.url}/customers/import/${jobId}`, onB);
      expect(page.status).toBe(200);
      const bar = progressOn(page.text);
      if (bar) seen.add(`${bar.phase} ${bar.value}`);
      return page.text.includes('data-testid="import-summary"') ? page.text : undefined;
    }, 90_000, 20);
    expect(seen.size, [...seen].join(", ")).toBeGreaterThan(1);
    expect([...seen].some((s) => s.startsWith("writing")), [...seen].join(", ")).toBe(true);
    const visitsRow = /<tr data-file="visits">([\s\S]*?)<\/tr>/.exec(summary)?.[1] ?? "";
    const cells = [...visitsRow.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(cells.slice(0, 4)).toEqual([VISITS.toLocaleString("en-US"), VISITS.toLocaleString("en-US"), "0", "0"]);
    // the same on A
    expect((await get(`${a.url}/customers/import/${jobId}`, onA)).text).toContain('data-testid="import-summary"');

    // the store is free again: B takes the next import
    const next = await post(b.url, "/customers/import", form(["customers"]), onB);
    expect(next.status, next.text.slice(0, 300)).toBe(302);
    const nextId = Number(/(\d+)$/.exec(next.location ?? "")?.[1]);
    await until("the next import's summary on A", async () => {
      const page = await get(`${a.url}/customers/import/${nextId}`, onA);
      return page.text.includes('data-testid="import-summary"') ? true : undefined;
    }, 30_000);
  });

  it("with both servers' dispatchers running, every queued message and every reminder is sent exactly once", async () => {
    const store = await a.db.selectFrom("stores").select(["id", "timezone"]).where("code", "=", "ZZ01").executeTakeFirstOrThrow();
    const campaign = await a.db.selectFrom("campaigns").select("id").where("store_id", "=", store.id).where("status", "=", "inviting").orderBy("id").executeTakeFirstOrThrow();
    // Each request waits a little at the gateway, so that a batch takes a while to send and the
    // other server's dispatcher ticks meanwhile; the row's lease holder at that moment says who sent it.
    const senders = new Map<string, Set<string>>(); // idempotency key → lease holders' pids
    gw.onRequest = async (r) => {
      const row = await a.db.selectFrom("outbox").select("claimed_by").where("idempotency_key", "=", r.key!).executeTakeFirst();
      const pid = row?.claimed_by?.split(":")[1] ?? "?";
      senders.set(r.key!, (senders.get(r.key!) ?? new Set()).add(pid));
      await new Promise((res) => setTimeout(res, 15));
    };
    gw.requests.length = 0;
    /** the campaign's invitations a message may go to */
    const contactable = () => a.db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id").select("invitations.id")
      .where("invitations.campaign_id", "=", campaign.id).where("invitations.holdout", "=", 0).where("customers.do_not_contact", "=", 0)
      .where("customers.phone", "is not", null).orderBy("invitations.id");
    const unclaimed = async (kind: string) => {
      const held = await a.db.selectFrom("outbox").select("id").where("campaign_id", "=", campaign.id).where("kind", "=", kind as "invite").where("claimed_by", "is not", null).execute();
      return held.length ? undefined : true;
    };
    try {
      const expected = await contactable().execute();
      expect(expected.length).toBeGreaterThan(50); // more than one dispatcher's batch
      const { cookie } = await signInHttp(b.url, "manager@demo.test");
      const queued = await post(b.url, `/campaigns/${campaign.id}/invitations`, new URLSearchParams({ intent: "send_messages" }), cookie);
      expect(queued.status).toBe(302);
      expect(queued.location).toContain(`done=messages&n=${expected.length}`);
      await until("every message sent", async () => {
        const left = await a.db.selectFrom("outbox").select("id").where("campaign_id", "=", campaign.id).where("kind", "=", "invite").where("status", "=", "queued").execute();
        return left.length ? undefined : true;
      });
      // a send happens while its dispatcher holds the row's lease: none held, none in flight
      await until("no message held by a dispatcher", () => unclaimed("invite"));
      const rows = await a.db.selectFrom("outbox").select(["idempotency_key", "status", "attempts"]).where("campaign_id", "=", campaign.id).where("kind", "=", "invite").execute();
      expect(rows.length).toBe(expected.length);
      expect(rows.filter((r) => r.status !== "sent" || toInt(r.attempts) !== 1)).toEqual([]);
      const keys = gw.requests.map((r) => r.key!).filter((k) => k.startsWith("invite:"));
      expect(keys.length).toBe(expected.length); // none sent twice, none lost
      expect(new Set(keys)).toEqual(new Set(rows.map((r) => r.idempotency_key)));
      expect(gw.requests.every((r) => r.signatureOk)).toBe(true);
      // both servers sent some (each request was made while its sender held the row's lease)
      const pids = new Set([...senders.values()].flatMap((s) => [...s]));
      expect(pids).toEqual(new Set([String(a.server.process.pid), String(b.process.pid)]));

      // reminders: the event starts in 40 minutes (store time); both dispatchers arm the reminder due now
      const eventStart = localNow(store.timezone, new Date(Date.now() + 40 * 60_000));
      const kinds = dueReminderKinds(eventStart, localNow(store.timezone));
      expect(kinds.length).toBe(1);
      const targets = await contactable().limit(80).execute();
      await a.db.updateTable("invitations").set({ result: "yes" }).where("id", "in", targets.map((t) => t.id)).execute();
      gw.requests.length = 0;
      senders.clear();
      await a.db.updateTable("campaigns").set({ event_start: eventStart }).where("id", "=", campaign.id).execute();
      const suffix = `:${eventStart}`;
      await until("the reminders armed and sent", async () => {
        const rows = await a.db.selectFrom("outbox").select(["idempotency_key", "status"]).where("campaign_id", "=", campaign.id).where("kind", "=", kinds[0]!).execute();
        const armed = new Set(rows.map((r) => r.idempotency_key));
        return targets.every((t) => armed.has(`reminder:${kinds[0]}:${t.id}${suffix}`)) && rows.every((r) => r.status === "sent") ? true : undefined;
      });
      await until("no reminder held by a dispatcher", () => unclaimed(kinds[0]!));
      // every reminder armed (one row per key, whichever dispatcher armed it) reached the gateway once
      const reminderRows = await a.db.selectFrom("outbox").select(["idempotency_key", "status", "attempts"]).where("campaign_id", "=", campaign.id).where("kind", "=", kinds[0]!).execute();
      const want = reminderRows.map((r) => r.idempotency_key).sort();
      expect(want.length).toBeGreaterThanOrEqual(targets.length);
      expect(want.every((k) => k.endsWith(suffix))).toBe(true);
      expect(reminderRows.filter((r) => r.status !== "sent" || toInt(r.attempts) !== 1)).toEqual([]);
      const reminderKeys = gw.requests.map((r) => r.key!).filter((k) => k.startsWith(`reminder:${kinds[0]}:`) && k.endsWith(suffix)).sort();
      expect(reminderKeys).toEqual(want);
      expect(new Set([...senders.entries()].filter(([k]) => want.includes(k)).flatMap(([, s]) => [...s]))).toEqual(new Set([String(a.server.process.pid), String(b.process.pid)]));
    } finally {
      gw.onRequest = null;
    }
  });
});
