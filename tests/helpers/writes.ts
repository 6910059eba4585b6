/**
 * Acknowledged writes for the crash, backup and load harnesses: each entry performs one
 * state-changing request over HTTP against a running server and returns an id when the
 * server acknowledged it (the answer arrived and said "done"), or null when it refused.
 * `present` tells whether that id is in the database afterwards.
 *
 * Feature authors: add your writes here (card moves, check-ins, plan edits…). The crash
 * test kills the server in the middle of a burst of every entry and then checks that each
 * acknowledged id is present; the load bench drives them concurrently.
 *
 * The entries work on the demo dealership (store ZZ01): they find their campaigns over HTTP
 * (the inviting one, the one on its event day, the approved/inviting plans), sign in once
 * per server URL and user, and keep what they learnt (card and plan versions) per URL, so a
 * restarted server on a new port starts afresh. Queries in `present` are plain Kysely, the
 * same on SQLite and PostgreSQL.
 *
 * Refusals: null only for a refusal the app is expected to give under concurrency — a 409
 * that carries a clear conflict answer (the stale card; the plan's conflict) or a 403. Any
 * other answer (a 5xx, a 400, a 409 without the conflict, a redirect to the sign-in) throws
 * WriteFailed: a harness that quietly counted those as refusals would hide the bugs it is
 * there to find.
 */
import crypto from "node:crypto";
import type { DB } from "#db/client";
import { toInt } from "#db/dialect";

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
  /** told the HTTP status of each state-changing request's answer (the load bench counts them) */
  onAnswer?: (status: number) => void;
}

export interface AckWrite {
  name: string;
  run(ctx: WriteContext): Promise<string | null>;
  present(db: DB, id: string): Promise<boolean>;
  /**
   * Writes that log one contact attempt on an invitation: the invitation an acknowledged id's
   * attempt is on, for the exact "no lost update" count (attempt events per card afterwards =
   * before + acknowledged attempts on it).
   */
  attemptOn?(id: string): number;
}

/** An answer that is neither an acknowledgement nor an expected refusal (status 0: unreadable setup answer). */
export class WriteFailed extends Error {
  constructor(public status: number, message: string) {
    super(message);
  }
}

const DEMO_USERS = ["manager@demo.test", "manager2@demo.test", "staff1@demo.test", "staff2@demo.test", "staff3@demo.test"];

// Who does what. Managers may act on every card (staff only on their own, which the board
// test exercises), and a manager's walk-in is accepted even if the run crosses midnight in
// the store's time zone (override); the board move and the no-JS attempt use two different
// managers so that both sessions and both script confirmations are exercised.
const MOVER = "manager@demo.test";
const CALLER = "manager2@demo.test";
const DOOR = "manager2@demo.test";
const PLANNER = "manager@demo.test";

// ── per-URL state: sessions, the demo's campaigns and cards, versions last seen ──

/** `url email` → the session cookie; a promise so that concurrent first uses sign in once. */
const sessions = new Map<string, Promise<string>>();
const confirmed = new Map<string, Promise<void>>();

function once<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (!p) {
    p = make();
    cache.set(key, p);
    // a failed setup (e.g. the server was killed) is tried again on the next use
    p.catch(() => cache.delete(key));
  }
  return p;
}

/** A redirect to the sign-in page is the answer to a lost session, never a success. */
const toLogin = (res: Response) => (res.headers.get("location") ?? "").startsWith("/login");

function session(url: string, email: string): Promise<string> {
  return once(sessions, `${url} ${email}`, async () => {
    const res = await fetch(`${url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email, password: "demo1234" }),
    });
    await res.arrayBuffer();
    const setCookie = res.headers.get("set-cookie");
    if (res.status !== 302 || !setCookie) throw new WriteFailed(res.status, `sign-in as ${email}: ${res.status}`);
    return setCookie.split(";")[0]!;
  });
}

async function getJson<T>(url: string, cookie: string, path: string): Promise<T> {
  const res = await fetch(`${url}${path}`, { redirect: "manual", headers: { Cookie: cookie } });
  const text = await res.text();
  if (res.status !== 200) throw new WriteFailed(res.status, `GET ${path}: ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

interface DemoTargets {
  /** the campaign in the inviting stage, and its contactable cards (ids ascending) */
  inviting: number;
  cards: number[];
  /** the campaign on its event day (the door is open) */
  eventDay: number;
  /** plans that may be amended (approved, inviting) */
  plans: number[];
}
const targets = new Map<string, Promise<DemoTargets>>();
/** `url` → invitation id → the version last seen (absent: read it again) */
const cardVersions = new Map<string, Map<number, number>>();

function demoTargets(url: string): Promise<DemoTargets> {
  return once(targets, url, async () => {
    const cookie = await session(url, MOVER);
    type Row = { id: number; status: string; event_start: string | null };
    const list = await getJson<{ today: string; rows: Row[] }>(url, cookie, "/campaigns?_data=routes%2Fcampaigns._index");
    const inviting = list.rows.find((r) => r.status === "inviting");
    const eventDay = list.rows.find((r) => r.status === "executing" && r.event_start?.slice(0, 10) === list.today);
    const plans = list.rows.filter((r) => r.status === "approved" || r.status === "inviting").map((r) => r.id).sort((a, b) => a - b);
    if (!inviting || !eventDay || !plans.length) throw new WriteFailed(0, `the demo campaigns are not there: ${JSON.stringify(list.rows.map((r) => [r.id, r.status]))}`);
    // Every card of the board (hold-outs are never on it), with its version: one read per server.
    const all = "pending:2000,maybe:2000,yes:2000,no:2000";
    const board = await getJson<{ board: { columns: Record<string, { id: number; version: number }[]> } }>(
      url, cookie, `/campaigns/${inviting.id}/board?show=${all}&_data=routes%2Fcampaigns.%24id.board`,
    );
    const seen = new Map<number, number>();
    for (const col of Object.values(board.board.columns)) for (const c of col) seen.set(c.id, c.version);
    if (seen.size < 20) throw new WriteFailed(0, `the inviting campaign has ${seen.size} cards`);
    cardVersions.set(url, seen);
    return { inviting: inviting.id, cards: [...seen.keys()].sort((a, b) => a - b), eventDay: eventDay.id, plans };
  });
}

/** Signed in as `email`, with the campaign's script confirmed (nobody may log attempts before). */
async function callerSession(url: string, email: string, campaignId: number): Promise<string> {
  const cookie = await session(url, email);
  await once(confirmed, `${url} ${email} ${campaignId}`, async () => {
    const res = await fetch(`${url}/campaigns/${campaignId}/board`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: url, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "confirm_script" }),
    });
    await res.arrayBuffer();
    if (res.status !== 302 || toLogin(res)) throw new WriteFailed(res.status, `confirming the script as ${email}: ${res.status}`);
  });
  return cookie;
}

/** The version of a card last seen on this server, or read again (after a refusal that did not carry it). */
async function cardVersion(url: string, cookie: string, campaignId: number, invitationId: number): Promise<number> {
  const seen = cardVersions.get(url)!;
  const known = seen.get(invitationId);
  if (known !== undefined) return known;
  const data = await getJson<{ card: { id: number; version: number } | null }>(
    url, cookie, `/campaigns/${campaignId}/calls?invitation=${invitationId}&_data=routes%2Fcampaigns.%24id.calls`,
  );
  if (data.card?.id !== invitationId) throw new WriteFailed(0, `card ${invitationId} not readable`);
  seen.set(invitationId, data.card.version);
  return data.card.version;
}

/**
 * The target of the n-th use of an entry: burst and the load bench both pick the entry by
 * `seq % ACK_WRITES.length`, so `floor(seq / length)` counts that entry's uses 0, 1, 2… and
 * concurrent workers (whose seqs are close) get different cards.
 */
const useOf = (seq: number) => Math.floor(seq / ACK_WRITES.length);

/** A token nobody else writes: it names one accepted change in the database exactly. */
const token = (prefix: string) => `${prefix}-${crypto.randomBytes(6).toString("hex")}`;

const dayAfter = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** The board's moves, in turn: each column with the follow-up it requires. */
const MOVES: Record<string, unknown>[] = [
  { to: "yes", intentVerified: true },
  { to: "maybe", nextFollowUp: dayAfter(2) },
  { to: "no", lossReason: "price" },
  { to: "pending", outcome: "callback", callbackAt: `${dayAfter(1)}T10:30` },
  { to: "pending", outcome: "no_answer" },
];

/**
 * The id of an acknowledged attempt: `invitationId:version:note`. The note is a unique token
 * sent with the attempt, and the accepted version is exactly the version sent + 1 (the
 * update only applies `WHERE version = sent` and adds one), so the id names one attempt row
 * and the version it produced. `present` checks that this very attempt row is there with its
 * 'attempt' event, and that the card reached that version — exact, unlike counting rows.
 */
export const attemptId = (invitationId: number, version: number, note: string) => `${invitationId}:${version}:${note}`;

function parseAttemptId(id: string) {
  const [inv, version, ...note] = id.split(":");
  return { invitationId: Number(inv), version: Number(version), note: note.join(":") };
}

export async function attemptPresent(db: DB, id: string): Promise<boolean> {
  const { invitationId, version, note } = parseAttemptId(id);
  const row = await db.selectFrom("invitation_attempts")
    .innerJoin("invitation_events", (j) => j.onRef("invitation_events.attempt_id", "=", "invitation_attempts.id").on("invitation_events.kind", "=", "attempt"))
    .innerJoin("invitations", "invitations.id", "invitation_attempts.invitation_id")
    .select(["invitation_attempts.id", "invitations.version"])
    .where("invitation_attempts.invitation_id", "=", invitationId).where("invitation_attempts.note", "=", note)
    .executeTakeFirst();
  return !!row && toInt(row.version) >= version;
}

// ── plans ──

type PlanValues = Record<string, unknown> & { version: string; budget: Record<string, string>[]; tasks: Record<string, string>[] };
/** `url campaignId` → the plan's form values as last read (version included); dropped after a conflict */
const plans = new Map<string, Promise<PlanValues>>();
/** KPI values never sent twice in a process: each accepted save changes the field and so appends a history row. */
let kpiSeq = 1_000_000 + crypto.randomInt(0, 4_000_000);

/**
 * An amendment with only the fields the amend form posts (version, KPIs, budget lines, tasks),
 * as the form names them (`budget.0.unitCost`), the current lines and tasks sent back as they
 * are, and the KPI yes count set to `yesCount`.
 */
function amendForm(v: PlanValues, yesCount: number): URLSearchParams {
  const form = new URLSearchParams({ intent: "autosave", mode: "amend", version: v.version });
  for (const k of ["kpiReachRatePercent", "kpiArrivals", "kpiConversions", "kpiRevenue", "kpiDeposits", "kpiRoiPercent"]) form.set(k, String(v[k] ?? ""));
  form.set("kpiYesCount", String(yesCount));
  for (const list of ["budget", "tasks"] as const) {
    v[list].forEach((item, i) => { for (const [k, x] of Object.entries(item)) form.set(`${list}.${i}.${k}`, x ?? ""); });
  }
  return form;
}

export const ACK_WRITES: AckWrite[] = [
  {
    // A sign-in writes a login_attempts row and a sessions row; the 302 with the cookie is the acknowledgement.
    name: "sign-in",
    async run({ url, seq, onAnswer }) {
      const res = await fetch(`${url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { Origin: url, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email: DEMO_USERS[seq % DEMO_USERS.length]!, password: "demo1234" }),
      });
      await res.arrayBuffer();
      onAnswer?.(res.status);
      if (res.status >= 500) throw new WriteFailed(res.status, `sign-in: ${res.status}`);
      if (res.status !== 302) return null;
      return sessionIdFromSetCookie(res.headers.get("set-cookie"));
    },
    async present(db, id) {
      return !!(await db.selectFrom("sessions").select("id").where("id", "=", id).executeTakeFirst());
    },
  },
  {
    // A drag-and-drop move on the board (JSON): one attempt, the column's follow-up, version + 1.
    // The even-numbered cards of the inviting campaign (the no-JS attempts take the odd ones).
    name: "card move",
    async run({ url, seq, onAnswer }) {
      const t = await demoTargets(url);
      const cookie = await callerSession(url, MOVER, t.inviting);
      const cards = t.cards.filter((_, i) => i % 2 === 0);
      const n = useOf(seq);
      const invitationId = cards[n % cards.length]!;
      // the move kind shifts on each pass over the cards, so every card sees every column
      const move = MOVES[(n + Math.floor(n / cards.length)) % MOVES.length]!;
      const version = await cardVersion(url, cookie, t.inviting, invitationId);
      const note = token("ack-move");
      const res = await fetch(`${url}/campaigns/${t.inviting}/board/move`, {
        method: "POST",
        redirect: "manual",
        headers: { Origin: url, Cookie: cookie, "Content-Type": "application/json" },
        body: JSON.stringify({ invitationId, version, note, ...move }),
      });
      const body = (await res.json().catch(() => null)) as { ok?: boolean; stale?: boolean; card?: { id: number; version: number } } | null;
      onAnswer?.(res.status);
      const seen = cardVersions.get(url)!;
      if (res.status === 200 && body?.ok && body.card?.id === invitationId) {
        // the card is read after the commit: another move may already have followed this one
        seen.set(invitationId, Math.max(body.card.version, version + 1));
        return attemptId(invitationId, version + 1, note);
      }
      if (res.status === 409 && body?.stale && body.card?.id === invitationId && body.card.version !== version) {
        seen.set(invitationId, body.card.version);
        return null;
      }
      if (res.status === 403) return null;
      throw new WriteFailed(res.status, `card move: ${res.status} ${JSON.stringify(body)?.slice(0, 200)}`);
    },
    present: attemptPresent,
    attemptOn: (id) => parseAttemptId(id).invitationId,
  },
  {
    // A contact attempt logged with the call workbench's no-JS form (no answer / wrong number:
    // the result stays, version + 1); the 302 back to the workbench is the acknowledgement.
    name: "attempt (form)",
    async run({ url, seq, onAnswer }) {
      const t = await demoTargets(url);
      const cookie = await callerSession(url, CALLER, t.inviting);
      const cards = t.cards.filter((_, i) => i % 2 === 1);
      const n = useOf(seq);
      const invitationId = cards[n % cards.length]!;
      const version = await cardVersion(url, cookie, t.inviting, invitationId);
      const note = token("ack-call");
      const res = await fetch(`${url}/campaigns/${t.inviting}/calls`, {
        method: "POST",
        redirect: "manual",
        headers: { Origin: url, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          intent: "attempt", invitationId: String(invitationId), version: String(version),
          outcome: n % 3 === 2 ? "wrong_number" : "no_answer", channel: "phone", note,
        }),
      });
      const text = await res.text();
      onAnswer?.(res.status);
      const seen = cardVersions.get(url)!;
      if (res.status === 302 && (res.headers.get("location") ?? "").startsWith(`/campaigns/${t.inviting}/calls`)) {
        if ((seen.get(invitationId) ?? -1) <= version) seen.set(invitationId, version + 1);
        return attemptId(invitationId, version + 1, note);
      }
      // the page shown again with the stale-card message; it does not carry the version: read it next time
      if (res.status === 409 && text.includes("invitations:errors.stale")) {
        seen.delete(invitationId);
        return null;
      }
      if (res.status === 403) return null;
      throw new WriteFailed(res.status, `attempt form: ${res.status} ${res.headers.get("location") ?? text.slice(0, 200)}`);
    },
    present: attemptPresent,
    attemptOn: (id) => parseAttemptId(id).invitationId,
  },
  {
    // A walk-in registered at the door of the campaign on its event day: a new customer, an
    // associated invitation and an arrival, all or nothing. The redirect names the arrival.
    name: "walk-in",
    async run({ url, seq, onAnswer }) {
      const t = await demoTargets(url);
      const cookie = await session(url, DOOR);
      const res = await fetch(`${url}/campaigns/${t.eventDay}/execution`, {
        method: "POST",
        redirect: "manual",
        headers: { Origin: url, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
        // a new walk-in needs a mobile of its own (a second customer with the same phone is refused)
        body: new URLSearchParams({ intent: "walkin", name: `压测来宾 ${seq} ${token("w")}`, phone: walkInPhone(), override: "on" }),
      });
      const text = await res.text();
      onAnswer?.(res.status);
      const arrival = /[?&]arrival=(\d+)/.exec(res.headers.get("location") ?? "");
      if (res.status === 302 && !toLogin(res) && arrival) return arrival[1]!;
      // a manager's walk-in of a new customer has no conflict to lose: any refusal is a failure
      throw new WriteFailed(res.status, `walk-in: ${res.status} ${res.headers.get("location") ?? text.slice(0, 200)}`);
    },
    async present(db, id) {
      // the arrival, flagged as a walk-in, with its invitation's 'arrival' event
      const row = await db.selectFrom("arrivals")
        .innerJoin("invitation_events", (j) => j.onRef("invitation_events.invitation_id", "=", "arrivals.invitation_id").on("invitation_events.kind", "=", "arrival"))
        .select("arrivals.id").where("arrivals.id", "=", Number(id)).where("arrivals.walk_in", "=", 1)
        .executeTakeFirst();
      return !!row;
    },
  },
  {
    // A manager amends an approved plan (autosave: JSON with the new version): the KPI yes
    // count set to a value never sent before, so each accepted save appends exactly one
    // campaign_history row (kind 'field', field kpi_yes_count, new value). A save with an
    // old version gets 409 with the conflict (who saved, when); the plan is read again then.
    name: "plan edit",
    async run({ url, seq, onAnswer }) {
      const t = await demoTargets(url);
      const cookie = await session(url, PLANNER);
      const campaignId = t.plans[useOf(seq) % t.plans.length]!;
      const key = `${url} ${campaignId}`;
      const values = await once(plans, key, async () => {
        const data = await getJson<{ mode: string | null; values: PlanValues }>(url, cookie, `/campaigns/${campaignId}/plan?_data=routes%2Fcampaigns.%24id.plan`);
        if (data.mode !== "amend") throw new WriteFailed(0, `plan ${campaignId} is not open to amendments (${data.mode})`);
        return data.values;
      });
      kpiSeq = kpiSeq >= 9_999_999 ? 1_000_000 : kpiSeq + 1;
      const yesCount = kpiSeq;
      const sent = values.version;
      const res = await fetch(`${url}/campaigns/${campaignId}/plan?_data=routes%2Fcampaigns.%24id.plan`, {
        method: "POST",
        redirect: "manual",
        headers: { Origin: url, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
        body: amendForm(values, yesCount),
      });
      const body = (await res.json().catch(() => null)) as { ok?: boolean; version?: number; conflict?: { at: string } } | null;
      onAnswer?.(res.status);
      if (res.status === 200 && body?.ok && typeof body.version === "number") {
        if (Number(values.version) < body.version) values.version = String(body.version);
        return `${campaignId}:${body.version}:${yesCount}`;
      }
      if (res.status === 409 && body?.conflict?.at) {
        if (values.version === sent) plans.delete(key);
        return null;
      }
      if (res.status === 403) return null;
      throw new WriteFailed(res.status, `plan edit: ${res.status} ${JSON.stringify(body)?.slice(0, 300)}`);
    },
    async present(db, id) {
      const [campaignId, version, yesCount] = id.split(":").map(Number) as [number, number, number];
      const [history, campaign] = await Promise.all([
        db.selectFrom("campaign_history").select("id")
          .where("campaign_id", "=", campaignId).where("kind", "=", "field").where("field", "=", "kpi_yes_count").where("new_value", "=", String(yesCount))
          .executeTakeFirst(),
        db.selectFrom("campaigns").select("version").where("id", "=", campaignId).executeTakeFirst(),
      ]);
      return !!history && !!campaign && toInt(campaign.version) >= version;
    },
  },
];

/**
 * Runs `workers` loops of writes (cycling through `writes`) until `stop()` returns true;
 * collects every acknowledged id. Network errors (the server was killed) and failed writes
 * (WriteFailed) end a loop.
 */
/** A random mobile (139 and eight digits): a clash with one of the demo's 3,000 phones is a few in a million. */
function walkInPhone(): string {
  return `139${String(crypto.randomInt(0, 100_000_000)).padStart(8, "0")}`;
}

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
