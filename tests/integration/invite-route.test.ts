/**
 * The invitation page's routes called with real Requests on a real migrated database: the limit
 * on links that do not open (per client address, counted in the database), the 404 that names
 * nothing, and an answer posted as a plain form.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { linkTokenFor } from "~/models/invitation-link.server";
import { INVITE_LIMITS } from "~/models/invite-rate-limit.server";
import { makeApprovedCampaign } from "../helpers/invitation-factories";
import { createTestDb } from "../helpers/test-db";

let db: DB;
let token = "";
let campaignName = "";
let invitationId = 0;

beforeAll(async () => {
  db = await createTestDb();
  (globalThis as { __db?: DB }).__db = db;
  const c = await makeApprovedCampaign(db, { customers: 4, holdoutPercent: 0, start: true });
  await db.updateTable("campaigns").set({ event_start: "2099-12-12T09:00", event_end: "2099-12-12T17:00" }).where("id", "=", c.campaign.id).execute();
  campaignName = c.campaign.name;
  invitationId = (await db.selectFrom("invitations").select("id").where("campaign_id", "=", c.campaign.id).orderBy("id").executeTakeFirstOrThrow()).id;
  token = (await linkTokenFor(db, { storeId: c.store.id, campaignId: c.campaign.id, invitationId }))!;
});

afterAll(async () => {
  (globalThis as { __db?: DB }).__db = undefined;
  await db.destroy();
});

/** What a loader or action answered, thrown or returned. */
async function answer(run: () => Promise<unknown>): Promise<Response> {
  try {
    return (await run()) as Response;
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
}

const page = async (t: string, ip: string) => {
  const { loader } = await import("~/routes/i.$token");
  return answer(() => loader({ request: new Request(`http://localhost/i/${t}`), params: { token: t }, context: { ip } }) as Promise<unknown>);
};

describe("the invitation page's routes", () => {
  it("answers links that do not open with one 404, and refuses an address that guessed too often (429) while others go on", async () => {
    const ip = "203.0.113.9";
    expect((await page(token, ip)).status).toBe(200);
    const views = await db.selectFrom("invite_rate_limits").selectAll().execute();
    expect(views).toEqual([]); // reading a page writes nothing
    for (let i = 0; i < INVITE_LIMITS.misses.max; i++) {
      const res = await page(`${token.slice(0, -2)}${String(i).padStart(2, "0")}`, ip);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain(campaignName);
    }
    const refused = await page(token, ip);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await page(token, "198.51.100.7")).status).toBe(200);
  });

  it("takes an answer posted as a plain form and redirects back to the page", async () => {
    const { action } = await import("~/routes/i.$token");
    const body = new URLSearchParams({ intent: "respond", response: "yes", companions: "3", note: "", lossReason: "" });
    const res = await answer(() => action({
      request: new Request(`http://localhost/i/${token}`, { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" } }),
      params: { token }, context: { ip: "192.0.2.1" },
    }) as Promise<unknown>);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/i/${token}?done=yes#answer`);
    const inv = await db.selectFrom("invitations").select("result").where("id", "=", invitationId).executeTakeFirstOrThrow();
    expect(inv.result).toBe("yes");
    const bad = await answer(() => action({
      request: new Request(`http://localhost/i/${token}`, { method: "POST", body: new URLSearchParams({ intent: "respond", response: "perhaps", companions: "x" }), headers: { "Content-Type": "application/x-www-form-urlencoded" } }),
      params: { token }, context: { ip: "192.0.2.1" },
    }) as Promise<unknown>);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ intent: "respond", formError: "invite:errors.form", errors: { response: "invite:errors.response", companions: "invite:errors.companions" }, values: { response: "perhaps", companions: "x" } });
  });
});
