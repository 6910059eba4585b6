/**
 * Every page and asset goes compressed to a browser that accepts gzip or brotli (issue 14),
 * against the real built server: HTML pages (signed out and in), the JavaScript and CSS the
 * page links, and a JSON answer. Raw HTTP, so nothing decompresses or rewrites the headers.
 */
import http from "node:http";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signInHttp, startAppServer, type AppServer } from "../helpers/app-server";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

let app: AppServer;
let cookie = "";
beforeAll(async () => {
  app = await startAppServer();
  cookie = (await signInHttp(app.url, "manager@demo.test")).cookie;
});
afterAll(async () => {
  await app?.close();
});

function get(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; encoding: string | undefined; vary: string | undefined; type: string; body: Buffer }>((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => resolve({
        status: res.statusCode!, encoding: res.headers["content-encoding"], vary: res.headers.vary,
        type: String(res.headers["content-type"] ?? ""), body: Buffer.concat(parts),
      }));
    }).on("error", reject);
  });
}
const decode = (r: { encoding?: string; body: Buffer }) =>
  (r.encoding === "br" ? zlib.brotliDecompressSync(r.body) : r.encoding === "gzip" ? zlib.gunzipSync(r.body) : r.body).toString("utf8");

describe("compressed responses", () => {
  it("sends the sign-in page with brotli or gzip as accepted, and plain to a client that accepts neither", async () => {
    const br = await get(`${app.url}/login`, { "Accept-Encoding": "gzip, deflate, br" });
    expect(br.status).toBe(200);
    expect(br.encoding).toBe("br");
    expect(br.vary).toMatch(/Accept-Encoding/i);
    expect(decode(br)).toContain("<html");
    const gz = await get(`${app.url}/login`, { "Accept-Encoding": "gzip" });
    expect(gz.encoding).toBe("gzip");
    expect(decode(gz)).toBe(decode(br));
    const plain = await get(`${app.url}/login`, { "Accept-Encoding": "identity" });
    expect(plain.encoding).toBeUndefined();
    expect(plain.body.toString("utf8")).toBe(decode(br));
    expect(br.body.length).toBeLessThan(plain.body.length);
  });

  it("compresses every script and stylesheet a signed-in page links, and the page itself", async () => {
    const page = await get(`${app.url}/campaigns`, { "Accept-Encoding": "br, gzip", Cookie: cookie });
    expect(page.status).toBe(200);
    expect(page.encoding).toBe("br");
    const html = decode(page);
    const assets = [...html.matchAll(/(?:src|href)="(\/build\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    expect(assets.some((a) => a.endsWith(".js"))).toBe(true);
    expect(assets.some((a) => a.endsWith(".css"))).toBe(true);
    let compressed = 0;
    for (const a of new Set(assets)) {
      const r = await get(`${app.url}${a}`, { "Accept-Encoding": "gzip, br" });
      expect(r.status, a).toBe(200);
      // Small files (< 1 KB) are sent as they are: not worth the CPU.
      const plainSize = (await get(`${app.url}${a}`, { "Accept-Encoding": "identity" })).body.length;
      if (plainSize >= 1024) {
        expect(r.encoding, a).toMatch(/^(br|gzip)$/);
        compressed++;
      }
    }
    expect(compressed).toBeGreaterThan(0);
  });

  it("compresses a JSON answer (a Remix data request)", async () => {
    const r = await get(`${app.url}/customers?_data=routes%2Fcustomers._index`, { "Accept-Encoding": "gzip", Cookie: cookie });
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/application\/json/);
    expect(decode(r).length).toBeGreaterThan(1024);
    expect(r.encoding).toBe("gzip");
    expect(JSON.parse(decode(r))).toBeTypeOf("object");
  });
});

describe("which answers are compressed (app/utils/compress.server.ts)", () => {
  it("sends a write's JSON answer as it is, and compresses pages, JSON reads and a write answered with a page", async () => {
    const express = (await import("express")).default;
    const compression = (await import("compression")).default;
    const { shouldCompress } = await import("~/utils/compress.server");
    const big = "x".repeat(5000);
    const server = express()
      .use(compression({ threshold: 1024, filter: shouldCompress }))
      .get("/json", (_req, res) => res.json({ big }))
      .post("/json", (_req, res) => res.json({ big }))
      .post("/page", (_req, res) => res.type("html").send(`<html>${big}</html>`))
      .listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const send = (method: string, p: string) => new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      const req = http.request(`${base}${p}`, { method, headers: { "Accept-Encoding": "gzip, br" } }, (res) => {
        const parts: Buffer[] = [];
        res.on("data", (d: Buffer) => parts.push(d));
        res.on("end", () => resolve({ encoding: res.headers["content-encoding"], body: Buffer.concat(parts) }));
      });
      req.on("error", reject);
      req.end();
    });
    try {
      const write = await send("POST", "/json");
      expect(write.encoding).toBeUndefined();
      expect(JSON.parse(write.body.toString("utf8")).big).toBe(big);
      expect((await send("GET", "/json")).encoding).toBe("br");
      const page = await send("POST", "/page");
      expect(page.encoding).toBe("br");
      expect(decode(page)).toContain(big);
    } finally {
      server.close();
    }
  });
});
