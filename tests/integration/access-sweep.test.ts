/**
 * The access sweep: every route of the built app (route manifest), requested over HTTP on a
 * real server with the demo dealership — signed out, as staff, as the store's manager and as
 * a manager of another store. Declarations live in tests/helpers/access.ts.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { summariseDatabase } from "#db/introspect";
import { ensureBuild } from "../helpers/build";
import { signInHttp, startAppServer, type AppServer } from "../helpers/app-server";
import { fillPattern, PARAM_RESOLVERS, paramKeys, ROUTE_ACCESS, routesFromBuild, type SweepRoute } from "../helpers/access";

// Each test starts real servers; on a busy 2-core machine that takes a while.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

let app: AppServer;
let routes: SweepRoute[];
const ids: Record<string, string | number> = {};
const problems: string[] = [];
let manager: string, staff: string, otherStore: string;

beforeAll(async () => {
  routes = await routesFromBuild(await ensureBuild());
  app = await startAppServer();
  const store = await app.db.selectFrom("stores").select("id").where("code", "=", "ZZ01").executeTakeFirstOrThrow();
  const mgr = await app.db.selectFrom("users").select("id").where("email", "=", "manager@demo.test").executeTakeFirstOrThrow();
  for (const r of routes) {
    for (const { key } of paramKeys(r.pattern)) {
      if (key in ids) continue;
      const resolve = PARAM_RESOLVERS[key];
      if (!resolve) {
        problems.push(`route app/routes/${r.key}.tsx has the path parameter in "${key}": add a resolver for "${key}" to PARAM_RESOLVERS in tests/helpers/access.ts (an id of store ZZ01)`);
        continue;
      }
      const id = await resolve(app.db, { id: store.id, managerId: mgr.id });
      if (id === null) problems.push(`PARAM_RESOLVERS["${key}"] found no row of store ZZ01: make it create one`);
      else ids[key] = id;
    }
  }
  manager = (await signInHttp(app.url, "manager@demo.test")).cookie;
  staff = (await signInHttp(app.url, "staff1@demo.test")).cookie;
  otherStore = (await signInHttp(app.url, "ly.manager@demo.test")).cookie;
}, 120_000);

afterAll(async () => {
  await app?.close();
});

/** The URL of a route with its params filled from ZZ01's ids (or `override` for every param). */
function urlOf(r: SweepRoute, override?: string): string {
  const values: Record<string, string | number> = {};
  for (const { param, key } of paramKeys(r.pattern)) values[param] = override ?? ids[key] ?? "missing";
  return fillPattern(r.pattern, values);
}

async function call(r: SweepRoute, method: "GET" | "POST", cookie?: string, override?: string) {
  let url = `${app.url}${urlOf(r, override)}`;
  if (method === "POST" && r.index) url += "?index";
  const res = await fetch(url, {
    method,
    redirect: "manual",
    headers: { ...(cookie ? { Cookie: cookie } : {}), ...(method === "POST" ? { Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" } : {}) },
    body: method === "POST" ? "" : undefined,
  });
  const body = await res.text();
  return { status: res.status, location: res.headers.get("location") ?? "", body, label: `${method} ${urlOf(r, override)} (app/routes/${r.key})` };
}

const access = (r: SweepRoute) => ROUTE_ACCESS[r.key];
const methods = (r: SweepRoute) =>
  [r.hasLoader ? (["GET", access(r)?.loader] as const) : null, r.hasAction ? (["POST", access(r)?.action] as const) : null].filter(
    (x): x is readonly ["GET" | "POST", "public" | "user" | "manager" | undefined] => x !== null,
  );

describe("access sweep", () => {
  it("finds the app's routes in the manifest, each declared in ROUTE_ACCESS with its params resolvable", () => {
    expect(routes.map((r) => r.key)).toEqual(expect.arrayContaining(["login", "healthz", "customers.$id", "_index"]));
    const missing: string[] = [...problems];
    for (const r of routes) {
      const a = access(r);
      const need = [r.hasLoader ? "loader" : null, r.hasAction ? "action" : null].filter(Boolean) as ("loader" | "action")[];
      const lacking = need.filter((m) => !a?.[m]);
      if (lacking.length) {
        missing.push(
          `route app/routes/${r.key}.tsx (${r.pattern}) is not declared for its ${lacking.join(" and ")} in ROUTE_ACCESS, tests/helpers/access.ts: ` +
            `add "${r.key}": { ${need.map((m) => `${m}: "public" | "user" | "manager"`).join(", ")} }`,
        );
      }
    }
    expect(missing).toEqual([]);
  });

  it("signed out: every non-public loader and action redirects to /login (or 401) and shows no data; public ones never fail", async () => {
    const before = await summariseDatabase(app.db);
    const bad: string[] = [];
    for (const r of routes) {
      for (const [method, level] of methods(r)) {
        if (!level) continue;
        const res = await call(r, method);
        if (level === "public") {
          if (res.status >= 500) bad.push(`${res.label}: ${res.status} for a public route`);
          continue;
        }
        const toLogin = (res.status === 302 || res.status === 303) && res.location.startsWith("/login");
        if (!(toLogin || res.status === 401)) bad.push(`${res.label}: expected a redirect to /login or 401 when signed out, got ${res.status} ${res.location}`);
      }
    }
    expect(bad).toEqual([]);
    expect(await summariseDatabase(app.db)).toEqual(before);
  });

  it("as the store's manager: every loader answers with ZZ01's ids, and junk or unknown ids give 404", async () => {
    const bad: string[] = [];
    for (const r of routes) {
      const level = access(r)?.loader;
      if (!r.hasLoader || !level || level === "public") continue;
      const res = await call(r, "GET", manager);
      if (res.status >= 400) bad.push(`${res.label}: ${res.status} for the store's manager`);
      if (r.params.length) {
        for (const junk of ["999999999", "abc", "-1", "0", "9007199254740993", "1e3", "0x10", "007", "1.0", " 1"]) {
          const j = await call(r, "GET", manager, junk);
          if (j.status !== 404) bad.push(`${j.label}: expected 404 for an unknown id, got ${j.status}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it("as staff: 403 on every manager-only loader and action, the rest answers, and nothing changes", async () => {
    const before = await summariseDatabase(app.db);
    const bad: string[] = [];
    for (const r of routes) {
      for (const [method, level] of methods(r)) {
        if (!level || level === "public") continue;
        const res = await call(r, method, staff);
        if (level === "manager" && res.status !== 403) bad.push(`${res.label}: expected 403 for staff, got ${res.status}`);
        if (level === "user" && method === "GET" && res.status >= 400) bad.push(`${res.label}: ${res.status} for staff on a page every user may see`);
        if (res.status >= 500) bad.push(`${res.label}: ${res.status}`);
      }
    }
    expect(bad).toEqual([]);
    expect(await summariseDatabase(app.db)).toEqual(before);
  });

  it("as another store's manager: 404 for every ZZ01 id, on loaders and actions, and nothing changes", async () => {
    const before = await summariseDatabase(app.db);
    const bad: string[] = [];
    let checked = 0;
    for (const r of routes) {
      if (!r.params.length) continue;
      for (const [method, level] of methods(r)) {
        if (!level || level === "public") continue;
        const res = await call(r, method, otherStore);
        checked++;
        if (method === "GET" && res.status !== 404) bad.push(`${res.label}: expected 404 for another store's user, got ${res.status}`);
        // An action may refuse the empty form before looking the id up (a JSON endpoint refuses the
        // form itself: 415); it must never succeed or fail.
        if (method === "POST" && ![400, 403, 404, 409, 415, 422].includes(res.status)) bad.push(`${res.label}: expected a refusal (404) for another store's user, got ${res.status}`);
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(bad).toEqual([]);
    expect(await summariseDatabase(app.db)).toEqual(before);
  });
});
