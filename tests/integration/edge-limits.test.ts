/**
 * Hostile requests against the real server (issue 10), one test per limit: each is answered by
 * a 4xx — never a 5xx — while the server keeps answering others. Times are measured by
 * `npm run bench -- edge`, never asserted here.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ensureBuild } from "../helpers/build";
import { signInHttp, startAppServer, type AppServer } from "../helpers/app-server";
import { startServer, type RunningServer } from "../helpers/server";

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const MB = 1024 * 1024;
const PUBLIC_URL = "http://campaigns.example:8080";
/** server A: the defaults, with a small upload limit to test it */
let app: AppServer;
/** a second server process on A's database (two app servers sharing it) */
let twin: RunningServer;
/** server B: behind one proxy (TRUST_PROXY=1), with PUBLIC_URL, on every interface */
let proxied: AppServer;
let manager = "";

beforeAll(async () => {
  [app, proxied] = await Promise.all([
    startAppServer({ env: { MAX_UPLOAD_MB: "3" } }),
    startAppServer({ env: { TRUST_PROXY: "1", PUBLIC_URL, HOST: "0.0.0.0" } }),
  ]);
  twin = await startServer({ dbFile: app.dbFile ?? "/nonexistent", env: { BUILD_DIR: await ensureBuild(), DATABASE_URL: app.databaseUrl, PG_POOL_MAX: "5" } });
  manager = (await signInHttp(app.url, "manager@demo.test")).cookie;
});
afterAll(async () => {
  await twin?.stop("SIGKILL");
  await Promise.all([app?.close(), proxied?.close()]);
});

const FORM = "application/x-www-form-urlencoded";
const post = (url: string, body: BodyInit, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", redirect: "manual", body, headers: { "Content-Type": FORM, Origin: new URL(url).origin, ...headers }, duplex: "half" } as RequestInit)
    .then(async (r) => ({ status: r.status, text: await r.text(), headers: r.headers }));
const healthz = (url: string) => fetch(`${url}/healthz`).then(async (r) => ({ status: r.status, body: await r.json() }));
const chunks = (n: number, size: number) => new ReadableStream<Uint8Array>({
  start(c) {
    for (let i = 0; i < n; i++) c.enqueue(new Uint8Array(size).fill(0x61));
    c.close();
  },
});
/** A request with the Host header as given (fetch sets its own). */
function raw(url: string, { method = "POST", headers = {}, body = "" }: { method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(url, { method, headers: { "Content-Type": FORM, "Content-Length": Buffer.byteLength(body), ...headers } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode!, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
const attemptsFor = async (email: string) =>
  Number((await app.db.selectFrom("login_attempts").select((eb) => eb.fn.countAll().as("n")).where("email", "=", email).executeTakeFirstOrThrow()).n);
/** the server's log since `from` */
const logSince = (server: RunningServer, from: number) => server.output().slice(from);

describe("request limits at the edge", () => {
  it("20,000 repeated fields to /login are a 413 while /healthz answers", async () => {
    const [flood, health] = await Promise.all([post(`${app.url}/login`, Array(20_000).fill("z=1").join("&")), healthz(app.url)]);
    expect(flood.status).toBe(413);
    expect(flood.text).toMatch(/more than 5000 fields/);
    expect(health).toEqual({ status: 200, body: { ok: true } });
  });

  it("a 50 MB body is a 413, declared or sent without a length", async () => {
    const declared = await post(`${app.url}/login`, new Uint8Array(50 * MB).fill(0x61));
    expect(declared.status).toBe(413);
    expect(declared.text).toMatch(/larger than the server accepts \(1 MB\)/);
    expect(declared.text).toMatch(/请求内容超过/);
    expect((await post(`${app.url}/login`, chunks(32, 64 * 1024))).status).toBe(413);
    expect((await healthz(app.url)).status).toBe(200);
  });

  it("JSON nested 20,000 deep is a 400; a form posted to the JSON endpoint is a 415", async () => {
    const move = `${app.url}/campaigns/1/board/move`;
    const deep = await post(move, "[".repeat(20_000) + "]".repeat(20_000), { "Content-Type": "application/json", Cookie: manager });
    expect(deep.status).toBe(400);
    expect(JSON.parse(deep.text)).toMatchObject({ ok: false, error: "too_deep" });
    const form = await post(move, "invitationId=1", { Cookie: manager });
    expect(form.status).toBe(415);
  });

  it("an upload has its own limit: a 2 MB CSV reaches the import, a 4 MB one is a 413, and 2 MB elsewhere is a 413", async () => {
    const csv = (bytes: number) => {
      const fd = new FormData();
      fd.append("customers", new Blob(["customer_code,name\n", "x".repeat(bytes)], { type: "text/csv" }), "customers.csv");
      return fd;
    };
    const upload = (fd: FormData, path = "/customers/import") =>
      fetch(`${app.url}${path}`, { method: "POST", redirect: "manual", body: fd, headers: { Cookie: manager, Origin: app.url } }).then(async (r) => ({ status: r.status, text: await r.text() }));
    const ok = await upload(csv(2 * MB));
    expect(ok.status).not.toBe(413);
    expect(ok.status).toBeLessThan(500);
    const tooBig = await upload(csv(4 * MB));
    expect(tooBig.status).toBe(413);
    expect(tooBig.text).toContain("3 MB");
    expect((await upload(csv(2 * MB), "/customers/1")).status).toBe(413);
  });

  it("GET on the move endpoint is a 405 without a stack trace in the log", async () => {
    const from = app.server.output().length;
    const res = await fetch(`${app.url}/campaigns/1/board/move`, { headers: { Cookie: manager } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    await new Promise((r) => setTimeout(r, 200));
    expect(logSince(app.server, from)).not.toMatch(/\n\s+at |Error/);
  });
});

describe("cross-site requests", () => {
  it("a POST with neither Origin nor Referer is a 403, before any work; a same-site Referer is enough", async () => {
    const before = await attemptsFor("manager@demo.test");
    const bare = await fetch(`${app.url}/login`, { method: "POST", redirect: "manual", headers: { "Content-Type": FORM }, body: "email=manager%40demo.test&password=wrong" });
    expect(bare.status).toBe(403);
    expect(await bare.text()).toMatch(/neither Origin nor Referer/);
    expect(await attemptsFor("manager@demo.test")).toBe(before);
    const referred = await fetch(`${app.url}/login`, { method: "POST", redirect: "manual", headers: { "Content-Type": FORM, Referer: `${app.url}/login` }, body: "email=manager%40demo.test&password=demo1234" });
    expect(referred.status).toBe(302);
  });

  it("with PUBLIC_URL, Origin and Host must both be the public address (scheme, host and port)", async () => {
    const publicHost = new URL(PUBLIC_URL).host;
    const body = "email=nobody%40demo.test&password=x";
    const ok = await raw(`${proxied.url}/login`, { headers: { Host: publicHost, Origin: PUBLIC_URL }, body });
    expect(ok.status).toBe(400); // reached the action: an unknown account
    // the address the server really listens on, as Origin and Host (a DNS-rebinding shape): refused
    const own = new URL(proxied.url);
    expect((await raw(`${proxied.url}/login`, { headers: { Host: own.host, Origin: own.origin }, body })).status).toBe(403);
    expect((await raw(`${proxied.url}/login`, { headers: { Host: own.host, Origin: PUBLIC_URL }, body })).status).toBe(403);
    expect((await raw(`${proxied.url}/login`, { headers: { Host: publicHost, Origin: "https://campaigns.example:8080" }, body })).status).toBe(403);
    expect((await raw(`${proxied.url}/login`, { headers: { Host: publicHost, Origin: "http://campaigns.example" }, body })).status).toBe(403);
    // behind the trusted proxy, its X-Forwarded-Host stands for the Host
    expect((await raw(`${proxied.url}/login`, { headers: { Host: own.host, "X-Forwarded-Host": publicHost, Origin: PUBLIC_URL }, body })).status).toBe(400);
  });
});

describe("sign-in throttling over HTTP", () => {
  const wrong = (url: string, email: string, headers: Record<string, string> = {}) =>
    post(`${url}/login`, new URLSearchParams({ email, password: "wrong-password" }), headers);

  it("25 parallel wrong passwords for one account, spread over two app servers on one database, evaluate at most 5", async () => {
    const email = "staff2@demo.test";
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => wrong(i % 2 ? app.url : twin.url, email)));
    const evaluated = await attemptsFor(email);
    expect(evaluated).toBeLessThanOrEqual(5);
    expect(results.filter((r) => r.status === 400)).toHaveLength(evaluated);
    const throttled = results.filter((r) => r.status === 429);
    expect(throttled).toHaveLength(25 - evaluated);
    expect(Number(throttled[0]!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(results.every((r) => r.status < 500)).toBe(true);
  });

  it("without TRUST_PROXY, X-Forwarded-For does not make an attacker several clients", async () => {
    const results = [];
    for (let i = 0; i < 7; i++) results.push((await wrong(app.url, "staff3@demo.test", { "X-Forwarded-For": `203.0.113.${i}` })).status);
    expect(results.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(results.slice(5)).toEqual([429, 429]);
  });

  it("behind a trusted proxy, a stranger's failures from another address do not lock the user out", async () => {
    for (let i = 0; i < 7; i++) await wrong(proxied.url, "manager@demo.test", { "X-Forwarded-For": "198.51.100.66", "X-Forwarded-Host": new URL(PUBLIC_URL).host, Origin: PUBLIC_URL });
    const stranger = await raw(`${proxied.url}/login`, {
      headers: { "X-Forwarded-For": "198.51.100.66", "X-Forwarded-Host": new URL(PUBLIC_URL).host, Origin: PUBLIC_URL },
      body: "email=manager%40demo.test&password=demo1234",
    });
    expect(stranger.status).toBe(429);
    const user = await raw(`${proxied.url}/login`, {
      headers: { "X-Forwarded-For": "10.20.0.7", "X-Forwarded-Host": new URL(PUBLIC_URL).host, Origin: PUBLIC_URL },
      body: "email=manager%40demo.test&password=demo1234",
    });
    expect(user.status).toBe(302);
  });
});

describe("the interface serve listens on", () => {
  const reach = (url: string) => fetch(`${url}/healthz`).then((r) => r.status, (e: Error & { cause?: { code?: string } }) => e.cause?.code ?? e.message);

  it("is loopback by default, and every interface with HOST=0.0.0.0", async () => {
    const other = (url: string) => url.replace("127.0.0.1", "127.0.0.2");
    expect(await reach(app.url)).toBe(200);
    expect(await reach(other(app.url))).toBe("ECONNREFUSED");
    expect(await reach(other(proxied.url))).toBe(200);
  });
});
