import { z } from "zod";
import { numeric } from "~/models/fields";

/** A whole number from the environment, within bounds ("" counts as unset). */
const whole = (min: number, max: number) => numeric(z.number().int().min(min).max(max));

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().min(1).default("file:./data/app.db"),
  PORT: whole(0, 65535).default(3000),
  /** the interface `serve` listens on: loopback by default; 0.0.0.0 (or the machine's LAN address) to serve a LAN */
  HOST: z.string().min(1).max(255).regex(/^[A-Za-z0-9.:_-]+$/, "a host name or an IP address").default("127.0.0.1"),
  SESSION_SECRET: z.string().min(16).optional(),
  DEMO: z.enum(["0", "1"]).default("1"),
  /**
   * The address users open (scheme, host, port), e.g. https://campaigns.dealer.example: when set,
   * a state-changing request must come from that origin and carry that Host.
   */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: "an http(s) URL such as https://campaigns.example.com" })
    .transform((u) => new URL(u).origin)
    .optional(),
  /** how many reverse proxies in front of the server to trust for X-Forwarded-For/-Proto/-Host (0: none) */
  TRUST_PROXY: whole(0, 10).default(0),
  /** largest form or JSON body, in KiB (default 1 MiB) */
  MAX_BODY_KB: whole(1, 100 * 1024).default(1024),
  /** largest upload (a CSV import, all files of one request), in MiB; default: every import file at its largest */
  MAX_UPLOAD_MB: whole(1, 100 * 1024).optional(),
  /** how many processes `serve` runs on one port (default: one per core; 1: a single process) */
  WORKERS: whole(1, 64).optional(),
  /** pages (GET) a worker renders at once; writes never wait for them (0: no limit). Default 2 on SQLite, 4 on PostgreSQL (its queries wait on the network) */
  RENDER_CONCURRENCY: whole(0, 1000).optional(),
  /** how messages to customers leave the outbox: `log` prints them and marks them sent; `http` posts them to SMS_WEBHOOK_URL */
  MESSAGE_SENDER: z.enum(["log", "http"]).default("log"),
  /** the SMS/WeCom gateway's JSON webhook (MESSAGE_SENDER=http) */
  SMS_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: "an http(s) URL of the gateway's webhook" }).optional(),
  /** HMAC-SHA256 key signing outgoing messages and verifying the gateway's inbound replies */
  SMS_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** attempts per message before it is failed (5xx and network errors are retried) */
  MESSAGE_MAX_ATTEMPTS: whole(1, 20).default(5),
  /** the first retry's wait in ms; each next one waits twice as long */
  MESSAGE_RETRY_BASE_MS: whole(1, 3_600_000).default(5_000),
  /** how long a dispatcher holds a message it is sending before another may take it (ms) */
  MESSAGE_LEASE_MS: whole(100, 3_600_000).default(60_000),
  /** how often each server process looks for messages and reminders due (ms); 0: never */
  MESSAGE_DISPATCH_MS: whole(0, 3_600_000).default(5_000),
}).superRefine((env, ctx) => {
  if (env.MESSAGE_SENDER === "http" && !env.SMS_WEBHOOK_URL) ctx.addIssue({ code: "custom", path: ["SMS_WEBHOOK_URL"], message: "required when MESSAGE_SENDER=http" });
  if (env.MESSAGE_SENDER === "http" && !env.SMS_WEBHOOK_SECRET) ctx.addIssue({ code: "custom", path: ["SMS_WEBHOOK_SECRET"], message: "required when MESSAGE_SENDER=http" });
});

export type Env = z.infer<typeof EnvSchema>;

const OPTIONAL = ["SESSION_SECRET", "DEMO", "PORT", "HOST", "DATABASE_URL", "NODE_ENV", "PUBLIC_URL", "TRUST_PROXY", "MAX_BODY_KB", "MAX_UPLOAD_MB", "WORKERS", "RENDER_CONCURRENCY",
  "MESSAGE_SENDER", "SMS_WEBHOOK_URL", "SMS_WEBHOOK_SECRET", "MESSAGE_MAX_ATTEMPTS", "MESSAGE_RETRY_BASE_MS", "MESSAGE_LEASE_MS", "MESSAGE_DISPATCH_MS"] as const;

export function getEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const input: Record<string, unknown> = { ...source };
  // An empty variable counts as unset.
  for (const key of OPTIONAL) input[key] = source[key] || undefined;
  const parsed = EnvSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${issues}`);
  }
  return parsed.data;
}
