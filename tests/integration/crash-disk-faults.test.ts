/**
 * A database that cannot be written: /healthz says so (503, ok:false), and a form post gets
 * the translated error page, never a stack trace.
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
import { startAppServer, signInHttp, type AppServer } from "../helpers/app-server";
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

async function postLogin(url: string) {
  const res = await fetch(`${url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email: "manager@demo.test", password: "demo1234" }),
  });
  return { status: res.status, html: await res.text() };
}

/** The root error page (when the root loader failed too, it speaks the default language, zh-CN). */
function expectCleanErrorPage(html: string) {
  expect(html).toContain("出错了");
  expect(html).toContain("没有任何数据被更改");
  expect(html).toContain("Unexpected Server Error"); // Remix's production placeholder, not the real message
  expect(html).not.toMatch(/SqliteError|readonly database|at \S+ \(|node_modules|\.ts:\d+/);
}

describe("health and faults", () => {
  it("/healthz is ok on a healthy database (either engine)", async () => {
    const app = await startAppServer();
    servers.push(app);
    expect(await health(app.url)).toEqual({ status: 200, body: { ok: true } });
  });

  sqliteOnly("a read-only database: /healthz answers 503 with the failed check, a sign-in gets the error page, and nothing breaks", async () => {
    const app = await startAppServer();
    servers.push(app);
    await app.restart({ SQLITE_READONLY: "1" });
    const h = await health(app.url);
    expect(h.status).toBe(503);
    expect(h.body).toMatchObject({ ok: false, check: "write" });
    expect(h.body.error).toMatch(/readonly/);
    // Pages that only read still work.
    expect((await fetch(`${app.url}/login`)).status).toBe(200);
    const post = await postLogin(app.url);
    expect(post.status).toBe(500);
    expectCleanErrorPage(post.html);
    // Back to normal: writable again, sign-in works, the file is intact.
    await app.restart();
    expect((await health(app.url)).status).toBe(200);
    await signInHttp(app.url, "manager@demo.test");
    expect(integrityCheck(app.dbFile!)).toBe("ok");
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
      // A write may still fit in pages SQLite already owns; whatever happens, no stack trace leaks.
      for (let i = 0; i < 5; i++) {
        const post = await postLogin(app.url);
        expect([302, 500]).toContain(post.status);
        if (post.status === 500) expectCleanErrorPage(post.html);
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
