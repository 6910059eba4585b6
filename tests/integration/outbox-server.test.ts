/**
 * Messages through a real server (issue 13): the manager's "Send invitation messages" button
 * queues, the dispatchers of two workers send each message once to a fake gateway; the gateway's
 * inbound "T" (signed, no Origin) marks the customer do-not-contact with history and cancels
 * their queued messages; unsigned or badly signed replies are 401.
 */
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { toInt } from "#db/dialect";
import { signBody } from "~/models/outbox-senders.server";
import { dueReminderKinds } from "~/models/outbox.server";
import { localNow } from "~/utils/format";
import { signInHttp, startAppServer, type AppServer } from "../helpers/app-server";
import { startFakeGateway, type FakeGateway } from "../helpers/fake-gateway";

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const SECRET = "inbound-secret-0123456789abcdef";
let app: AppServer;
let gw: FakeGateway;

beforeAll(async () => {
  gw = await startFakeGateway({ secret: SECRET });
  app = await startAppServer({
    env: { WORKERS: "2", MESSAGE_SENDER: "http", SMS_WEBHOOK_URL: gw.url, SMS_WEBHOOK_SECRET: SECRET, MESSAGE_DISPATCH_MS: "150", PUBLIC_URL: "" },
  });
});

afterAll(async () => {
  await app?.close();
  await gw?.close();
});

const inbound = (body: string, signature?: string) => fetch(`${app.url}/webhooks/sms-inbound`, {
  method: "POST", headers: { "Content-Type": "application/json", ...(signature ? { "X-Signature": signature } : {}) }, body,
});

test("the button queues the invitation messages; two workers' dispatchers send each once", async () => {
  const store = await app.db.selectFrom("stores").select("id").where("code", "=", "ZZ01").executeTakeFirstOrThrow();
  const campaign = await app.db.selectFrom("campaigns").select("id").where("store_id", "=", store.id).where("status", "=", "inviting").orderBy("id").executeTakeFirstOrThrow();
  const { cookie } = await signInHttp(app.url, "manager@demo.test");
  const page = await fetch(`${app.url}/campaigns/${campaign.id}/invitations`, { headers: { Cookie: cookie } });
  const html = await page.text();
  expect(page.status).toBe(200);
  expect(html).toContain('data-testid="send-messages"');
  const expected = await app.db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id").select("invitations.id")
    .where("invitations.campaign_id", "=", campaign.id).where("invitations.holdout", "=", 0).where("customers.do_not_contact", "=", 0)
    .where("customers.phone", "is not", null).execute();
  expect(expected.length).toBeGreaterThan(0);
  const res = await fetch(`${app.url}/campaigns/${campaign.id}/invitations`, {
    method: "POST", redirect: "manual", headers: { Cookie: cookie, Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ intent: "send_messages" }),
  });
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toContain(`done=messages&n=${expected.length}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const left = await app.db.selectFrom("outbox").select("id").where("campaign_id", "=", campaign.id).where("status", "=", "queued").execute();
    if (!left.length) break;
    if (Date.now() > deadline) throw new Error(`${left.length} messages still queued`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const rows = await app.db.selectFrom("outbox").selectAll().where("campaign_id", "=", campaign.id).execute();
  expect(rows.length).toBe(expected.length);
  expect(rows.every((r) => r.status === "sent" && toInt(r.attempts) === 1)).toBe(true);
  // this campaign's messages only: the demo's reminders of other campaigns may fall due meanwhile
  // (the store's day turns at 16:00 UTC), and the same dispatchers send those to the same gateway
  const ours = new Set(rows.map((r) => r.idempotency_key));
  const keys = gw.requests.map((r) => r.key).filter((k) => k !== null && ours.has(k));
  expect(keys.length).toBe(expected.length);
  expect(new Set(keys).size).toBe(expected.length);
  expect(gw.requests.every((r) => r.signatureOk)).toBe(true);
  // the panel now counts them
  const after = await (await fetch(`${app.url}/campaigns/${campaign.id}/invitations`, { headers: { Cookie: cookie } })).text();
  expect(after).toMatch(new RegExp(`data-testid="outbox-counts"[^>]*>[^<]*${expected.length}`));
});

test("an inbound T marks every customer with the number do-not-contact, with history, and cancels their queued messages", async () => {
  const customer = await app.db.selectFrom("customers").innerJoin("invitations", "invitations.customer_id", "customers.id")
    .innerJoin("campaigns", "campaigns.id", "invitations.campaign_id")
    .select(["customers.id", "customers.phone", "customers.store_id", "invitations.id as invitation_id", "invitations.campaign_id"])
    .where("customers.do_not_contact", "=", 0).where("customers.phone", "is not", null).where("invitations.holdout", "=", 0)
    .where("campaigns.status", "=", "inviting").orderBy("customers.id", "desc").executeTakeFirstOrThrow();
  // a queued message for this customer (not due yet) that must never go out
  await app.db.insertInto("outbox").values({
    store_id: customer.store_id, campaign_id: customer.campaign_id, invitation_id: customer.invitation_id, customer_id: customer.id, channel: "wecom",
    kind: "invite", phone: customer.phone!, text: "x", link: null, status: "queued",
    next_attempt_at: "2999-01-01T00:00:00.000Z", idempotency_key: `test:${customer.id}`, created_at: new Date().toISOString(),
  }).execute();
  const body = JSON.stringify({ phone: `+86 ${customer.phone}`, text: " 退订 " });
  expect((await inbound(body)).status).toBe(401);
  expect((await inbound(body, signBody("another-secret-0123456789", body))).status).toBe(401);
  expect((await inbound(body, signBody(SECRET, body.replace("退订", "T ")))).status).toBe(401);
  expect(toInt((await app.db.selectFrom("customers").select("do_not_contact").where("id", "=", customer.id).executeTakeFirstOrThrow()).do_not_contact)).toBe(0);

  const res = await inbound(body, signBody(SECRET, body));
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ ok: true, optOut: true, customers: 1, cancelled: 1 });
  expect(toInt((await app.db.selectFrom("customers").select("do_not_contact").where("id", "=", customer.id).executeTakeFirstOrThrow()).do_not_contact)).toBe(1);
  const history = await app.db.selectFrom("customer_changes").selectAll().where("customer_id", "=", customer.id).where("field", "=", "do_not_contact").execute();
  expect(history.map((h) => [h.old_value, h.new_value, h.user_id])).toEqual([["0", "1", null]]);
  expect((await app.db.selectFrom("outbox").select("status").where("idempotency_key", "=", `test:${customer.id}`).executeTakeFirstOrThrow()).status).toBe("cancelled");
  // again: nothing more to change; another text is not an opt-out
  expect(await (await inbound(body, signBody(SECRET, body))).json()).toMatchObject({ customers: 0 });
  const hello = JSON.stringify({ phone: customer.phone, text: "好的，我会来" });
  expect(await (await inbound(hello, signBody(SECRET, hello))).json()).toMatchObject({ ok: true, optOut: false });
  expect((await fetch(`${app.url}/webhooks/sms-inbound`)).status).toBe(405);
});

test("reminders: armed from the event's time by both workers' dispatchers, each sent once", async () => {
  const store = await app.db.selectFrom("stores").select(["id", "timezone"]).where("code", "=", "ZZ01").executeTakeFirstOrThrow();
  const campaign = await app.db.selectFrom("campaigns").select("id").where("store_id", "=", store.id).where("status", "=", "inviting").orderBy("id").executeTakeFirstOrThrow();
  // the event starts in 40 minutes (store time): whichever reminder is due now goes out
  const eventStart = localNow(store.timezone, new Date(Date.now() + 40 * 60_000));
  const kinds = dueReminderKinds(eventStart, localNow(store.timezone));
  expect(kinds.length).toBe(1);
  const targets = await app.db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id").select("invitations.id")
    .where("invitations.campaign_id", "=", campaign.id).where("invitations.holdout", "=", 0).where("customers.do_not_contact", "=", 0)
    .where("customers.phone", "is not", null).orderBy("invitations.id").limit(6).execute();
  expect(targets.length).toBeGreaterThan(1);
  await app.db.updateTable("invitations").set({ result: "yes" }).where("id", "in", targets.map((t) => t.id)).execute();
  gw.requests.length = 0;
  await app.db.updateTable("campaigns").set({ event_start: eventStart }).where("id", "=", campaign.id).execute();
  const want = targets.map((t) => `reminder:${kinds[0]}:${t.id}:${eventStart}`).sort();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const sent = await app.db.selectFrom("outbox").select("idempotency_key").where("campaign_id", "=", campaign.id).where("kind", "=", kinds[0]!)
      .where("status", "=", "sent").where("idempotency_key", "in", want).execute();
    if (sent.length === want.length) break;
    if (Date.now() > deadline) throw new Error(`${sent.length} of ${want.length} reminders sent`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // a few more ticks of both workers: nothing is sent again
  await new Promise((r) => setTimeout(r, 800));
  const keys = gw.requests.map((r) => r.key!).filter((k) => want.includes(k)).sort();
  expect(keys).toEqual(want);
  const rows = await app.db.selectFrom("outbox").select(["idempotency_key", "attempts"]).where("idempotency_key", "in", want).execute();
  expect(rows.every((r) => toInt(r.attempts) === 1)).toBe(true);
});
