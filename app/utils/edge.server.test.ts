/**
 * The edge on its own: an Express app with the edge's middleware in front of a handler that
 * reports what reached it, on a real port on 127.0.0.1 (the whole server with Remix is
 * tests/integration/edge-limits.test.ts).
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, edge, edgeBody, type EdgeOptions } from "./edge.server";
import { MAX_FIELDS, MAX_UPLOAD_PARTS } from "./limits";

const MB = 1024 * 1024;
const opts: EdgeOptions = { bodyBytes: MB, uploadBytes: 3 * MB, trustProxy: 0, publicOrigin: null, uploadPaths: ["/upload"], drainMs: 2000 };
let server: Server;
let base = "";

beforeAll(async () => {
  const app = express();
  app.use(edge(opts));
  app.all("*", (req, res) => {
    const body = edgeBody(req);
    if (!body || Buffer.isBuffer(body)) return void res.json({ reached: true, bytes: body?.length ?? 0, ip: clientOf(req, opts) });
    let bytes = 0;
    body.on("data", (c: Buffer) => (bytes += c.length));
    body.on("end", () => res.json({ reached: true, streamed: true, bytes }));
    body.on("error", () => {}); // refused at the edge, which has answered
  });
  server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const same = () => ({ Origin: base });
const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
const chunks = (n: number, size: number, byte = 0x61) => new ReadableStream<Uint8Array>({
  start(c) {
    for (let i = 0; i < n; i++) c.enqueue(new Uint8Array(size).fill(byte));
    c.close();
  },
});
async function send(path: string, init: RequestInit & { duplex?: "half" }) {
  const res = await fetch(`${base}${path}`, init);
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") ?? "" };
}
function multipart(parts: [string, string][], boundary = "----edgeTest") {
  return parts.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.csv"\r\nContent-Type: text/csv\r\n\r\n${value}\r\n`).join("") + `--${boundary}--\r\n`;
}
const MULTIPART = { "Content-Type": "multipart/form-data; boundary=----edgeTest" };

describe("the edge, CSRF", () => {
  it("refuses a POST with neither Origin nor Referer, in both languages; lets a same-origin one and GETs through", async () => {
    const refused = await send("/x", { method: "POST", headers: FORM, body: "a=1" });
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/neither Origin nor Referer/);
    expect(refused.text).toMatch(/已拒绝/);
    expect((await send("/x", { method: "POST", headers: { ...FORM, ...same() }, body: "a=1" })).status).toBe(200);
    expect((await send("/x", { method: "POST", headers: { ...FORM, Referer: `${base}/login` }, body: "a=1" })).status).toBe(200);
    expect((await send("/x", { method: "POST", headers: { ...FORM, Origin: "https://evil.example" }, body: "a=1" })).status).toBe(403);
    expect((await send("/x", { method: "GET" })).status).toBe(200);
  });

  it("answers a JSON client in JSON", async () => {
    const res = await send("/x", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text)).toMatchObject({ ok: false, error: "no_origin" });
  });
});

describe("the edge, body limits", () => {
  it("a 50 MB form is a 413 before it is read, and the server answers meanwhile", async () => {
    const big = send("/login", { method: "POST", headers: { ...FORM, ...same() }, body: new Uint8Array(50 * MB).fill(0x61) });
    const other = send("/healthz", { method: "GET" });
    const [res, ok] = await Promise.all([big, other]);
    expect(res.status).toBe(413);
    expect(res.text).toContain("1 MB");
    expect(ok.status).toBe(200);
  });

  it("a body without Content-Length is cut at the limit (413)", async () => {
    const res = await send("/login", { method: "POST", headers: { ...FORM, ...same() }, body: chunks(40, 64 * 1024), duplex: "half" });
    expect(res.status).toBe(413);
  });

  it("20,000 repeated fields are a 413; a form within the limits reaches the app whole", async () => {
    const res = await send("/login", { method: "POST", headers: { ...FORM, ...same() }, body: Array(20_000).fill("z=1").join("&") });
    expect(res.status).toBe(413);
    expect(res.text).toContain(String(MAX_FIELDS));
    const fine = await send("/login", { method: "POST", headers: { ...FORM, ...same() }, body: "email=a%40b.test&password=x" });
    expect(JSON.parse(fine.text)).toMatchObject({ reached: true, bytes: 27 });
  });

  it("JSON nested 20,000 deep is a 400; ordinary JSON passes", async () => {
    const json = { "Content-Type": "application/json", ...same() };
    const deep = await send("/move", { method: "POST", headers: json, body: "[".repeat(20_000) + "]".repeat(20_000) });
    expect(deep.status).toBe(400);
    expect(JSON.parse(deep.text)).toMatchObject({ error: "too_deep" });
    expect((await send("/move", { method: "POST", headers: json, body: `{"invitationId":1}` })).status).toBe(200);
  });

  it("an upload has its own limit, streamed: larger than a form passes, larger than the upload limit is a 413", async () => {
    const two = multipart([["customers", "x".repeat(2 * MB)]]);
    const ok = await send("/upload", { method: "POST", headers: { ...MULTIPART, ...same() }, body: two });
    expect(JSON.parse(ok.text)).toMatchObject({ reached: true, streamed: true, bytes: Buffer.byteLength(two) });
    // the same body elsewhere is a form, over its limit
    expect((await send("/other", { method: "POST", headers: { ...MULTIPART, ...same() }, body: two })).status).toBe(413);
    expect((await send("/upload", { method: "POST", headers: { ...MULTIPART, ...same() }, body: multipart([["customers", "x".repeat(4 * MB)]]) })).status).toBe(413);
    const streamed = await send("/upload", { method: "POST", headers: { ...MULTIPART, ...same() }, body: chunks(80, 64 * 1024), duplex: "half" });
    expect(streamed.status).toBe(413);
  });

  it("an upload with too many parts is a 413", async () => {
    const parts = Array.from({ length: MAX_UPLOAD_PARTS + 1 }, (_, i) => [`f${i}`, "x"] as [string, string]);
    const res = await send("/upload", { method: "POST", headers: { ...MULTIPART, ...same() }, body: multipart(parts) });
    expect(res.status).toBe(413);
    expect(res.text).toContain(String(MAX_UPLOAD_PARTS));
    expect((await send("/upload", { method: "POST", headers: { ...MULTIPART, ...same() }, body: multipart(parts.slice(0, 3)) })).status).toBe(200);
  });

  it("X-Forwarded-For is not believed without TRUST_PROXY", async () => {
    const res = await send("/x", { method: "GET", headers: { "X-Forwarded-For": "6.6.6.6" } });
    expect(JSON.parse(res.text).ip).toBe("127.0.0.1");
  });
});
