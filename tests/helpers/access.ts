/**
 * The access sweep's declarations (tests/integration/access-sweep.test.ts). Every route of
 * the app comes from the built route manifest; each must be listed here.
 *
 * Feature authors: when you add `app/routes/<file>.tsx`, add `"<file>"` to the list of DECLARED
 * that says who may call its loader / action (`"user/manager"`: any user reads, managers post), and if its path has a new `:param`,
 * a resolver in PARAM_RESOLVERS returning an id of that kind in store ZZ01 (create one if
 * the demo has none). The sweep then checks, over HTTP on a real server: signed out →
 * redirect to /login (or 401); staff → 403 on "manager"; another store's manager → 404 on
 * every ZZ01 id (and no change to the database on POST).
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { DB } from "#db/client";

/** public: anyone · user: any signed-in user of the store · manager: managers and admins (staff get 403) */
export type Access = "public" | "user" | "manager";

/** Who may call each route's loader and action, written `loader` or `loader/action`, each with its routes (file names). */
const DECLARED: Partial<Record<Access | `${Access}/${Access}`, string[]>> = {
  public: [
    "$", "healthz",
    "i.$token_.calendar", // the customers' invitation page's calendar file: no sign-in, the token is the key (decision 017)
  ],
  "public/public": [
    "lang", "login", "logout",
    "i.$token", // the customers' invitation page: no sign-in, the token is the key (decision 017)
    "i.$token_.survey", // the customers' touchpoint survey (issue 15): GET is a 404, POST rates with the token as the key
    "webhooks.sms-inbound", // the SMS gateway's replies: no sign-in, an HMAC signature instead (GET 405, unsigned POST 401)
  ],
  "public/user": [
    "store",
    // GET answers 405 to anyone (only POST moves a card)
    "campaigns.$id.board_.move", "campaigns.$id.board_.attempt",
    "campaigns.$id.execution_.scan", // the check-in desk (issue 15): the scan (GET 405 to anyone, POST checks in)
  ],
  user: [
    "_index", "customers._index", "segments._index", "campaigns._index", "campaigns.audience", "campaigns.$id.print", "campaigns.$id.codes",
    "segments.$id.export", // exports (issue 12): the members for anyone who sees the segment page (staff get masked phones)
    "campaigns.$id.execution_.live", // the check-in desk's live count (issue 15)
    "leads._index", // leads (issue 16): every user has a list and may tag an interest; the rule page is managers'
  ],
  "user/user": [
    "campaigns.$id.board", "campaigns.$id.calls", "campaigns.$id.no-shows", "leads.new", "leads.$id",
    // event day and review (issue 6): check-in, orders and task status are for everyone at the door;
    // actual costs, scores and readiness are refused to staff by the model (403), the review is managers'
    "campaigns.$id.execution",
  ],
  "user/manager": ["customers.$id", "segments.new", "segments.$id", "campaigns.$id._index", "campaigns.$id.plan"],
  manager: [
    "customers.import_.$jobId", "touchpoints",
    "campaigns.$id.review.csv", "campaigns.$id.messages.csv", "campaigns.$id.audience.export", "campaigns.$id.review.export",
  ],
  "manager/manager": [
    "settings", "customers.import", "campaigns.new", "campaigns.$id.invitations", "campaigns.$id.review", "campaigns.$id.leads",
  ],
};

export const ROUTE_ACCESS: Record<string, { loader?: Access; action?: Access }> = Object.fromEntries(
  Object.entries(DECLARED).flatMap(([who, routes]) => {
    const [loader, action] = who.split("/") as [Access, Access | undefined];
    return routes.map((route) => [route, action ? { loader, action } : { loader }]);
  }),
);

export interface Store {
  id: number;
  /** a manager of this store */
  managerId: number;
}

/**
 * `path prefix ending in the param` → an id of that kind belonging to store ZZ01.
 * Keyed by the prefix so that `campaigns/:id` serves `campaigns/:id/plan`, `…/print`, ….
 */
export const PARAM_RESOLVERS: Record<string, (db: DB, store: Store) => Promise<string | number | null>> = {
  // a finished web import of the store (issue 3)
  "customers/import/:jobId": async (db, store) =>
    (await db.insertInto("import_jobs").values({
      store_id: store.id, user_id: store.managerId, status: "done", files: JSON.stringify({ customers: "customers.csv" }),
      outcome: JSON.stringify({ ok: true, storeCreated: false, storeId: store.id, counts: {} }), message: null,
      created_at: new Date().toISOString(), finished_at: new Date().toISOString(),
    }).returning("id").executeTakeFirstOrThrow()).id,
  "customers/:id": async (db, store) =>
    (await db.selectFrom("customers").select("id").where("store_id", "=", store.id).orderBy("id").executeTakeFirst())?.id ?? null,
  "segments/:id": async (db, store) =>
    (await db.selectFrom("segments").select("id").where("store_id", "=", store.id).orderBy("id").executeTakeFirst())?.id ?? null,
  // a link token of the store's inviting campaign (made when missing)
  "i/:token": async (db, store) => {
    const inv = await db.selectFrom("invitations").innerJoin("campaigns", "campaigns.id", "invitations.campaign_id")
      .select(["invitations.id", "invitations.campaign_id"]).where("invitations.store_id", "=", store.id).where("campaigns.status", "=", "inviting")
      .where("invitations.holdout", "=", 0).orderBy("invitations.id").executeTakeFirst();
    if (!inv) return null;
    const { linkTokenFor } = await import("~/models/invitation-link.server");
    return linkTokenFor(db, { storeId: store.id, campaignId: inv.campaign_id, invitationId: inv.id });
  },
  // a lead of the store owned by the sweep's staff user (staff1), so that staff may open it (made when missing)
  "leads/:id": async (db, store) => {
    const staff = await db.selectFrom("users").select("id").where("email", "=", "staff1@demo.test").executeTakeFirst();
    const customer = await db.selectFrom("customers").select("id").where("store_id", "=", store.id).orderBy("id").executeTakeFirst();
    if (!staff || !customer) return null;
    const found = await db.selectFrom("leads").select("id").where("store_id", "=", store.id).where("owner_id", "=", staff.id).executeTakeFirst();
    if (found) return found.id;
    const at = new Date().toISOString();
    return (await db.insertInto("leads").values({
      store_id: store.id, customer_id: customer.id, kind: "repair_quote", department: "after_sales", owner_id: staff.id, created_by: store.managerId,
      creator_department: "after_sales", campaign_id: null, invitation_id: null, event_order_id: null, source: "card", lost_reason: null, note: null,
      expected_value_fen: null, actual_value_fen: null, next_follow_up: null, won_on: null, closed_at: null, created_at: at, updated_at: at,
    }).returning("id").executeTakeFirstOrThrow()).id;
  },
  "campaigns/:id": async (db, store) => {
    const found = await db.selectFrom("campaigns").select("id").where("store_id", "=", store.id).orderBy("id").executeTakeFirst();
    if (found) return found.id;
    const { createCampaign } = await import("~/models/campaign.server");
    const { PlanSchema } = await import("~/models/campaign.schema");
    const input = PlanSchema.parse({ name: "access sweep", version: 0 });
    return (await createCampaign(db, { storeId: store.id, actor: { id: store.managerId, role: "manager" }, input })).id;
  },
};

export interface SweepRoute {
  /** route id without "routes/", i.e. the file name: `campaigns.$id.plan` */
  key: string;
  /** URL pattern: `/campaigns/:id/plan` */
  pattern: string;
  index: boolean;
  hasLoader: boolean;
  hasAction: boolean;
  params: string[];
}

interface ManifestRoute {
  id: string;
  parentId?: string;
  path?: string;
  index?: boolean;
  module: { loader?: unknown; action?: unknown; default?: unknown };
}

/** Every route of the built app (server build's `routes` export), with its full URL pattern. */
export async function routesFromBuild(buildDir: string): Promise<SweepRoute[]> {
  const build = (await import(pathToFileURL(path.join(buildDir, "index.js")).href)) as { routes: Record<string, ManifestRoute> };
  const routes = build.routes;
  const fullPath = (r: ManifestRoute): string => {
    const own = r.path ?? "";
    const parent = r.parentId ? routes[r.parentId] : undefined;
    const up = parent ? fullPath(parent) : "";
    return [up, own].filter(Boolean).join("/");
  };
  return Object.values(routes)
    .filter((r) => r.id !== "root")
    .map((r) => {
      const p = fullPath(r);
      return {
        key: r.id.replace(/^routes\//, ""),
        pattern: `/${p}`,
        index: !!r.index,
        hasLoader: typeof r.module.loader === "function",
        hasAction: typeof r.module.action === "function",
        params: [...p.matchAll(/:(\w+)/g)].map((m) => m[1]!),
      };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** The resolver key for each param of a pattern: the path up to and including it. */
export function paramKeys(pattern: string): { param: string; key: string }[] {
  const parts = pattern.replace(/^\//, "").split("/");
  const out: { param: string; key: string }[] = [];
  parts.forEach((part, i) => {
    if (part.startsWith(":")) out.push({ param: part.slice(1), key: parts.slice(0, i + 1).join("/") });
  });
  return out;
}

export function fillPattern(pattern: string, values: Record<string, string | number>): string {
  return pattern.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(String(values[name]))).replace(/\/\*$/, "/no-such-page");
}
