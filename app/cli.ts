/**
 * Command line: `npm run --silent cli -- <command>`.
 *   migrate | seed-demo | serve [--port N] | user add … | backup --to FILE
 *   copy --from URL --to URL [--force] | restore --from FILE [--force]
 *   messages --store CODE --campaign ID [--channel sms|wecom] [--base-url URL] [--send]
 *   review --store CODE --campaign ID [--format json]
 * Later features register more commands in COMMANDS.
 */
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { createDb, openSqlite, parseDatabaseUrl } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { restoreSqlite, RestoreRefused } from "#db/backup";
import { copyDatabase, CopyRefused, formatCopyReport } from "#db/copy";
import { seedDemo } from "./models/demo/demo.server";
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
      // an import cut short after its commit point (a killed process) is completed here
      const { recoverImports } = await import("./models/import.server");
      await recoverImports(db, { log: (line) => console.log(line) });
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

/** `cli copy` and `cli restore`: whole-database moves, implemented in db/ (engine-specific). */
Object.assign(COMMANDS, {
  async copy(argv: string[]) {
    const { values } = parseArgs({ args: argv, options: { from: { type: "string" }, to: { type: "string" }, force: { type: "boolean" } } });
    if (!values.from || !values.to) throw new UsageError("usage: copy --from URL --to URL [--force]   (file:PATH or postgres://…)");
    if (values.from === values.to) throw new UsageError("--from and --to are the same database");
    const from = parseDatabaseUrl(values.from);
    if (from.kind === "sqlite" && (from.filename === ":memory:" || !fs.existsSync(from.filename))) throw new UsageError(`no database at ${values.from}`);
    const source = createDb(values.from);
    const target = createDb(values.to);
    try {
      const rows = await copyDatabase(source, target, { force: values.force, log: (l) => console.error(l) });
      console.log(formatCopyReport(rows));
      const bad = rows.filter((r) => !r.ok);
      if (bad.length) {
        console.error(`error: ${bad.length} table(s) differ after the copy: ${bad.map((r) => r.table).join(", ")}`);
        return 1;
      }
      console.log(`copied ${rows.length} tables, ${rows.reduce((n, r) => n + r.targetRows, 0)} rows; counts and checksums match`);
    } catch (e) {
      if (e instanceof CopyRefused) throw new UsageError(e.message);
      throw e;
    } finally {
      await source.destroy();
      await target.destroy();
    }
  },

  async restore(argv: string[]) {
    const { values } = parseArgs({ args: argv, options: { from: { type: "string" }, force: { type: "boolean" } } });
    if (!values.from) throw new UsageError("usage: restore --from FILE [--force]   (into DATABASE_URL's SQLite file; stop the server first)");
    const target = parseDatabaseUrl(getEnv().DATABASE_URL);
    if (target.kind !== "sqlite" || target.filename === ":memory:") throw new UsageError("restore works on a SQLite file database (use `cli copy` or pg_restore for PostgreSQL)");
    try {
      const { tables } = await restoreSqlite(values.from, target.filename, { force: values.force });
      console.log(`restored ${values.from} into ${target.filename} (${tables} tables with data, integrity check ok)`);
    } catch (e) {
      if (e instanceof RestoreRefused) throw new UsageError(e.message);
      throw e;
    }
  },
} satisfies Record<string, Command>);

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

/**
 * `cli import --store CODE [--store-name N] [--customers F] [--vehicles F] [--visits F] [--map FILE.FIELD=HEADER]… [--sheet NAME|N] [--lang zh-CN|en] [--progress]`:
 * the customer-base import (issues 3, 12). Files: CSV/tab text in UTF-8, UTF-16 or GB18030, or .xlsx
 * (its first sheet, or the one --sheet names or numbers, 1 for the first, in every workbook given).
 * All or nothing: any bad row → every bad row on stderr, exit 1. Texts in --lang, else the
 * language of LANG (zh… → Chinese), else English.
 */
COMMANDS.import = async (argv) => {
  const { values } = parseArgs({
    args: argv,
    options: {
      store: { type: "string" }, "store-name": { type: "string" }, customers: { type: "string" },
      vehicles: { type: "string" }, visits: { type: "string" }, progress: { type: "boolean" },
      map: { type: "string", multiple: true }, lang: { type: "string" }, sheet: { type: "string" },
    },
  });
  const lang = values.lang ?? (/^zh/i.test(process.env.LC_ALL || process.env.LANG || "") ? "zh-CN" : "en");
  if (lang !== "en" && lang !== "zh-CN") throw new UsageError("--lang must be zh-CN or en");
  const { parseColumnMapping } = await import("./models/import.schema");
  const mapping = (values.map ?? []).map((m) => {
    const entry = parseColumnMapping(m);
    if (typeof entry === "string") throw new UsageError(entry);
    return entry;
  });
  const files = { customers: values.customers, vehicles: values.vehicles, visits: values.visits };
  if (!values.store || !Object.values(files).some(Boolean)) {
    throw new UsageError("usage: import --store CODE [--store-name NAME] [--customers FILE] [--vehicles FILE] [--visits FILE] [--map FILE.FIELD=HEADER]… [--sheet NAME|N] [--lang zh-CN|en] [--progress]");
  }
  for (const f of Object.values(files)) if (f && !fs.existsSync(f)) throw new UsageError(`no such file: ${f}`);
  const { importCustomerBase, formatImportFormats, formatImportIssues, formatImportSummary, ImportAlreadyRunning, ImportNotFinished } = await import("./models/import.server");
  const fileNames = Object.fromEntries(Object.entries(files).filter(([, f]) => f).map(([k, f]) => [k, path.basename(f!)]));
  return withDb(async (db) => {
    let shown = "";
    let outcome;
    try {
      outcome = await importCustomerBase(db, {
        store: { code: values.store!, name: values["store-name"] }, source: "cli", mapping, sheet: values.sheet,
        files: Object.fromEntries(Object.entries(files).filter(([, f]) => f)) as Record<string, string>,
        onProgress: values.progress
          ? (p) => {
            const line = `${p.phase} ${Math.floor((100 * p.done) / Math.max(1, p.total))}%`;
            if (line !== shown) process.stderr.write(`${(shown = line)}\n`);
          }
          : undefined,
        onStats: values.progress
          ? (s) => process.stderr.write(`import #${s.jobId}: ${s.transactions} write transactions, the longest held the write lock ${s.maxHoldMs.toFixed(0)} ms (statistics refreshed table by table in ${s.optimizeMs.toFixed(0)} ms; log checkpoints between transactions ${s.checkpointMs.toFixed(0)} ms)\n`)
          : undefined,
      });
    } catch (e) {
      if (e instanceof ImportAlreadyRunning) {
        console.error(`error: an import into ${values.store} is already running (from the web page or another command)`);
        return 1;
      }
      if (e instanceof ImportNotFinished) {
        console.error(`error: ${e.message}`);
        return 1;
      }
      throw e;
    }
    // the process's peak memory (resident set), for the bench (tests/bench/12-import-xlsx.bench.ts)
    if (values.progress) process.stderr.write(`peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`);
    if (!outcome.ok) {
      process.stderr.write(`${[...formatImportIssues(outcome, lang), ...formatImportFormats(outcome, fileNames, lang)].join("\n")}\n`);
      return 1;
    }
    console.log([...formatImportSummary(outcome, values.store!, lang), ...formatImportFormats(outcome, fileNames, lang)].join("\n"));
    return 0;
  });
};

/**
 * `cli messages --store CODE --campaign ID [--channel sms|wecom] [--base-url URL]`: one invitation
 * message per contactable invitation as CSV on stdout (issue 13): customer_code, name, phone,
 * channel, message, link. Links use --base-url, else PUBLIC_URL, else http://localhost:PORT.
 * With --send: queues them in the outbox instead and sends them through MESSAGE_SENDER (log: each
 * message printed), riding out a gateway's short outage; prints a summary.
 */
COMMANDS.messages = async (argv) => {
  const { values } = parseArgs({ args: argv, options: { store: { type: "string" }, campaign: { type: "string" }, channel: { type: "string" }, "base-url": { type: "string" }, send: { type: "boolean" } } });
  const usage = "usage: messages --store CODE --campaign ID [--channel sms|wecom] [--base-url URL] [--send]";
  if (!values.store || !values.campaign) throw new UsageError(usage);
  if (!/^[1-9]\d{0,9}$/.test(values.campaign)) throw new UsageError("--campaign must be a campaign id (a whole number)");
  const { MESSAGE_CHANNELS, listInvitationMessages, messagesCsvLines } = await import("./models/invitation-messages.server");
  const channel = values.channel ?? "sms";
  if (!(MESSAGE_CHANNELS as readonly string[]).includes(channel)) throw new UsageError(`--channel must be one of ${MESSAGE_CHANNELS.join(", ")}`);
  let baseUrl = values["base-url"];
  if (baseUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(baseUrl)) throw new UsageError("--base-url must be an http(s) URL");
  const env = getEnv();
  baseUrl ??= env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  const { CampaignNotFound } = await import("./models/campaign.server");
  const { InvitationRefused } = await import("./models/invitation.server");
  return withDb(async (db) => {
    const store = await getStoreByCode(db, values.store!);
    if (!store) throw new UsageError(`no store with code ${values.store}`);
    try {
      if (values.send) {
        const { drainOutbox, outboxCounts, queueInvitationMessages } = await import("./models/outbox.server");
        const { senderFromEnv } = await import("./models/outbox-senders.server");
        const campaignId = Number(values.campaign);
        const q = await queueInvitationMessages(db, { storeId: store.id, campaignId, baseUrl: baseUrl!, channel: channel as "sms" });
        const s = await drainOutbox(db, {
          sender: senderFromEnv(env, (line) => process.stdout.write(`${line}\n`)), campaignId,
          maxAttempts: env.MESSAGE_MAX_ATTEMPTS, retryBaseMs: env.MESSAGE_RETRY_BASE_MS, leaseMs: env.MESSAGE_LEASE_MS, maxWaitMs: 60_000,
        });
        const c = await outboxCounts(db, { storeId: store.id, campaignId });
        process.stdout.write(`queued ${q.queued} (no phone: ${q.noPhone}); this run: sent ${s.sent}, failed ${s.failed}, cancelled ${s.cancelled}; outbox: queued ${c.queued}, sent ${c.sent}, failed ${c.failed}, cancelled ${c.cancelled}\n`);
        return c.failed > 0 ? 1 : 0;
      }
      const rows = await listInvitationMessages(db, { storeId: store.id, campaignId: Number(values.campaign), baseUrl: baseUrl!, channel: channel as "sms" });
      process.stdout.write(`${messagesCsvLines(rows).join("\n")}\n`);
      return 0;
    } catch (e) {
      if (e instanceof CampaignNotFound) throw new UsageError(`no campaign ${values.campaign} in store ${values.store}`);
      if (e instanceof InvitationRefused) throw new UsageError(`campaign ${values.campaign} is not inviting (messages are made from the start of invitations until the event ends)`);
      throw e;
    }
  });
};

/**
 * `cli review --store CODE --campaign ID [--format json]` (issue 15): the review's figures as the
 * page shows them (frozen when closed, live otherwise), through the same getReview and
 * reviewReport the page and the CSV use, including lift.visitRateDiff.ci95 as [low, high].
 */
COMMANDS.review = async (argv) => {
  const { values } = parseArgs({ args: argv, options: { store: { type: "string" }, campaign: { type: "string" }, format: { type: "string" } } });
  if (!values.store || !values.campaign) throw new UsageError("usage: review --store CODE --campaign ID [--format json]");
  if (!/^[1-9]\d{0,9}$/.test(values.campaign)) throw new UsageError("--campaign must be a campaign id (a whole number)");
  if ((values.format ?? "json") !== "json") throw new UsageError("--format must be json");
  const { getReview } = await import("./models/review.server");
  const { reviewReport } = await import("./models/review-report");
  const { CampaignNotFound } = await import("./models/campaign.server");
  return withDb(async (db) => {
    const store = await getStoreByCode(db, values.store!);
    if (!store) throw new UsageError(`no store with code ${values.store}`);
    try {
      // the operator reads as a manager of the store would
      const review = await getReview(db, { storeId: store.id, campaignId: Number(values.campaign), actor: { id: 0, role: "manager" } });
      if (!review.figures) throw new UsageError(`campaign ${values.campaign} has no review yet (its event has not started)`);
      process.stdout.write(`${JSON.stringify(reviewReport(review.figures, review.campaign), null, 2)}\n`);
      return 0;
    } catch (e) {
      if (e instanceof CampaignNotFound) throw new UsageError(`no campaign ${values.campaign} in store ${values.store}`);
      throw e;
    }
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
