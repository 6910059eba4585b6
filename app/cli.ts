/**
 * Command line: `npm run --silent cli -- <command>`.
 *   migrate | seed-demo | serve [--port N] | user add … | backup --to FILE
 * Later features register more commands in COMMANDS.
 */
import fs from "node:fs";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { createDb, openSqlite, parseDatabaseUrl } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { seedDemo } from "./models/demo.server";
import { segmentsCsvLines } from "./models/segmentation.server";
import { ROLES, DEPARTMENTS } from "./models/domain";
import { getStoreByCode } from "./models/store.server";
import { createUser, getUserByEmail } from "./models/user.server";
import { getEnv } from "./utils/env.server";

export class UsageError extends Error {}

type Command = (argv: string[]) => Promise<number | void>;

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise((resolve) => rl.question("Password: ", (a) => { rl.close(); resolve(a); }));
}

function withDb<T>(fn: (db: ReturnType<typeof createDb>) => Promise<T>): Promise<T> {
  const db = createDb(getEnv().DATABASE_URL);
  return migrateToLatest(db).then(() => fn(db)).finally(() => db.destroy());
}

export const COMMANDS: Record<string, Command> = {
  async migrate() {
    const db = createDb(getEnv().DATABASE_URL);
    try {
      const { results } = await migrateToLatest(db);
      for (const r of results ?? []) console.log(`${r.status}: ${r.migrationName}`);
      console.log(results?.length ? "migrated" : "already up to date");
    } finally {
      await db.destroy();
    }
  },

  async "seed-demo"() {
    await withDb(async (db) => {
      const ctx = await seedDemo(db);
      console.log(`demo stores re-created: ${Object.keys(ctx.stores).join(", ")} (as of ${ctx.today})`);
    });
  },

  async serve(argv) {
    const { values } = parseArgs({ args: argv, options: { port: { type: "string" } } });
    const port = values.port !== undefined ? Number(values.port) : undefined;
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError("--port must be a port number");
    const { serve } = await import("./server");
    await serve({ port });
    return new Promise<never>(() => {});
  },

  async user(argv) {
    const [sub, ...rest] = argv;
    if (sub !== "add") throw new UsageError("usage: user add --store CODE --email E --role admin|manager|staff --name N [--department D]");
    const { values } = parseArgs({
      args: rest,
      options: { store: { type: "string" }, email: { type: "string" }, role: { type: "string" }, name: { type: "string" }, department: { type: "string" } },
    });
    if (!values.store || !values.email || !values.role || !values.name) throw new UsageError("user add needs --store, --email, --role and --name");
    if (!(ROLES as readonly string[]).includes(values.role)) throw new UsageError(`--role must be one of ${ROLES.join(", ")}`);
    const department = values.department ?? "after_sales";
    if (!(DEPARTMENTS as readonly string[]).includes(department)) throw new UsageError(`--department must be one of ${DEPARTMENTS.join(", ")}`);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) throw new UsageError("--email is not a valid email address");
    const password = await readPassword();
    if (password.length < 8) throw new UsageError("the password must have at least 8 characters");
    await withDb(async (db) => {
      const store = await getStoreByCode(db, values.store!);
      if (!store) throw new UsageError(`no store with code ${values.store}`);
      if (await getUserByEmail(db, values.email!)) throw new UsageError(`a user with email ${values.email} already exists`);
      const user = await createUser(db, {
        storeId: store.id, email: values.email!, password, displayName: values.name!,
        role: values.role as (typeof ROLES)[number], department: department as (typeof DEPARTMENTS)[number],
      });
      console.log(`user ${user.email} added to ${store.code} as ${user.role}`);
    });
  },

  async backup(argv) {
    const { values } = parseArgs({ args: argv, options: { to: { type: "string" } } });
    if (!values.to) throw new UsageError("usage: backup --to FILE");
    const target = parseDatabaseUrl(getEnv().DATABASE_URL);
    if (target.kind !== "sqlite" || target.filename === ":memory:") throw new UsageError("backup works on a SQLite file database (use pg_dump for PostgreSQL)");
    if (!fs.existsSync(target.filename)) throw new UsageError(`no database at ${target.filename}`);
    const source = openSqlite(target.filename);
    try {
      await source.backup(values.to);
    } finally {
      source.close();
    }
    const copy = openSqlite(values.to);
    try {
      const check = copy.pragma("integrity_check", { simple: true });
      if (check !== "ok") throw new Error(`backup failed the integrity check: ${String(check)}`);
    } finally {
      copy.close();
    }
    console.log(`backup written to ${values.to} (integrity check ok)`);
  },
};

/** `cli segments --store CODE [--as-of YYYY-MM-DD]`: every customer's segmentation as CSV on stdout (issue 3). */
COMMANDS.segments = async (argv) => {
  const { values } = parseArgs({ args: argv, options: { store: { type: "string" }, "as-of": { type: "string" } } });
  if (!values.store) throw new UsageError("usage: segments --store CODE [--as-of YYYY-MM-DD]");
  const asOf = values["as-of"];
  if (asOf !== undefined && !(/^\d{4}-\d{2}-\d{2}$/.test(asOf) && !Number.isNaN(Date.parse(`${asOf}T00:00:00Z`)) && new Date(`${asOf}T00:00:00Z`).toISOString().startsWith(asOf))) {
    throw new UsageError("--as-of must be a date YYYY-MM-DD");
  }
  await withDb(async (db) => {
    const store = await getStoreByCode(db, values.store!);
    if (!store) throw new UsageError(`no store with code ${values.store}`);
    process.stdout.write(`${(await segmentsCsvLines(db, { storeId: store.id, asOf })).join("\n")}\n`);
  });
};

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(`usage: npm run --silent cli -- <${Object.keys(COMMANDS).join("|")}> [options]`);
    return 2;
  }
  try {
    return (await command(rest)) ?? 0;
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`error: ${(e as Error).message}`);
      return 2;
    }
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/").split("/").pop()!);
if (isMain) {
  runCli(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exitCode = code;
  });
}
