import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, sql, SqliteDialect } from "kysely";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isStorageFailure, refreshStatistics, storageFailureCode } from "./dialect";

/** The error a promise or a function fails with. */
async function failure(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a failure");
}

describe("isStorageFailure on SQLite (real better-sqlite3 errors)", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-dialect-"));
    file = path.join(dir, "t.db");
    const w = new SQLite(file);
    w.pragma("journal_mode = WAL");
    w.exec("create table t (id integer primary key, v text unique)");
    w.close();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a write to a database opened read-only (directly, through Kysely, in a transaction)", async () => {
    const ro = new SQLite(file, { readonly: true, fileMustExist: true });
    const direct = await failure(() => ro.prepare("insert into t (v) values ('x')").run());
    expect((direct as { code?: string }).code).toMatch(/^SQLITE_READONLY/);
    expect(isStorageFailure(direct)).toBe(true);
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: ro }) });
    try {
      const viaKysely = await failure(() => db.insertInto("t").values({ v: "x" }).execute());
      expect(storageFailureCode(viaKysely)).toMatch(/^SQLITE_READONLY/);
      const inTransaction = await failure(() => db.transaction().execute((trx) => trx.insertInto("t").values({ v: "y" }).execute()));
      expect(isStorageFailure(inTransaction)).toBe(true);
      // Reading still works, and nothing was written.
      expect((await db.selectFrom("t").selectAll().execute()).length).toBe(0);
    } finally {
      await db.destroy();
    }
  });

  it("refreshStatistics at start skips a read-only database (a server started with SQLITE_READONLY=1)", async () => {
    const w = new SQLite(file);
    w.exec("insert into t (v) values ('a'), ('b')");
    w.close();
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(file, { readonly: true, fileMustExist: true }) }) });
    try {
      await expect(refreshStatistics(db, { allTables: true })).resolves.toBeUndefined();
    } finally {
      await db.destroy();
    }
  });

  it("a full database (SQLITE_FULL: page limit reached)", async () => {
    const w = new SQLite(file);
    try {
      const pages = w.pragma("page_count", { simple: true }) as number;
      w.pragma(`max_page_count = ${pages + 1}`);
      const e = await failure(() => {
        const ins = w.prepare("insert into t (v) values (?)");
        for (let i = 0; i < 10_000; i++) ins.run(`${i}-${"x".repeat(200)}`);
      });
      expect((e as { code?: string }).code).toBe("SQLITE_FULL");
      expect(isStorageFailure(e)).toBe(true);
    } finally {
      w.close();
    }
  });

  it("a database locked by another writer past the busy timeout (SQLITE_BUSY)", async () => {
    const a = new SQLite(file);
    const b = new SQLite(file);
    try {
      b.pragma("busy_timeout = 0");
      a.exec("begin immediate");
      a.prepare("insert into t (v) values ('a')").run();
      const e = await failure(() => b.prepare("insert into t (v) values ('b')").run());
      expect((e as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
      expect(isStorageFailure(e)).toBe(true);
      a.exec("rollback");
    } finally {
      a.close();
      b.close();
    }
  });

  it("a file that cannot be opened (SQLITE_CANTOPEN: the path is a folder)", async () => {
    const e = await failure(() => new SQLite(dir));
    expect((e as { code?: string }).code).toBe("SQLITE_CANTOPEN");
    expect(isStorageFailure(e)).toBe(true);
  });

  it("not: a broken constraint, a syntax error, a missing table", async () => {
    const w = new SQLite(file);
    try {
      w.prepare("insert into t (v) values ('same')").run();
      expect(isStorageFailure(await failure(() => w.prepare("insert into t (v) values ('same')").run()))).toBe(false);
      expect(isStorageFailure(await failure(() => w.prepare("selec 1").run()))).toBe(false);
      expect(isStorageFailure(await failure(() => w.prepare("select * from nope").all()))).toBe(false);
    } finally {
      w.close();
    }
  });

  it("extended I/O codes, and a storage failure wrapped as another error's cause", () => {
    for (const code of ["SQLITE_IOERR", "SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC", "SQLITE_READONLY_DBMOVED", "SQLITE_BUSY_SNAPSHOT"]) {
      expect(isStorageFailure(Object.assign(new Error(code), { code }))).toBe(true);
    }
    const inner = Object.assign(new Error("attempt to write a readonly database"), { code: "SQLITE_READONLY" });
    expect(storageFailureCode(new Error("could not save", { cause: inner }))).toBe("SQLITE_READONLY");
  });
});

describe("isStorageFailure on PostgreSQL", () => {
  /** What pg's DatabaseError carries: the SQLSTATE in `.code`. */
  const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code, severity: "ERROR" });

  it.each([
    ["53100", "disk_full"], ["53000", "insufficient_resources"], ["53200", "out_of_memory"], ["53300", "too_many_connections"],
    ["25006", "read_only_sql_transaction"], ["08006", "connection_failure"], ["08001", "sqlclient_unable_to_establish_sqlconnection"],
    ["08P01", "protocol_violation"], ["57P01", "admin_shutdown"], ["57P02", "crash_shutdown"], ["57P03", "cannot_connect_now"],
    ["58030", "io_error"],
  ])("SQLSTATE %s (%s) is one", (code) => expect(isStorageFailure(pgError(code))).toBe(true));

  it.each([
    ["23505", "unique_violation"], ["23503", "foreign_key_violation"], ["42P01", "undefined_table"], ["40001", "serialization_failure"],
    ["57014", "query_canceled"], ["22001", "string_data_right_truncation"],
  ])("SQLSTATE %s (%s) is not", (code) => expect(isStorageFailure(pgError(code))).toBe(false));

  it("a server that cannot be reached (a real ECONNREFUSED from pg, through Kysely)", async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ host: "127.0.0.1", port, user: "x", database: "x", max: 1 }) }) });
    try {
      const e = await failure(() => sql`select 1`.execute(db));
      expect(storageFailureCode(e)).toBe("ECONNREFUSED");
    } finally {
      await db.destroy();
    }
    expect(isStorageFailure(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }))).toBe(true);
    expect(isStorageFailure(Object.assign(new Error("connect ETIMEDOUT"), { code: "ETIMEDOUT" }))).toBe(true);
  });

  it("a server that hangs up (pg's codeless \"Connection terminated unexpectedly\", for real)", async () => {
    const server = net.createServer((socket) => socket.destroy());
    const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ host: "127.0.0.1", port, user: "x", database: "x", max: 1 }) }) });
    try {
      const e = await failure(() => sql`select 1`.execute(db));
      expect(storageFailureCode(e)).toBe("PG_CONNECTION_LOST");
    } finally {
      await db.destroy();
      server.close();
    }
    expect(isStorageFailure(new Error("timeout exceeded when trying to connect"))).toBe(true);
    expect(isStorageFailure(new Error("Connection terminated unexpectedly, said someone"))).toBe(false);
  });

  it("not: anything without such a code", () => {
    for (const e of [null, undefined, "SQLITE_READONLY", 53100, new Error("SQLITE_FULL"), { code: 53100 }, { code: "ENOENT" }, { code: "SQLITE_CONSTRAINT_UNIQUE" }]) {
      expect(isStorageFailure(e)).toBe(false);
    }
  });
});
