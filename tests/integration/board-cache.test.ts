/**
 * The board's rendered HTML is kept per worker under a hash of its loader data
 * (app/utils/render-cache.server.ts): two workers on one database, both caches warm, then a
 * card moved through one of them — every next load, on either worker, shows it moved; a change
 * written straight into the database (as another app server would) shows at the next load too.
 * The kept page goes out with brotli or gzip as accepted, the same page as uncompressed.
 * Runs on SQLite, and on PostgreSQL with TEST_PG_URL.
 */
import http from "node:http";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signInHttp, startAppServer, type AppServer } from "../helpers/app-server";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

let app: AppServer;
let cookie = "";
let boardUrl = "";
let campaignId = 0;
beforeAll(async () => {
  app = await startAppServer({ env: { WORKERS: "2" } });
  cookie = (await signInHttp(app.url, "manager@demo.test")).cookie;
  const store = await app.db.selectFrom("stores").select("id").where("code", "=", "ZZ01").executeTakeFirstOrThrow();
  campaignId = (await app.db.selectFrom("campaigns").select("id").where("store_id", "=", store.id).where("status", "=", "inviting").orderBy("id").executeTakeFirstOrThrow()).id;
  boardUrl = `${app.url}/campaigns/${campaignId}/board`;
});
afterAll(async () => {
  await app?.close();
});

/** Raw HTTP on a new connection each time (the primary hands each to the next worker), nothing decompressed. */
function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; encoding: string | undefined; body: Buffer }>((resolve, reject) => {
    http.get(url, { headers: { Cookie: cookie, Connection: "close", ...headers }, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => resolve({ status: res.statusCode!, encoding: res.headers["content-encoding"], body: Buffer.concat(parts) }));
    }).on("error", reject);
  });
}
const decode = (r: { encoding?: string; body: Buffer }) =>
  (r.encoding === "br" ? zlib.brotliDecompressSync(r.body) : r.encoding === "gzip" ? zlib.gunzipSync(r.body) : r.body).toString("utf8");
const loads = (n: number) => Promise.all(Array.from({ length: n }, () => get(boardUrl).then((r) => ({ ...r, html: decode(r) }))));
const resultOf = (html: string, id: number) => new RegExp(`data-card-id="${id}" data-result="(\\w+)"`).exec(html)?.[1];

describe("the board's kept render on two workers", () => {
  it("a card moved through one worker shows moved at the next load on every worker", async () => {
    const first = await loads(8);
    expect(first.map((r) => r.status)).toEqual(Array(8).fill(200));
    // the same data: the same page from both workers
    expect(new Set(first.map((r) => r.html)).size).toBe(1);
    const card = /data-card-id="(\d+)" data-result="pending"/.exec(first[0]!.html);
    expect(card).not.toBeNull();
    const id = Number(card![1]);
    const confirmed = await fetch(boardUrl, {
      method: "POST", redirect: "manual",
      headers: { Origin: app.url, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", Connection: "close" },
      body: new URLSearchParams({ intent: "confirm_script" }),
    });
    expect(confirmed.status).toBe(302);
    const { version } = await app.db.selectFrom("invitations").select("version").where("id", "=", id).executeTakeFirstOrThrow();

    const moved = await fetch(`${boardUrl}/move`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: app.url, "Content-Type": "application/json", Connection: "close" },
      body: JSON.stringify({ invitationId: id, version: Number(version), to: "no", lossReason: "price" }),
    });
    expect(moved.status).toBe(200);
    const after = await loads(8);
    expect(after.map((r) => resultOf(r.html, id))).toEqual(Array(8).fill("no"));
  });

  it("a change written into the database by no worker of this server shows at the next load", async () => {
    const before = (await loads(4)).map((r) => r.html);
    const id = Number(/data-card-id="(\d+)"/.exec(before[0]!)![1]);
    const inv = await app.db.selectFrom("invitations").select("customer_id").where("id", "=", id).executeTakeFirstOrThrow();
    const name = `改名${Date.now() % 100000}`;
    await app.db.updateTable("customers").set({ name }).where("id", "=", inv.customer_id).execute();
    const after = await loads(6);
    for (const r of after) expect(r.html).toContain(name);
  });

  it("goes out with brotli or gzip as accepted: the same page as sent plain", async () => {
    await loads(2); // kept on both workers
    const [br, gz, plain] = await Promise.all([
      get(boardUrl, { "Accept-Encoding": "gzip, deflate, br" }),
      get(boardUrl, { "Accept-Encoding": "gzip" }),
      get(boardUrl, { "Accept-Encoding": "identity" }),
    ]);
    expect(br.encoding).toBe("br");
    expect(gz.encoding).toBe("gzip");
    expect(plain.encoding).toBeUndefined();
    expect(decode(br)).toBe(plain.body.toString("utf8"));
    expect(decode(gz)).toBe(plain.body.toString("utf8"));
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
  });
});
