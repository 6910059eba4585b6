/**
 * The render queue on a real Express server: at most N GETs run at once in a worker, the
 * others wait their turn in order; a POST starts at once even when every slot is taken; a slot
 * is given back when the answer's headers are written (a long body does not hold it).
 */
import type { AddressInfo } from "node:net";
import { Worker } from "node:worker_threads";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { renderQueue } from "./render-queue.server";

let close: (() => void) | null = null;
afterEach(() => close?.());

function serve(concurrency: number) {
  const app = express();
  app.use(renderQueue(concurrency));
  let running = 0;
  let most = 0;
  const gates: (() => void)[] = [];
  const started: string[] = [];
  app.get("/slow/:n", (req, res) => {
    running++;
    most = Math.max(most, running);
    started.push(req.params.n!);
    gates.push(() => { running--; res.send(`done ${req.params.n}`); });
  });
  app.get("/stream", (_req, res) => {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.write("first part");
    gates.push(() => res.end());
  });
  app.post("/move", (_req, res) => { res.json({ ok: true }); });
  const server = app.listen(0, "127.0.0.1");
  close = () => server.close();
  const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, gates, started, most: () => most };
}
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe("renderQueue", () => {
  it("runs at most N GETs at once, the rest in order; a POST does not wait", async () => {
    const s = serve(2);
    await new Promise((r) => setTimeout(r, 20));
    const gets = [1, 2, 3, 4, 5].map((n) => fetch(`${s.url()}/slow/${n}`, { headers: { Connection: "close" } }).then((r) => r.text()));
    await until(() => s.started.length === 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.started).toEqual(["1", "2"]);
    const move = await fetch(`${s.url()}/move`, { method: "POST", headers: { Connection: "close" } });
    expect(await move.json()).toEqual({ ok: true });
    while (s.started.length < 5 || s.gates.length) {
      await until(() => s.gates.length > 0);
      s.gates.shift()!();
    }
    expect(await Promise.all(gets)).toEqual(["done 1", "done 2", "done 3", "done 4", "done 5"]);
    expect(s.started).toEqual(["1", "2", "3", "4", "5"]);
    expect(s.most()).toBe(2);
  });

  it("gives the slot back once the headers are written", async () => {
    const s = serve(1);
    await new Promise((r) => setTimeout(r, 20));
    const stream = await fetch(`${s.url()}/stream`, { headers: { Connection: "close" } });
    expect(stream.status).toBe(200);
    const next = fetch(`${s.url()}/slow/1`, { headers: { Connection: "close" } }).then((r) => r.text());
    await until(() => s.started.length === 1); // ran while the stream is still open
    s.gates.shift()!(); // ends the stream
    s.gates.shift()!();
    expect(await next).toBe("done 1");
    await stream.text();
  });

  it("lets the event loop take a turn before the next page starts: a write that arrives meanwhile is not queued behind every waiting page", async () => {
    // Pages that each hold the thread for 80 ms, as a synchronous render on SQLite does. The
    // write is sent from another thread while the first two run; were the next page started in
    // the same turn as the previous one ended, all five would run before the write was read.
    const app = express();
    let arrived = 0;
    app.use((req, _res, next) => { if (req.path.startsWith("/busy/")) arrived++; next(); });
    app.use(renderQueue(1));
    const started: number[] = [];
    let hold: (() => void) | null = null;
    app.get("/hold", (_req, res) => { hold = () => res.send("held"); });
    let startedBeforeWrite = -1;
    app.get("/busy/:n", (req, res) => {
      started.push(Number(req.params.n));
      const until = performance.now() + 80;
      while (performance.now() < until) { /* the render */ }
      res.send("ok");
    });
    app.post("/move", (_req, res) => {
      startedBeforeWrite = started.length;
      res.json({ ok: true });
    });
    const server = app.listen(0, "127.0.0.1");
    close = () => { server.closeAllConnections(); server.close(); };
    await new Promise((r) => server.once("listening", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // the writer's connection is open already (a kept-alive connection, as a board's is)
    const writer = new Worker(
      `const { parentPort } = require("node:worker_threads");
       const post = (url) => fetch(url, { method: "POST" }).then((r) => r.json());
       parentPort.on("message", ({ url, delayMs }) => setTimeout(() => post(url).then((body) => parentPort.postMessage(body)), delayMs));`,
      { eval: true },
    );
    try {
      const answer = () => new Promise((resolve) => writer.once("message", resolve));
      const warm = answer();
      writer.postMessage({ url: `${url}/move`, delayMs: 0 });
      expect(await warm).toEqual({ ok: true });
      // a page holds the one slot while five more arrive and wait
      const held = fetch(`${url}/hold`, { headers: { Connection: "close" } }).then((r) => r.text());
      await until(() => hold !== null);
      const gets = [1, 2, 3, 4, 5].map((n) => fetch(`${url}/busy/${n}`, { headers: { Connection: "close" } }).then((r) => r.text()));
      await until(() => arrived === 5);
      const wrote = answer();
      writer.postMessage({ url: `${url}/move`, delayMs: 100 });
      hold!();
      expect(await held).toBe("held");
      expect(await wrote).toEqual({ ok: true });
      expect(await Promise.all(gets)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
      expect(started).toEqual([1, 2, 3, 4, 5]);
      expect(startedBeforeWrite).toBeGreaterThan(0);
      expect(startedBeforeWrite).toBeLessThanOrEqual(3);
    } finally {
      await writer.terminate();
    }
  });
});
