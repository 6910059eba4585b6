/**
 * kill -9 the server in the middle of a burst of acknowledged writes (every entry of
 * tests/helpers/writes.ts), restart it on the same database: it opens, SQLite passes
 * integrity_check, and every write the server acknowledged before dying is there.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { integrityCheck } from "#db/backup";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { TEST_ENGINE } from "../helpers/pg";
import { ACK_WRITES, burst } from "../helpers/writes";

// Each test starts real servers; on a busy 2-core machine that takes a while.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

let app: AppServer | undefined;
afterAll(async () => {
  await app?.close();
});

describe("crash", () => {
  it("keeps every acknowledged write after kill -9 in the middle of a burst", async () => {
    app = await startAppServer();
    const server = app.server;
    // One of each write first: the sign-ins and reads each entry does once per server are
    // behind us, so the kill lands in the middle of every kind of write.
    const warm = await burst(app.url, ACK_WRITES, { workers: 1, stop: (n) => n >= ACK_WRITES.length });
    // The kill waits until every kind of write has been acknowledged at least once in this
    // burst (a kind can be refused for a while: concurrent plan edits conflict); 200 at most.
    const ackedKinds = new Set<string>();
    const writes = ACK_WRITES.map((w) => ({
      ...w,
      async run(ctx: Parameters<typeof w.run>[0]) {
        const id = await w.run(ctx);
        if (id) ackedKinds.add(w.name);
        return id;
      },
    }));
    let killed = false;
    const result = await burst(app.url, writes, {
      workers: 8,
      stop: (acked) => {
        if (((acked >= 20 && ackedKinds.size === writes.length) || acked >= 200) && !killed) {
          killed = true;
          server.process.kill("SIGKILL");
        }
        return false; // the loops end when the dead server refuses connections
      },
    });
    await server.stop(); // resolves once the process has exited
    const perKind = writes.map((w) => `${w.name} ${result.acked.filter((a) => a.write === w).length}`).join(", ");
    console.info(`crash: ${result.acked.length} acknowledged (${perKind}), ${result.refused} refused, ${result.errors} in flight at the kill`);
    expect(server.process.signalCode).toBe("SIGKILL");
    expect(result.acked.length).toBeGreaterThanOrEqual(20);
    // the kill came in the middle of every kind of write, not only the first ones to get going
    for (const w of writes) expect(result.acked.some((a) => a.write === w), w.name).toBe(true);
    expect(result.errors).toBeGreaterThan(0); // requests were in flight when it died

    if (TEST_ENGINE === "sqlite") expect(integrityCheck(app.dbFile!)).toBe("ok");
    await app.restart();
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const missing: string[] = [];
    for (const { write, id } of [...warm.acked, ...result.acked]) if (!(await write.present(app.db, id))) missing.push(`${write.name} ${id}`);
    expect(missing).toEqual([]);
    // The restarted server takes writes again.
    const after = await burst(app.url, ACK_WRITES, { workers: 2, stop: (n) => n >= 4 });
    expect(after.acked.length).toBeGreaterThanOrEqual(4);
    if (TEST_ENGINE === "sqlite") {
      await app.server.stop();
      expect(integrityCheck(app.dbFile!)).toBe("ok");
    }
  }, 120_000);
});
