/**
 * Concurrent card moves over HTTP against a real server: 1,000 random moves on 24 cards of
 * the demo's inviting campaign from 6 clients signed in as different users (two managers,
 * the admin and the three staff members, each staff member holding 8 of the cards). Every
 * client sends the version it last saw, so many moves are stale and must be refused (409,
 * with the card's current state); staff moving someone else's card must be refused (403).
 * Afterwards, per card: every accepted move is in the history (one attempt row with its
 * 'attempt' event each, and nothing from a refused move), the accepted versions are
 * consecutive from the version before, and the final result and version are those of the
 * last accepted move. No answer is a 5xx; on SQLite the file passes integrity_check.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { integrityCheck } from "#db/backup";
import { toInt } from "#db/dialect";
import { reassign } from "~/models/invitation.server";
import { createRng } from "~/models/random";
import { signInHttp, startAppServer, type AppServer } from "../helpers/app-server";
import { TEST_ENGINE } from "../helpers/pg";

// Starts a real server (and, first in a run, builds the app); on a busy 2-core machine that takes a while.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const MOVES = 1000;
const CARDS = 24;
const SEED = Number(process.env.BOARD_MOVES_SEED) || 20261123;

let app: AppServer | undefined;
afterAll(async () => {
  await app?.close();
});

const dayAfter = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** The moves drawn from: each column with the follow-up it requires, and the result it leaves. */
const KINDS: { body: Record<string, unknown>; result: string }[] = [
  { body: { to: "yes", intentVerified: true }, result: "yes" },
  { body: { to: "yes", deposit: "200", depositReceipt: "SJ-TEST" }, result: "yes" },
  { body: { to: "maybe", nextFollowUp: dayAfter(2), managerJoins: true }, result: "maybe" },
  { body: { to: "no", lossReason: "price" }, result: "no" },
  { body: { to: "no", lossReason: "other", lossNote: "测试" }, result: "no" },
  { body: { to: "pending", outcome: "no_answer" }, result: "pending" },
  { body: { to: "pending", outcome: "wrong_number" }, result: "pending" },
  { body: { to: "pending", outcome: "callback", callbackAt: `${dayAfter(1)}T15:00` }, result: "pending" },
];

interface CardAnswer { id: number; version: number; result: string }
interface Move {
  client: string;
  invitationId: number;
  sent: number;
  result: string;
  note: string;
  status: number;
  body: { ok?: boolean; stale?: boolean; card?: CardAnswer } | null;
}

describe("board moves over HTTP", () => {
  it("1,000 concurrent moves: every accepted one in the history, stale ones refused with the current card", async () => {
    app = await startAppServer();
    const { db, url } = app;
    const store = await db.selectFrom("stores").select("id").where("code", "=", "ZZ01").executeTakeFirstOrThrow();
    const campaign = await db.selectFrom("campaigns").select("id").where("store_id", "=", store.id).where("status", "=", "inviting")
      .orderBy("id").executeTakeFirstOrThrow();
    const emails = ["manager@demo.test", "manager2@demo.test", "admin@demo.test", "staff1@demo.test", "staff2@demo.test", "staff3@demo.test"];
    const users = await db.selectFrom("users").select(["id", "email", "role"]).where("email", "in", emails).execute();
    const userOf = (email: string) => users.find((u) => u.email === email)!;
    const staff = users.filter((u) => u.role === "staff").sort((a, b) => a.email.localeCompare(b.email));
    expect(users).toHaveLength(6);
    expect(staff).toHaveLength(3);

    // 24 cards, 8 per staff member (reassigned with the model function, as a manager would).
    const cardIds = (await db.selectFrom("invitations").select("id").where("campaign_id", "=", campaign.id).where("holdout", "=", 0)
      .orderBy("id").limit(CARDS).execute()).map((r) => r.id);
    expect(cardIds).toHaveLength(CARDS);
    const assignee = new Map<number, number>();
    for (const [k, s] of staff.entries()) {
      const mine = cardIds.filter((_, i) => i % staff.length === k);
      await reassign(db, { storeId: store.id, campaignId: campaign.id, actor: { id: userOf("manager@demo.test").id, role: "manager" }, invitationIds: mine, assigneeId: s.id });
      for (const id of mine) assignee.set(id, s.id);
    }

    // The state before: version, result, attempts and attempt events per card.
    const snapshot = async () => {
      const [rows, events] = await Promise.all([
        db.selectFrom("invitations").select(["id", "version", "result", "attempts_count", "assignee_id"]).where("id", "in", cardIds).execute(),
        db.selectFrom("invitation_events").select((eb) => ["invitation_id", eb.fn.countAll().as("n")])
          .where("invitation_id", "in", cardIds).where("kind", "=", "attempt").groupBy("invitation_id").execute(),
      ]);
      const events_ = new Map(events.map((e) => [e.invitation_id, toInt(e.n)]));
      return new Map(rows.map((r) => [r.id, {
        version: toInt(r.version), result: r.result, attempts: toInt(r.attempts_count), events: events_.get(r.id) ?? 0, assignee: r.assignee_id,
      }]));
    };
    const before = await snapshot();
    for (const id of cardIds) expect(before.get(id)!.assignee).toBe(assignee.get(id));

    // Six clients, each with its own session, the script confirmed, and the versions it last saw.
    const clients = await Promise.all(emails.map(async (email, k) => {
      const { cookie } = await signInHttp(url, email);
      const res = await fetch(`${url}/campaigns/${campaign.id}/board`, {
        method: "POST", redirect: "manual",
        headers: { Origin: url, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ intent: "confirm_script" }),
      });
      await res.arrayBuffer();
      expect(res.status, `confirming the script as ${email}`).toBe(302);
      const user = userOf(email);
      return {
        email, cookie, user, rng: createRng(SEED + k),
        seen: new Map(cardIds.map((id) => [id, before.get(id)!.version])),
        own: cardIds.filter((id) => assignee.get(id) === user.id),
      };
    }));

    const moves: Move[] = [];
    let issued = 0;
    const started = Date.now();
    await Promise.all(clients.map(async (c) => {
      while (issued < MOVES) {
        const n = issued++;
        // staff mostly work their own cards, and now and then try someone else's (403)
        const pool = c.own.length && c.rng.chance(0.85) ? c.own : cardIds;
        const invitationId = c.rng.pick(pool);
        const kind = c.rng.pick(KINDS);
        const sent = c.seen.get(invitationId)!;
        const note = `bm-${SEED}-${n}`;
        const res = await fetch(`${url}/campaigns/${campaign.id}/board/move`, {
          method: "POST", redirect: "manual",
          headers: { Origin: url, Cookie: c.cookie, "Content-Type": "application/json" },
          // a receipt number is unique within a campaign: one per card
          body: JSON.stringify({ invitationId, version: sent, note, ...kind.body, ...(kind.body.depositReceipt ? { depositReceipt: `SJ-${invitationId}` } : {}) }),
        });
        const body = (await res.json().catch(() => null)) as Move["body"];
        moves.push({ client: c.email, invitationId, sent, result: kind.result, note, status: res.status, body });
        const card = body?.card;
        if (card && card.id === invitationId) c.seen.set(invitationId, Math.max(card.version, res.status === 200 ? sent + 1 : 0));
      }
    }));
    const seconds = (Date.now() - started) / 1000;

    const byStatus = new Map<number, number>();
    for (const m of moves) byStatus.set(m.status, (byStatus.get(m.status) ?? 0) + 1);
    console.info(`board moves (${TEST_ENGINE}, seed ${SEED}): ${moves.length} in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(byStatus))}`);
    expect(moves).toHaveLength(MOVES);
    expect(moves.filter((m) => m.status >= 500)).toEqual([]);
    expect([...byStatus.keys()].every((s) => s === 200 || s === 403 || s === 409), JSON.stringify(Object.fromEntries(byStatus))).toBe(true);

    // 403 exactly when a staff member moved a card that is not theirs; such a refusal wins over staleness.
    const role = new Map(clients.map((c) => [c.email, c.user]));
    for (const m of moves) {
      const u = role.get(m.client)!;
      const notTheirs = u.role === "staff" && assignee.get(m.invitationId) !== u.id;
      expect(m.status === 403, `${m.client} on #${m.invitationId}: ${m.status}`).toBe(notTheirs);
    }

    const accepted = moves.filter((m) => m.status === 200);
    const stale = moves.filter((m) => m.status === 409);
    expect(accepted.length).toBeGreaterThan(0);
    expect(stale.length).toBeGreaterThan(0);
    // The answer to an accepted move is the card after it (or after a later one already).
    for (const m of accepted) {
      expect(m.body?.ok).toBe(true);
      expect(m.body?.card?.id).toBe(m.invitationId);
      expect(m.body!.card!.version).toBeGreaterThanOrEqual(m.sent + 1);
      if (m.body!.card!.version === m.sent + 1) expect(m.body!.card!.result).toBe(m.result);
    }

    const after = await snapshot();
    /** card → version → the accepted move that produced it (the update applies only `WHERE version = sent`) */
    const produced = new Map<number, Map<number, Move>>(cardIds.map((id) => [id, new Map()]));
    for (const m of accepted) {
      const versions = produced.get(m.invitationId)!;
      expect(versions.has(m.sent + 1), `two accepted moves produced version ${m.sent + 1} of #${m.invitationId}`).toBe(false);
      versions.set(m.sent + 1, m);
    }
    for (const id of cardIds) {
      const was = before.get(id)!;
      const now = after.get(id)!;
      const versions = [...produced.get(id)!.keys()].sort((a, b) => a - b);
      const k = versions.length;
      // consecutive versions from the one before: no two accepted moves on the same version, none skipped
      expect(versions, `#${id}`).toEqual(Array.from({ length: k }, (_, i) => was.version + 1 + i));
      // every accepted move is in the history, and nothing else
      expect(now.events - was.events, `attempt events of #${id}`).toBe(k);
      expect(now.attempts - was.attempts, `attempts_count of #${id}`).toBe(k);
      // the final state is the last accepted move's
      expect(now.version, `version of #${id}`).toBe(was.version + k);
      expect(now.result, `result of #${id}`).toBe(k ? produced.get(id)!.get(was.version + k)!.result : was.result);
    }

    // Each accepted move's own attempt row (found by its note) with its 'attempt' event; none for refused moves.
    const rows = await db.selectFrom("invitation_attempts")
      .leftJoin("invitation_events", (j) => j.onRef("invitation_events.attempt_id", "=", "invitation_attempts.id").on("invitation_events.kind", "=", "attempt"))
      .select(["invitation_attempts.invitation_id", "invitation_attempts.note", "invitation_events.id as event_id"])
      .where("invitation_attempts.invitation_id", "in", cardIds).where("invitation_attempts.note", "like", `bm-${SEED}-%`)
      .execute();
    const byNote = new Map<string, typeof rows>();
    for (const r of rows) byNote.set(r.note!, [...(byNote.get(r.note!) ?? []), r]);
    for (const m of accepted) {
      const found = byNote.get(m.note) ?? [];
      expect(found, m.note).toHaveLength(1);
      expect(found[0]!.invitation_id).toBe(m.invitationId);
      expect(found[0]!.event_id).not.toBeNull();
    }
    expect(rows).toHaveLength(accepted.length);

    // A stale move was refused with the card as it then was: newer than the version sent, at
    // most the final one, and — past the version before the run — the state some accepted move left.
    for (const m of stale) {
      expect(m.body?.stale, JSON.stringify(m.body)).toBe(true);
      const card = m.body!.card!;
      expect(card.id).toBe(m.invitationId);
      expect(card.version).toBeGreaterThan(m.sent);
      expect(card.version).toBeLessThanOrEqual(after.get(m.invitationId)!.version);
      if (card.version > before.get(m.invitationId)!.version) expect(card.result).toBe(produced.get(m.invitationId)!.get(card.version)!.result);
    }
    console.info(`board moves: ${accepted.length} accepted, ${stale.length} stale (409), ${moves.filter((m) => m.status === 403).length} not the staff member's card (403)`);

    if (TEST_ENGINE === "sqlite") {
      await app.server.stop();
      expect(integrityCheck(app.dbFile!)).toBe("ok");
    }
  });
});
