/**
 * Acknowledged writes for the crash, backup and load harnesses: each entry performs one
 * state-changing request over HTTP against a running server and returns an id when the
 * server acknowledged it (the answer arrived and said "done"), or null when it refused.
 * `present` tells whether that id is in the database afterwards.
 *
 * Feature authors: add your writes here (card moves, check-ins, plan edits…). The crash
 * test kills the server in the middle of a burst of every entry and then checks that each
 * acknowledged id is present; the load bench drives them concurrently.
 */
import type { DB } from "#db/client";

/** The session id inside a `__session` Set-Cookie (Remix signed cookie: base64(JSON).signature). */
export function sessionIdFromSetCookie(setCookie: string | null): string | null {
  const m = /__session=([^;]*)/.exec(setCookie ?? "");
  if (!m || !m[1]) return null;
  const raw = decodeURIComponent(m[1]);
  const value = raw.slice(0, raw.lastIndexOf("."));
  try {
    const decoded = JSON.parse(Buffer.from(value, "base64").toString("utf8"));
    return typeof decoded === "string" ? decoded : null;
  } catch {
    return null;
  }
}

export interface WriteContext {
  url: string;
  /** a per-worker counter, for unique values */
  seq: number;
}

export interface AckWrite {
  name: string;
  run(ctx: WriteContext): Promise<string | null>;
  present(db: DB, id: string): Promise<boolean>;
}

const DEMO_USERS = ["manager@demo.test", "manager2@demo.test", "staff1@demo.test", "staff2@demo.test", "staff3@demo.test"];

export const ACK_WRITES: AckWrite[] = [
  {
    // A sign-in writes a login_attempts row and a sessions row; the 302 with the cookie is the acknowledgement.
    name: "sign-in",
    async run({ url, seq }) {
      const res = await fetch(`${url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email: DEMO_USERS[seq % DEMO_USERS.length]!, password: "demo1234" }),
      });
      await res.arrayBuffer();
      if (res.status !== 302) return null;
      return sessionIdFromSetCookie(res.headers.get("set-cookie"));
    },
    async present(db, id) {
      return !!(await db.selectFrom("sessions").select("id").where("id", "=", id).executeTakeFirst());
    },
  },
];

/**
 * Runs `workers` loops of writes (cycling through `writes`) until `stop()` returns true;
 * collects every acknowledged id. Network errors (the server was killed) end a loop.
 */
export async function burst(
  url: string,
  writes: AckWrite[],
  opts: { workers: number; stop: (acked: number) => boolean },
): Promise<{ acked: { write: AckWrite; id: string }[]; refused: number; errors: number }> {
  const acked: { write: AckWrite; id: string }[] = [];
  let refused = 0;
  let errors = 0;
  let seq = 0;
  await Promise.all(
    Array.from({ length: opts.workers }, async () => {
      while (!opts.stop(acked.length)) {
        const n = seq++;
        const write = writes[n % writes.length]!;
        try {
          const id = await write.run({ url, seq: n });
          if (id) acked.push({ write, id });
          else refused++;
        } catch {
          errors++;
          return;
        }
      }
    }),
  );
  return { acked, refused, errors };
}
