/**
 * Route actions under hostile posts, called with a real Request against a real migrated
 * database (either engine): never a 5xx or an uncaught error, no change to the database when
 * the post is refused, redirects stay on the site, and accepted text is stored byte for byte
 * (as the form's own schema parsed it).
 *
 * Feature authors: add your action to TARGETS below (route module, who posts, the form's
 * fields with a valid-value arbitrary each, and where accepted text is stored). Every route
 * module with an `action` must have a target (checked at the end of this file).
 *
 * Values that change as the fuzzer runs (a plan's version after an accepted save, the
 * invitation ids after a new audience snapshot) are written as tokens `@@name@@` in the
 * valid-value arbitraries; a target's `live` reads their current values from the database
 * just before each post (`"@@#name@@"` in a JSON body becomes a bare number).
 *
 * FUZZ_RUNS=2000 runs longer (each target tries half as many posts); FUZZ_REPORT=1 prints the
 * posts tried and accepted per target (and per intent).
 */
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import type { DB } from "#db/client";
import { listTables, summariseDatabase, type TableInfo } from "#db/introspect";
import type { Actor } from "~/models/campaign.server";
import { normalizePhone } from "~/models/import-csv.server";
import { TRANSITION_ACTIONS } from "~/models/campaign.schema";
import { checkIn } from "~/models/checkin.server";
import { N8_POINTS, ORDER_KINDS, ORDER_LINES, TASK_STATUSES, TOUCHPOINT_KEYS } from "~/models/execution.schema";
import { IMPORT_COLUMNS } from "~/models/import.schema";
import { COLUMNS, CONTACT_OUTCOMES, INVITATION_CHANNELS, LOSS_REASONS, OUTCOMES } from "~/models/invitation.constants";
import { assignRound, confirmScript } from "~/models/invitation.server";
import { linkTokenFor } from "~/models/invitation-link.server";
import { LEAD_KINDS, LEAD_LOST_REASONS, LEAD_SOURCES, LeadRuleSchema } from "~/models/lead.schema";
import { NO_SHOW_OUTCOMES, NO_SHOW_REASONS } from "~/models/no-shows.constants";
import { SURVEY_TOUCHPOINTS } from "~/models/touchpoint-survey.constants";
import { createLead, previewLeadRule } from "~/models/lead.server";
import { createUser } from "~/models/user.server";
import { signBody } from "~/models/outbox-senders.server";
import { makeCampaign, makeCampaignIn, makeSegment } from "../helpers/campaign-factories";
import { EVENT_DAY, TZ, attempt, makeEventCampaign } from "../helpers/execution-factories";
import { makeCustomer, makeStore, makeUser } from "../helpers/factories";
import {
  FUZZ_RUNS, HOSTILE_STRINGS, hostileCsv, hostileForm, hostileJsonBody, hostileKey, hostileText, prototypeIsClean, type HostileCsv,
} from "../helpers/fuzz";
import { makeApprovedCampaign, makeCustomers } from "../helpers/invitation-factories";
import { TEST_ENGINE, TEST_PG_URL } from "../helpers/pg";
import { createTestDb } from "../helpers/test-db";

process.env.SESSION_SECRET ||= "fuzz-secret-0123456789abcdef";

/** One started campaign of its own store (makeApprovedCampaign), and who posts. */
interface CampaignFx {
  storeId: number;
  campaignId: number;
  posterId: number;
  staffIds: number[];
}

interface Fixture {
  db: DB;
  storeId: number;
  otherStoreId: number;
  managerId: number;
  staffId: number;
  customerId: number;
  /** session cookies by poster: the store's manager and staff, and one per target with a store of its own */
  cookie: Record<string, string>;
  segmentId: number;
  /** a draft plan (whole-plan edits) and an approved one (amendments) of the main store */
  planId: number;
  amendId: number;
  /** the status workflow: its own store; the campaign's author is not the poster (who may approve) */
  flow: { storeId: number; authorId: number; campaignId: number };
  board: CampaignFx;
  calls: CampaignFx;
  move: CampaignFx;
  admin: CampaignFx;
  exec: CampaignFx;
  review: CampaignFx;
  /** the invitation page: a started campaign (its event far ahead) and one contactable invitation's link token */
  invite: CampaignFx & { token: string };
  importStoreId: number;
  leaverId: number;
  /** leads (issue 16): an event day with three guests arrived, a sales consultant (poster "leadsOwner") owning `leadId` */
  leads: CampaignFx & { leadId: number; ownerId: number };
}

/** A request body: a urlencoded form, JSON text, or a multipart upload. */
type Body =
  | { form: [string, string][] }
  | { json: string }
  | { multipart: { fields: [string, string][]; files: { field: string; filename: string; text: string }[] }; csv?: HostileCsv }
  /** a body as it comes, with this Content-Type (null: none at all) */
  | { raw: { type: string | null; text: string } };

interface Posted {
  status: number;
  location: string | null;
  /** what the action received: FormData (forms), the parsed JSON (null when not JSON), null (uploads) */
  sent: unknown;
  /** the JSON the action returned (not threw), or undefined */
  answer?: unknown;
}

interface Target {
  name: string;
  route: () => Promise<{ action: (args: any) => Promise<unknown> | unknown }>;
  path: (fx: Fixture) => string;
  params?: (fx: Fixture) => Record<string, string>;
  /** whose session cookie is sent (a key of fx.cookie), or none */
  as: string | null;
  /** the form's fields, each with an arbitrary of valid values (mixed with hostile ones by hostileForm) */
  fields?: (fx: Fixture) => Record<string, fc.Arbitrary<string>>;
  /** a body other than a form (JSON, upload), when there are no `fields` */
  body?: (fx: Fixture) => fc.Arbitrary<Body>;
  /** current values of the `@@token@@`s, read before each post; `field` reads the body as generated */
  live?: (fx: Fixture, field: (name: string) => unknown) => Promise<Record<string, string>>;
  /** before each post (and before the database is read): e.g. a fresh session, a new campaign when the last one was closed */
  prepare?: (fx: Fixture, field: (name: string) => unknown) => Promise<void>;
  /** after an accepted post: wait for work it started, check what it did */
  after?: (fx: Fixture, res: Posted, body: Body) => Promise<void>;
  /** a JSON body signed with this secret (X-Signature), as the SMS gateway signs its replies */
  signWith?: string;
  /** tables a refused post may still write (a failed sign-in is recorded, for throttling) */
  writesOnRefusal?: string[];
  /**
   * After an accepted post: the stored values that must equal the schema's parse of what was
   * sent. `expect` picks (or renames) the parsed values to compare, or null when this post
   * stores none of them (another intent); without it the keys `read` returns are compared.
   */
  stored?: {
    schema: (sent?: unknown) => Promise<z.ZodType>;
    expect?: (data: any) => Record<string, unknown> | null;
    read: (fx: Fixture, expected?: Record<string, unknown>) => Promise<Record<string, unknown>>;
  };
}

// ── valid values shared by several forms ──

const text = (maxLength: number, samples: string[] = ["王小明", "O'Brien, \"Jr.\"", "🚗 李", "مرحبا", "<b>x</b>", "a\r\nb"]) =>
  fc.oneof(fc.constantFrom(...samples), fc.string({ maxLength }));
const requiredText = (maxLength: number, samples?: string[]) => fc.oneof(text(maxLength, samples), fc.string({ minLength: 1, maxLength }));
const tokens = (name: string, n: number) => Array.from({ length: n }, (_, i) => `@@${name}${i}@@`);
const mobile = fc.integer({ min: 0, max: 99_999_999 }).map((n) => `139${String(n).padStart(8, "0")}`);

/** The invitation form fields of the board and the call workbench (BoardFormSchema). */
const attemptFields = (invitationTokens: string[]) => ({
  intent: fc.constantFrom("attempt", "attempt", "attempt", "verify_loss", "verify_intent", "confirm_script"),
  invitationId: fc.constantFrom(...invitationTokens, "@@lost@@"),
  version: fc.constant("@@ver@@"),
  outcome: fc.constantFrom(...OUTCOMES),
  channel: fc.constantFrom("phone", "sms", ""),
  note: text(100),
  // a call-back in the past is refused (issue 11): these stay in the future
  callbackAt: fc.constantFrom("2099-12-05T10:00", "2099-12-05 10:30"),
  nextFollowUp: fc.constantFrom("2026-12-08"),
  managerJoins: fc.constantFrom("on", ""),
  intentVerified: fc.constantFrom("on", ""),
  deposit: fc.constantFrom("", "100", "0.5", "1,000.25"),
  depositReceipt: fc.constantFrom("", "R-0001"),
  lossReason: fc.constantFrom(...LOSS_REASONS),
  lossNote: text(100),
});

/** An accepted attempt: its note (and a loss's note) as stored. */
const attemptStored = (which: (fx: Fixture) => CampaignFx, schema: () => Promise<z.ZodType>) => ({
  schema,
  expect: (d: { intent: string; attempt?: { note: string | null; outcome: string; lossNote?: string | null } }) =>
    d.intent !== "attempt" || !d.attempt ? null : d.attempt.outcome === "no" ? { note: d.attempt.note, lossNote: d.attempt.lossNote } : { note: d.attempt.note },
  read: (fx: Fixture, want?: Record<string, unknown>) => readAttempt(fx, which(fx), want),
});

/** The newest attempt of a campaign: its note, and its invitation's loss note when one is wanted. */
async function readAttempt(fx: Fixture, c: CampaignFx, want?: Record<string, unknown>) {
  const a = await fx.db.selectFrom("invitation_attempts").innerJoin("invitations", "invitations.id", "invitation_attempts.invitation_id")
    .select(["invitation_attempts.note", "invitations.loss_note"])
    .where("invitation_attempts.campaign_id", "=", c.campaignId).orderBy("invitation_attempts.id", "desc").executeTakeFirstOrThrow();
  return want && "lossNote" in want ? { note: a.note, lossNote: a.loss_note } : { note: a.note };
}

/** The segment builder's fields (a few of each kind of condition) and the save form's name. */
const segmentFields = () => ({
  name: requiredText(80, ["高价值客户", "Q3 🚗 owners", "<i>x</i>", "a'b\"c", "  spaced  "]),
  description: text(100),
  match: fc.constantFrom("all", "any"),
  groups: fc.constantFrom("1", "8", ""),
  tiers: fc.constantFrom("A", "D", ""),
  rMin: fc.constantFrom("", "1", "3"),
  rMax: fc.constantFrom("", "5"),
  vehicleAge: fc.constantFrom("lt1", "ge4", "unknown", ""),
  usage: fc.constantFrom("private", ""),
  model: fc.constantFrom("A4L", "Q5L", ""),
  insuranceDue: fc.constantFrom("yes", "no", ""),
  lastVisitAfter: fc.constantFrom("2025-01-01", ""),
  line_M: fc.constantFrom("has", "hasNo", ""),
  line_M_days: fc.constantFrom("365", "30", ""),
});

const newest = <T>(rows: T[]) => rows[0];

/** The survey target's link (a checked-in guest's), found on its first post. */
let surveyToken = "";

/**
 * A known failure (see the end of this file): a same-site redirectTo with a character a
 * Location header cannot carry (beyond Latin-1, or NUL) makes redirect() throw — a 500.
 */


/** Invitation tokens of a campaign: inv0… (by id), lost (a "no" not yet verified), mine0… (the poster's cards), ver (of the invitation the body names). */
async function invitationTokens(db: DB, c: CampaignFx, field: (name: string) => unknown) {
  const map: Record<string, string> = {};
  const invs = await db.selectFrom("invitations").select(["id", "version", "result", "loss_verified_by", "assignee_id", "holdout"])
    .where("campaign_id", "=", c.campaignId).orderBy("id").execute();
  invs.forEach((inv, i) => { map[`inv${i}`] = String(inv.id); });
  invs.filter((inv) => inv.assignee_id === c.posterId && !inv.holdout).forEach((inv, i) => { map[`mine${i}`] = String(inv.id); });
  const lost = invs.find((inv) => inv.result === "no" && !inv.loss_verified_by) ?? invs.find((inv) => inv.result === "no");
  if (lost) map.lost = String(lost.id);
  const named = resolveText(String(field("invitationId") ?? ""), map);
  map.ver = String(invs.find((inv) => String(inv.id) === named)?.version ?? 1);
  return map;
}

const campaignVersion = async (db: DB, id: number) =>
  String((await db.selectFrom("campaigns").select("version").where("id", "=", id).executeTakeFirstOrThrow()).version);

const TOKEN = /@@#?(\w+)@@/g;
const resolveText = (v: string, map: Record<string, string>) => v.replace(TOKEN, (m, k: string) => map[k] ?? m);

function resolveBody(body: Body, map: Record<string, string>): Body {
  if ("form" in body) return { form: body.form.map(([k, v]) => [k, resolveText(v, map)]) };
  if ("json" in body) return { json: resolveText(body.json.replace(/"@@#(\w+)@@"/g, (m, k: string) => map[k] ?? m), map) };
  if ("raw" in body) return body;
  return {
    ...body,
    multipart: {
      fields: body.multipart.fields.map(([k, v]) => [k, resolveText(v, map)]),
      files: body.multipart.files.map((f) => ({ ...f, text: resolveText(f.text, map) })),
    },
  };
}

function fieldOf(body: Body): (name: string) => unknown {
  if ("form" in body) return (name) => body.form.find(([k]) => k === name)?.[1];
  if ("json" in body) {
    let value: unknown = null;
    try {
      value = JSON.parse(body.json);
    } catch {
      // not JSON: no field
    }
    return (name) => (value && typeof value === "object" && Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined);
  }
  if ("raw" in body) return () => undefined;
  return (name) => body.multipart.fields.find(([k]) => k === name)?.[1];
}

const TARGETS: Target[] = [
  {
    name: "sign-in (login)",
    route: () => import("~/routes/login"),
    path: () => "/login",
    as: null,
    fields: () => ({
      email: fc.constantFrom("fuzz-manager@test.test", "nobody@test.test", "FUZZ-MANAGER@test.test "),
      password: fc.constantFrom("password123", "wrong"),
      redirectTo: fc.constantFrom("/", "/customers", "//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)"),
    }),
    // a refused sign-in is logged and counted by the throttle
    writesOnRefusal: ["login_attempts", "login_throttle"],
  },
  {
    name: "language switch (lang)",
    route: () => import("~/routes/lang"),
    path: () => "/lang",
    as: null,
    fields: () => ({ lang: fc.constantFrom("en", "zh-CN"), redirectTo: fc.constantFrom("/", "/settings", "//evil.example", "http://evil.example") }),
  },
  {
    name: "store switch (store)",
    route: () => import("~/routes/store"),
    path: () => "/store",
    as: "manager",
    fields: (fx) => ({ storeId: fc.constantFrom(String(fx.storeId), String(fx.otherStoreId)), redirectTo: fc.constantFrom("/", "/customers/1", "//evil.example") }),
  },
  {
    name: "store settings (settings)",
    route: () => import("~/routes/settings"),
    path: () => "/settings",
    as: "manager",
    fields: () => ({
      mMinVisits: fc.constantFrom("2", "3"), mWindowDays: fc.constantFrom("365", "730"),
      rMinVisits: fc.constantFrom("1", "2"), rWindowDays: fc.constantFrom("730", "365"),
      iMinVisits: fc.constantFrom("1"), iWindowDays: fc.constantFrom("365"),
      tierAPercent: fc.constantFrom("1", "2"), tierBPercent: fc.constantFrom("5", "10"), tierCPercent: fc.constantFrom("20", "30"),
      revenueWindowDays: fc.constantFrom("365"), insuranceDueDays: fc.constantFrom("60", "90"),
      warrantyEndingDays: fc.constantFrom("90"), attributionDays: fc.constantFrom("30", "60"),
    }),
  },
  {
    name: "customer card edit (customers.$id)",
    route: () => import("~/routes/customers.$id"),
    path: (fx) => `/customers/${fx.customerId}`,
    params: (fx) => ({ id: String(fx.customerId) }),
    as: "manager",
    fields: () => ({
      name: fc.oneof(fc.constantFrom("王小明", "O'Brien, \"Jr.\"", "🚗 李", "مرحبا", "<b>x</b>"), fc.string({ minLength: 1, maxLength: 50 })),
      phone: fc.constantFrom("", "13800001234", "010-12345678"),
      gender: fc.constantFrom("", "M", "F"),
      usage: fc.constantFrom("", "private", "official", "commercial"),
      doNotContact: fc.constantFrom("on", ""),
      preferences: fc.constantFrom("golf", "car_show", "wine_cigar"),
    }),
    stored: {
      schema: async () => (await import("~/models/customer.schema")).CustomerEditSchema,
      read: async (fx) => {
        const c = await fx.db.selectFrom("customers").select(["name", "phone", "gender", "usage"]).where("id", "=", fx.customerId).executeTakeFirstOrThrow();
        return { name: c.name, phone: c.phone, gender: c.gender, usage: c.usage };
      },
    },
  },
  {
    name: "new campaign plan (campaigns.new)",
    route: () => import("~/routes/campaigns.new"),
    path: () => "/campaigns/new",
    as: "manager",
    fields: () => ({
      version: fc.constant("0"),
      name: fc.oneof(fc.constantFrom("春季保养节", "Summer 🚗 care", "<script>x</script>"), fc.string({ minLength: 1, maxLength: 80 })),
      background: fc.string({ maxLength: 200 }),
      eventStart: fc.constantFrom("2026-12-01T09:00", ""),
      eventEnd: fc.constantFrom("2026-12-01T17:00", ""),
      kpiRevenue: fc.constantFrom("1000", "1000.50", ""),
      "budget.0.category": fc.constantFrom("gifts", "media"),
      "budget.0.quantity": fc.constantFrom("1", "20"),
      "budget.0.unitCost": fc.constantFrom("100", "0.01"),
      "channels.0.key": fc.constantFrom("phone", "sms"),
      "channels.0.selected": fc.constantFrom("on", ""),
    }),
  },
  {
    name: "segment save (segments.new)",
    route: () => import("~/routes/segments.new"),
    path: () => "/segments/new",
    as: "manager",
    fields: segmentFields,
    stored: {
      schema: async () => (await import("~/models/segment.schema")).SegmentMetaSchema,
      expect: (d: { name: string; description: string | null }) => ({ name: d.name, description: d.description }),
      read: async (fx) => {
        const s = newest(await fx.db.selectFrom("segments").select(["name", "description"]).where("store_id", "=", fx.storeId).orderBy("id", "desc").limit(1).execute())!;
        return { name: s.name, description: s.description };
      },
    },
  },
  {
    name: "segment edit (segments.$id)",
    route: () => import("~/routes/segments.$id"),
    path: (fx) => `/segments/${fx.segmentId}`,
    params: (fx) => ({ id: String(fx.segmentId) }),
    as: "manager",
    fields: () => ({ version: fc.constantFrom("@@ver@@", "@@ver@@", "1"), ...segmentFields() }),
    live: async (fx) => ({
      ver: String((await fx.db.selectFrom("segments").select("version").where("id", "=", fx.segmentId).executeTakeFirstOrThrow()).version),
    }),
    stored: {
      schema: async () => (await import("~/models/segment.schema")).SegmentMetaSchema,
      expect: (d: { name: string; description: string | null }) => ({ name: d.name, description: d.description }),
      read: async (fx) => {
        const s = await fx.db.selectFrom("segments").select(["name", "description"]).where("id", "=", fx.segmentId).executeTakeFirstOrThrow();
        return { name: s.name, description: s.description };
      },
    },
  },
  {
    name: "campaign status workflow and clone (campaigns.$id._index)",
    route: () => import("~/routes/campaigns.$id._index"),
    path: (fx) => `/campaigns/${fx.flow.campaignId}`,
    params: (fx) => ({ id: String(fx.flow.campaignId) }),
    as: "flow",
    fields: () => ({
      intent: fc.constantFrom("transition", "transition", "transition", "clone"),
      // "@@next@@": the step the campaign's status allows, so that the workflow gets to its end
      action: fc.constantFrom("@@next@@", "@@next@@", "@@next@@", ...TRANSITION_ACTIONS),
      version: fc.constant("@@ver@@"),
      comment: text(200),
      name: requiredText(120, ["春季保养节 (copy)", "Copy 🚗", "<script>x</script>"]),
    }),
    // a closed or cancelled campaign takes no more steps: the workflow starts again on a new draft
    prepare: async (fx) => {
      const c = await fx.db.selectFrom("campaigns").select("status").where("id", "=", fx.flow.campaignId).executeTakeFirstOrThrow();
      if (c.status === "closed" || c.status === "cancelled") {
        fx.flow.campaignId = (await makeCampaign(fx.db, fx.flow.storeId, { id: fx.flow.authorId, role: "manager" })).id;
      }
    },
    live: async (fx) => {
      const c = await fx.db.selectFrom("campaigns").select(["version", "status"]).where("id", "=", fx.flow.campaignId).executeTakeFirstOrThrow();
      const next: Record<string, string> = {
        draft: "submit", submitted: "approve", approved: "start_invitations", inviting: "start_execution", executing: "start_review", reviewing: "close",
      };
      return { ver: String(c.version), next: next[c.status] ?? "cancel" };
    },
    stored: {
      schema: async (sent) => {
        const m = await import("~/models/campaign.schema");
        // the route picks the form by the last `intent` (Object.fromEntries)
        return sent instanceof FormData && Object.fromEntries(sent).intent === "clone" ? m.CloneSchema : m.TransitionSchema;
      },
      // start_invitations keeps no comment (the audience snapshot is its record)
      expect: (d: { name?: string; action?: string; comment?: string | null }) =>
        d.action === undefined ? { name: d.name } : d.action === "start_invitations" ? null : { comment: d.comment },
      read: async (fx, want) => {
        if (want && "name" in want) {
          const c = newest(await fx.db.selectFrom("campaigns").select("name").where("store_id", "=", fx.flow.storeId).orderBy("id", "desc").limit(1).execute())!;
          return { name: c.name };
        }
        const h = newest(await fx.db.selectFrom("campaign_history").select("comment").where("campaign_id", "=", fx.flow.campaignId)
          .where("kind", "=", "status").orderBy("id", "desc").limit(1).execute())!;
        return { comment: h.comment };
      },
    },
  },
  {
    name: "plan save and autosave of a draft (campaigns.$id.plan)",
    route: () => import("~/routes/campaigns.$id.plan"),
    path: (fx) => `/campaigns/${fx.planId}/plan`,
    params: (fx) => ({ id: String(fx.planId) }),
    as: "manager",
    fields: (fx) => ({
      intent: fc.constantFrom("save", "autosave"),
      mode: fc.constantFrom("edit", "edit", "edit", "amend"),
      version: fc.constantFrom("@@ver@@", "@@ver@@", "@@ver@@", "1"),
      name: requiredText(120, ["春季保养节", "Summer 🚗 care", "<script>x</script>", " 前后空格 "]),
      background: text(300),
      theme: text(100),
      ownerId: fc.constantFrom("", String(fx.managerId), String(fx.staffId)),
      segmentId: fc.constantFrom("", String(fx.segmentId)),
      holdoutPercent: fc.constantFrom("0", "10", "50"),
      topicTechnique: fc.constantFrom("", "emotion", "borrow_trend"),
      topicSubkind: fc.constantFrom("seasonal_festival", "policy"),
      invitationStart: fc.constantFrom("2026-12-01", ""),
      invitationEnd: fc.constantFrom("2026-12-10", ""),
      eventStart: fc.constantFrom("2026-12-12T09:00", ""),
      eventEnd: fc.constantFrom("2026-12-13T17:00", ""),
      reviewDate: fc.constantFrom("2026-12-20", ""),
      kpiRevenue: fc.constantFrom("1000", "1000.50", ""),
      kpiRoiPercent: fc.constantFrom("-100", "150", ""),
      "goals.0.text": requiredText(50),
      "goals.0.target": fc.constantFrom("60", "12.5"),
      "goals.0.unit": fc.constantFrom("台", ""),
      "channels.0.key": fc.constantFrom("phone", "sms"),
      "channels.0.selected": fc.constantFrom("on", ""),
      "channels.0.plannedReach": fc.constantFrom("200", ""),
      "budget.0.category": fc.constantFrom("gifts", "media"),
      "budget.0.description": text(100),
      "budget.0.quantity": fc.constantFrom("1", "20"),
      "budget.0.unitCost": fc.constantFrom("100", "0.01"),
      "budget.0.payer": fc.constantFrom("dealer", "coop", ""),
      "tasks.0.title": requiredText(100),
      "tasks.0.phase": fc.constantFrom("prep", "wrapup"),
      "tasks.0.relativeDays": fc.constantFrom("-14", ""),
      "tasks.0.dueDate": fc.constantFrom("2026-12-25", ""),
      "tasks.0.status": fc.constantFrom("todo", "done", ""),
    }),
    live: async (fx) => ({ ver: await campaignVersion(fx.db, fx.planId) }),
    stored: {
      schema: async () => (await import("~/models/campaign.schema")).PlanSchema,
      expect: (d: { name: string; background: string | null; theme: string | null; budget: { description: string }[]; tasks: { title: string }[] }) => ({
        name: d.name, background: d.background, theme: d.theme, budgetDescription: d.budget[0]?.description ?? null, taskTitle: d.tasks[0]?.title ?? null,
      }),
      read: async (fx) => {
        const c = await fx.db.selectFrom("campaigns").select(["name", "background", "theme"]).where("id", "=", fx.planId).executeTakeFirstOrThrow();
        const line = await fx.db.selectFrom("campaign_budget_lines").select("description").where("campaign_id", "=", fx.planId).orderBy("position").executeTakeFirst();
        const task = await fx.db.selectFrom("campaign_tasks").select("title").where("campaign_id", "=", fx.planId).orderBy("position").executeTakeFirst();
        return { name: c.name, background: c.background, theme: c.theme, budgetDescription: line?.description ?? null, taskTitle: task?.title ?? null };
      },
    },
  },
  {
    name: "plan amendment after approval (campaigns.$id.plan, mode amend)",
    route: () => import("~/routes/campaigns.$id.plan"),
    path: (fx) => `/campaigns/${fx.amendId}/plan`,
    params: (fx) => ({ id: String(fx.amendId) }),
    as: "manager",
    fields: (fx) => ({
      intent: fc.constantFrom("save", "autosave"),
      mode: fc.constantFrom("amend", "amend", "amend", "edit"),
      version: fc.constantFrom("@@ver@@", "@@ver@@", "@@ver@@", "1"),
      kpiReachRatePercent: fc.constantFrom("100", "0", ""),
      kpiArrivals: fc.constantFrom("60", ""),
      kpiRevenue: fc.constantFrom("5000", "0.5", ""),
      kpiRoiPercent: fc.constantFrom("-100", "150", ""),
      "budget.0.id": fc.constantFrom("@@line0@@", "@@line0@@", ""),
      "budget.0.category": fc.constantFrom("gifts", "venue"),
      "budget.0.description": text(100),
      "budget.0.quantity": fc.constantFrom("3", "0"),
      "budget.0.unitCost": fc.constantFrom("10.5", "0"),
      "budget.0.payer": fc.constantFrom("dealer", "coop"),
      "tasks.0.id": fc.constantFrom("@@task0@@", ""),
      "tasks.0.title": requiredText(100),
      "tasks.0.phase": fc.constantFrom("prep", "execution"),
      "tasks.0.ownerId": fc.constantFrom("", String(fx.staffId)),
      "tasks.0.status": fc.constantFrom("todo", "doing", "done"),
    }),
    live: async (fx) => {
      const line = await fx.db.selectFrom("campaign_budget_lines").select("id").where("campaign_id", "=", fx.amendId).orderBy("position").executeTakeFirst();
      const task = await fx.db.selectFrom("campaign_tasks").select("id").where("campaign_id", "=", fx.amendId).orderBy("position").executeTakeFirst();
      return { ver: await campaignVersion(fx.db, fx.amendId), line0: String(line?.id ?? 1), task0: String(task?.id ?? 1) };
    },
    stored: {
      schema: async () => (await import("~/models/campaign.schema")).AmendSchema,
      expect: (d: { kpiRevenue: number | null; budget: { description: string }[]; tasks: { title: string }[] }) => ({
        kpiRevenue: d.kpiRevenue, budgetDescription: d.budget[0]?.description ?? null, taskTitle: d.tasks[0]?.title ?? null,
      }),
      read: async (fx) => {
        const c = await fx.db.selectFrom("campaigns").select("kpi_revenue_fen").where("id", "=", fx.amendId).executeTakeFirstOrThrow();
        const line = await fx.db.selectFrom("campaign_budget_lines").select("description").where("campaign_id", "=", fx.amendId).orderBy("position").executeTakeFirst();
        const task = await fx.db.selectFrom("campaign_tasks").select("title").where("campaign_id", "=", fx.amendId).orderBy("position").executeTakeFirst();
        return { kpiRevenue: c.kpi_revenue_fen, budgetDescription: line?.description ?? null, taskTitle: task?.title ?? null };
      },
    },
  },
  {
    name: "board forms: attempt, verify_loss, confirm_script (campaigns.$id.board)",
    route: () => import("~/routes/campaigns.$id.board"),
    path: (fx) => `/campaigns/${fx.board.campaignId}/board`,
    params: (fx) => ({ id: String(fx.board.campaignId) }),
    as: "board",
    fields: () => attemptFields(tokens("inv", 8)),
    live: (fx, field) => invitationTokens(fx.db, fx.board, field),
    stored: attemptStored((fx) => fx.board, async () => (await import("~/models/invitation.schema")).BoardFormSchema),
  },
  {
    name: "board drag-and-drop move, JSON (campaigns.$id.board_.move)",
    route: () => import("~/routes/campaigns.$id.board_.move"),
    path: (fx) => `/campaigns/${fx.move.campaignId}/board/move`,
    params: (fx) => ({ id: String(fx.move.campaignId) }),
    as: "move",
    body: () => hostileJsonBody({
      // "@@#…@@" becomes a JSON number, "@@…@@" a string: both are how a browser may send an id
      invitationId: fc.constantFrom(...tokens("inv", 8).map((t) => t.replace("@@", "@@#")), ...tokens("inv", 8)),
      version: fc.constantFrom("@@#ver@@", "@@ver@@"),
      to: fc.constantFrom(...COLUMNS),
      outcome: fc.constantFrom(...CONTACT_OUTCOMES),
      channel: fc.constantFrom("phone", "sms", "", null),
      note: fc.oneof(text(100), fc.constant(null)),
      callbackAt: fc.constantFrom("2099-12-05T10:00"),
      nextFollowUp: fc.constantFrom("2026-12-08"),
      lossReason: fc.constantFrom(...LOSS_REASONS),
      lossNote: text(100),
      deposit: fc.constantFrom("", "100", 100, 0.5, null),
      depositReceipt: fc.constantFrom("R-1", null),
      intentVerified: fc.constantFrom(true, false, "on"),
      managerJoins: fc.constantFrom(true, false),
    }).map((json): Body => ({ json })),
    live: (fx, field) => invitationTokens(fx.db, fx.move, field),
    stored: {
      schema: async () => (await import("~/models/invitation.schema")).MoveSchema,
      expect: (d: { note: string | null; outcome: string; lossNote?: string | null }) =>
        d.outcome === "no" ? { note: d.note, lossNote: d.lossNote } : { note: d.note },
      read: (fx, want) => readAttempt(fx, fx.move, want),
    },
  },
  {
    name: "board card form, JSON (campaigns.$id.board_.attempt)",
    route: () => import("~/routes/campaigns.$id.board_.attempt"),
    path: (fx) => `/campaigns/${fx.move.campaignId}/board/attempt`,
    params: (fx) => ({ id: String(fx.move.campaignId) }),
    as: "move",
    body: () => hostileJsonBody({
      invitationId: fc.constantFrom(...tokens("inv", 8).map((t) => t.replace("@@", "@@#")), ...tokens("inv", 8)),
      version: fc.constantFrom("@@#ver@@", "@@ver@@"),
      outcome: fc.constantFrom(...OUTCOMES),
      channel: fc.constantFrom("phone", "sms", "", null),
      note: fc.oneof(text(100), fc.constant(null)),
      callbackAt: fc.constantFrom("2099-12-05T10:00", "2000-01-01T10:00"),
      nextFollowUp: fc.constantFrom("2026-12-08"),
      lossReason: fc.constantFrom(...LOSS_REASONS),
      lossNote: text(100),
      deposit: fc.constantFrom("", "100", 100, 0.5, null),
      depositReceipt: fc.constantFrom("R-2", "R-3", null),
      intentVerified: fc.constantFrom(true, false, "on"),
      managerJoins: fc.constantFrom(true, false),
    }).map((json): Body => ({ json })),
    live: (fx, field) => invitationTokens(fx.db, fx.move, field),
    stored: {
      schema: async () => (await import("~/models/invitation.schema")).AttemptSchema,
      expect: (d: { note: string | null; outcome: string; lossNote?: string | null }) =>
        d.outcome === "no" ? { note: d.note, lossNote: d.lossNote } : { note: d.note },
      read: (fx, want) => readAttempt(fx, fx.move, want),
    },
  },
  {
    name: "invitation page: answer, opt out (i.$token)",
    route: () => import("~/routes/i.$token"),
    path: (fx) => `/i/${fx.invite.token}`,
    params: (fx) => ({ token: fx.invite.token }),
    as: null,
    fields: () => ({
      intent: fc.constantFrom("respond", "respond", "respond", "respond", "opt_out"),
      response: fc.constantFrom("yes", "maybe", "no"),
      companions: fc.constantFrom("", "0", "2", "9"),
      note: text(100),
      lossReason: fc.constantFrom("", "price", "no_time", "other"),
    }),
    // the page's rate limit counts every post (refused ones too); a customer who opted out is let back in for the next post
    prepare: async (fx) => {
      await fx.db.deleteFrom("invite_rate_limits").execute();
      const link = await fx.db.selectFrom("invitation_links").innerJoin("invitations", "invitations.id", "invitation_links.invitation_id")
        .select(["invitation_links.invitation_id", "invitation_links.opted_out_at", "invitations.customer_id"]).where("invitation_links.token", "=", fx.invite.token).executeTakeFirstOrThrow();
      if (link.opted_out_at) {
        await fx.db.updateTable("invitation_links").set({ opted_out_at: null }).where("invitation_id", "=", link.invitation_id).execute();
        await fx.db.updateTable("customers").set({ do_not_contact: 0 }).where("id", "=", link.customer_id).execute();
      }
    },
    writesOnRefusal: ["invite_rate_limits"],
    stored: {
      schema: async () => (await import("~/models/invite.schema")).InviteFormSchema,
      expect: (d: { intent: string; note?: string | null }) => (d.intent === "respond" ? { note: d.note } : null),
      read: (fx) => readAttempt(fx, fx.invite),
    },
  },
  {
    name: "SMS gateway's inbound reply, signed JSON (webhooks.sms-inbound)",
    route: () => import("~/routes/webhooks.sms-inbound"),
    path: () => "/webhooks/sms-inbound",
    as: null,
    signWith: "fuzz-inbound-secret-0123456789",
    body: () => fc.record({
      phone: fc.oneof(fc.constantFrom("13900000001", "+86 139-0000-0002", "", "0371-65432100"), text(40)),
      text: fc.oneof(fc.constantFrom("T", "TD", "退订", "ｔｄ", "好的"), text(200)),
    }).map((json): Body => ({ json: JSON.stringify(json) })),
    prepare: async () => { process.env.SMS_WEBHOOK_SECRET = "fuzz-inbound-secret-0123456789"; },
  },
  {
    name: "call workbench, as staff (campaigns.$id.calls)",
    route: () => import("~/routes/campaigns.$id.calls"),
    path: (fx) => `/campaigns/${fx.calls.campaignId}/calls`,
    params: (fx) => ({ id: String(fx.calls.campaignId) }),
    as: "calls",
    // staff work their own cards (mine…); another's card, a hold-out or a loss to verify is refused
    fields: () => attemptFields([...tokens("mine", 3), ...tokens("mine", 3), ...tokens("inv", 8)]),
    live: (fx, field) => invitationTokens(fx.db, fx.calls, field),
    stored: attemptStored((fx) => fx.calls, async () => (await import("~/models/invitation.schema")).BoardFormSchema),
  },
  {
    name: "invitations admin: start, snapshot, rounds, assignment, associated customers, verify (campaigns.$id.invitations)",
    route: () => import("~/routes/campaigns.$id.invitations/route"),
    path: (fx) => `/campaigns/${fx.admin.campaignId}/invitations`,
    params: (fx) => ({ id: String(fx.admin.campaignId) }),
    as: "admin",
    fields: (fx) => ({
      // "@@first@@": "start" while the campaign is approved (nothing else is accepted before it), then "snapshot"
      intent: fc.constantFrom(
        "@@first@@", "@@first@@", "@@first@@", "start", "snapshot", "open_round", "assign", "reassign", "add_associated", "create_associated", "create_associated", "verify_loss", "verify_intent", "send_messages",
      ),
      campaignVersion: fc.constant("@@cver@@"),
      seed: fc.constantFrom("", "42"),
      channels: fc.constantFrom(...INVITATION_CHANNELS),
      startDate: fc.constantFrom("2026-12-01", "2026-12-03"),
      endDate: fc.constantFrom("2026-12-10", "2026-12-02"),
      roundId: fc.constant("@@round@@"),
      staffIds: fc.constantFrom(...fx.admin.staffIds.map(String)),
      balanceByGroup: fc.constantFrom("on", ""),
      redistributeAll: fc.constantFrom("on", ""),
      invitationIds: fc.constantFrom(...tokens("inv", 6)),
      assigneeId: fc.constantFrom(...fx.admin.staffIds.map(String)),
      customerId: fc.constantFrom("@@free0@@", "@@free0@@", "@@free1@@", "@@dnc@@", "@@invited@@"),
      name: requiredText(60, ["关联客户", "Zoë 🚗", "<b>x</b>", " 张三 "]),
      phone: fc.oneof(fc.constant(""), mobile),
      invitationId: fc.constantFrom("@@lost@@", ...tokens("inv", 3)),
      version: fc.constant("@@ver@@"),
    }),
    // The campaign starts approved ("start" is accepted once). A loss to verify is logged on
    // the board, not here: before a verify_loss post, log one if there is none (until the first
    // attempt, a snapshot replaces the audience; after it, it only adds to it). Before an
    // add_associated post, a customer not invited yet joins the store if there is none.
    prepare: async (fx, field) => {
      const c = fx.admin;
      if (field("intent") === "add_associated") {
        // a customer new to the store since the last snapshot, to be added by hand
        const invited = fx.db.selectFrom("invitations").select("customer_id").where("campaign_id", "=", c.campaignId);
        const free = await fx.db.selectFrom("customers").select("id").where("store_id", "=", c.storeId).where("do_not_contact", "=", 0)
          .where("id", "not in", invited).executeTakeFirst();
        if (!free) await makeCustomer(fx.db, c.storeId, { phone: null });
        return;
      }
      if (field("intent") !== "verify_loss") return;
      const { status } = await fx.db.selectFrom("campaigns").select("status").where("id", "=", c.campaignId).executeTakeFirstOrThrow();
      const lost = await fx.db.selectFrom("invitations").select("id").where("campaign_id", "=", c.campaignId).where("result", "=", "no").executeTakeFirst();
      const open = await fx.db.selectFrom("invitations").select("id").where("campaign_id", "=", c.campaignId).where("holdout", "=", 0).where("result", "=", "pending")
        .orderBy("id").executeTakeFirst();
      if (status === "inviting" && !lost && open) await attempt(fx.db, c, { id: c.posterId, role: "manager" }, open.id, { outcome: "no" });
    },
    live: async (fx, field) => {
      const c = fx.admin;
      const map = await invitationTokens(fx.db, c, field);
      const campaign = await fx.db.selectFrom("campaigns").select(["version", "status"]).where("id", "=", c.campaignId).executeTakeFirstOrThrow();
      map.cver = String(campaign.version);
      map.first = campaign.status === "approved" ? "start" : "snapshot";
      const round = await fx.db.selectFrom("invitation_rounds").select("id").where("campaign_id", "=", c.campaignId).orderBy("number", "desc").executeTakeFirst();
      map.round = String(round?.id ?? 1);
      const invited = await fx.db.selectFrom("invitations").select("customer_id").where("campaign_id", "=", c.campaignId).execute();
      const ids = new Set(invited.map((i) => i.customer_id));
      const customers = await fx.db.selectFrom("customers").select(["id", "do_not_contact"]).where("store_id", "=", c.storeId).orderBy("id").execute();
      customers.filter((x) => !ids.has(x.id) && !x.do_not_contact).forEach((x, i) => { map[`free${i}`] = String(x.id); });
      map.dnc = String(customers.find((x) => x.do_not_contact)?.id ?? 1);
      map.invited = String(invited[0]?.customer_id ?? 1);
      return map;
    },
    stored: {
      schema: async () => (await import("~/models/invitation.schema")).InvitationsAdminSchema,
      expect: (d: { intent: string; name?: string; phone?: string | null }) => (d.intent === "create_associated" ? { name: d.name, phone: d.phone } : null),
      read: async (fx) => {
        const x = newest(await fx.db.selectFrom("customers").select(["name", "phone"]).where("store_id", "=", fx.admin.storeId).orderBy("id", "desc").limit(1).execute())!;
        return { name: x.name, phone: x.phone };
      },
    },
  },
  {
    name: "leads: one-tap interest (leads.new)",
    route: () => import("~/routes/leads.new"),
    path: () => "/leads/new",
    as: "leadsMgr",
    fields: () => ({
      kind: fc.constantFrom(...LEAD_KINDS),
      department: fc.constantFrom("", "sales", "after_sales", "marketing"),
      source: fc.constantFrom(...LEAD_SOURCES),
      invitationId: fc.constantFrom(...tokens("inv", 4), ""),
      customerId: fc.constantFrom("", "@@cust@@"),
      expectedValue: fc.constantFrom("", "1000", "12,000.50", "-1"),
      note: text(200),
    }),
    live: (fx, field) => invitationTokens(fx.db, fx.leads, field).then(async (map) => {
      const c = await fx.db.selectFrom("customers").select("id").where("store_id", "=", fx.leads.storeId).orderBy("id").executeTakeFirst();
      return { ...map, cust: String(c?.id ?? 1) };
    }),
  },
  {
    name: "leads: the owner's answers (leads.$id)",
    route: () => import("~/routes/leads.$id"),
    path: (fx) => `/leads/${fx.leads.leadId}`,
    params: (fx) => ({ id: String(fx.leads.leadId) }),
    as: "leadsOwner",
    fields: () => ({
      intent: fc.constantFrom("contacted", "follow_up", "won", "lost"),
      version: fc.constantFrom("@@lver@@", "@@lver@@", "1"),
      nextFollowUp: fc.constantFrom("2099-01-01", "2026-02-30", ""),
      actualValue: fc.constantFrom("158000", "0", "1,000.5", ""),
      eventOrderId: fc.constantFrom("", "1"),
      lostReason: fc.constantFrom(...LEAD_LOST_REASONS),
      note: text(500),
    }),
    live: async (fx) => {
      const l = await fx.db.selectFrom("leads").select("version").where("id", "=", fx.leads.leadId).executeTakeFirstOrThrow();
      return { lver: String(l.version) };
    },
    prepare: async (fx) => {
      // keep the lead open so that most posts can be accepted (a direct reset: the fixture's, not the app's)
      await fx.db.updateTable("leads").set({ status: "new", won_on: null, closed_at: null }).where("id", "=", fx.leads.leadId).execute();
    },
  },
  {
    name: "leads: by rule at the close of the day (campaigns.$id.leads)",
    route: () => import("~/routes/campaigns.$id.leads"),
    path: (fx) => `/campaigns/${fx.leads.campaignId}/leads`,
    params: (fx) => ({ id: String(fx.leads.campaignId) }),
    as: "leadsMgr",
    fields: () => ({
      kind: fc.constantFrom(...LEAD_KINDS),
      department: fc.constantFrom("", "sales", "after_sales"),
      minVehicleYears: fc.constantFrom("", "0", "4", "31"),
      noOrder: fc.constantFrom("on", ""),
      // the preview's count for the posted rule (what a manager confirms) most of the time, or a stale one
      expected: fc.constantFrom("@@count@@", "@@count@@", "0", "3"),
    }),
    live: async (fx, field) => {
      const parsed = LeadRuleSchema.safeParse({
        kind: field("kind"), department: field("department") ?? "", minVehicleYears: field("minVehicleYears") ?? "", noOrder: field("noOrder") ?? "",
      });
      if (!parsed.success) return { count: "0" };
      const { count } = await previewLeadRule(fx.db, { storeId: fx.leads.storeId, campaignId: fx.leads.campaignId, rule: parsed.data });
      return { count: String(count) };
    },
  },
  {
    name: "check-in desk: a scanned code (campaigns.$id.execution_.scan)",
    route: () => import("~/routes/campaigns.$id.execution_.scan"),
    path: (fx) => `/campaigns/${fx.exec.campaignId}/execution/scan`,
    params: (fx) => ({ id: String(fx.exec.campaignId) }),
    as: "exec",
    fields: () => ({ code: fc.constantFrom("", "ABCDEFG", "zz", "1234567", "ABC-DEFG", "x".repeat(70)) }),
  },
  {
    name: "no-show follow-up (campaigns.$id.no-shows)",
    route: () => import("~/routes/campaigns.$id.no-shows"),
    path: (fx) => `/campaigns/${fx.exec.campaignId}/no-shows`,
    params: (fx) => ({ id: String(fx.exec.campaignId) }),
    as: "exec",
    fields: () => ({
      invitationId: fc.constantFrom(...tokens("inv", 8)),
      outcome: fc.constantFrom(...NO_SHOW_OUTCOMES, "gone"),
      reason: fc.constantFrom("", ...NO_SHOW_REASONS),
      rebookCampaignId: fc.constantFrom("", "1", "999999"),
      note: text(600),
    }),
    live: (fx, field) => invitationTokens(fx.db, fx.exec, field),
  },
  {
    name: "touchpoint survey on the invitation page (i.$token_.survey)",
    route: () => import("~/routes/i.$token_.survey"),
    // the link of a guest checked in on the event day (the survey opens after check-in), so that valid scores are taken
    path: (fx) => `/i/${surveyToken || fx.invite.token}/survey`,
    params: (fx) => ({ token: surveyToken || fx.invite.token }),
    as: null,
    // mostly valid scores: a post is taken only when every one of the four is, and with a bad value
    // for one in three of them the property had runs in which nothing got through
    fields: () => Object.fromEntries(SURVEY_TOUCHPOINTS.map((tp) => [tp, fc.constantFrom("1", "2", "3", "4", "5", "3", "5", "", "6", "x")])),
    prepare: async (fx) => {
      await fx.db.deleteFrom("invite_rate_limits").execute();
      if (!surveyToken) {
        const arrived = await fx.db.selectFrom("arrivals").select("invitation_id").where("campaign_id", "=", fx.exec.campaignId)
          .orderBy("id").executeTakeFirstOrThrow();
        surveyToken = (await linkTokenFor(fx.db, { storeId: fx.exec.storeId, campaignId: fx.exec.campaignId, invitationId: arrived.invitation_id }))!;
      }
    },
    // the page's rate limit counts every post the schema takes (a refused one too)
    writesOnRefusal: ["invite_rate_limits"],
  },
  {
    name: "event day: check-in and walk-in (campaigns.$id.execution)",
    route: () => import("~/routes/campaigns.$id.execution/route"),
    path: (fx) => `/campaigns/${fx.exec.campaignId}/execution`,
    params: (fx) => ({ id: String(fx.exec.campaignId) }),
    as: "exec",
    // today is before the event days: a manager checks in with the override
    fields: () => ({
      intent: fc.constantFrom("checkin", "walkin"),
      invitationId: fc.constantFrom(...tokens("inv", 10)),
      override: fc.constantFrom("on", "on", ""),
      q: fc.constantFrom("", "1234"),
      customerId: fc.constantFrom("", "", "@@cust@@"),
      name: requiredText(60, ["王小明", "Zoë 🚗", "<b>x</b>", "O'Brien \"Jr.\""]),
      phone: fc.oneof(fc.constant(""), mobile, fc.constant("+86 139-0000-0000")),
      plate: fc.constantFrom("", "豫A12345"),
    }),
    live: async (fx, field) => {
      const map = await invitationTokens(fx.db, fx.exec, field);
      const c = await fx.db.selectFrom("customers").select("id").where("store_id", "=", fx.exec.storeId).orderBy("id").executeTakeFirst();
      map.cust = String(c?.id ?? 1);
      return map;
    },
    stored: {
      schema: async () => (await import("~/models/execution.schema")).ExecutionAction,
      // a new walk-in's phone is stored as the import normalises it (+86 139-0000-0000 → 13900000000)
      expect: (d: { intent: string; customerId?: number | null; name?: string | null; phone?: string | null }) =>
        d.intent === "walkin" && d.customerId === null ? { name: d.name, phone: d.phone ? normalizePhone(d.phone) : d.phone } : null,
      read: async (fx) => {
        const a = newest(await fx.db.selectFrom("arrivals").innerJoin("customers", "customers.id", "arrivals.customer_id")
          .select(["customers.name", "customers.phone"]).where("arrivals.campaign_id", "=", fx.exec.campaignId).orderBy("arrivals.id", "desc").limit(1).execute())!;
        return { name: a.name, phone: a.phone };
      },
    },
  },
  {
    name: "event day: orders and deposits (campaigns.$id.execution)",
    route: () => import("~/routes/campaigns.$id.execution/route"),
    path: (fx) => `/campaigns/${fx.exec.campaignId}/execution`,
    params: (fx) => ({ id: String(fx.exec.campaignId) }),
    as: "exec",
    fields: () => ({
      intent: fc.constantFrom("order", "deposit"),
      arrivalId: fc.constant("@@arrival@@"),
      line: fc.constantFrom(...ORDER_LINES),
      description: requiredText(200, ["保养套餐 A", "Tyres ×4 🚗", "<b>x</b>", "=SUM(A1)"]),
      amount: fc.constantFrom("100", "1,234.50", "0.01"),
      kind: fc.constantFrom(...ORDER_KINDS),
      receipt: fc.oneof(fc.constantFrom("", "R-0001"), text(60)),
    }),
    live: async (fx) => {
      const a = await fx.db.selectFrom("arrivals").select("id").where("campaign_id", "=", fx.exec.campaignId).orderBy("id").executeTakeFirst();
      return { arrival: String(a?.id ?? 1) };
    },
    stored: {
      schema: async () => (await import("~/models/execution.schema")).ExecutionAction,
      expect: (d: { intent: string; description?: string; amount?: number; receipt?: string | null; line?: string; kind?: string }) =>
        d.intent === "order" ? { intent: "order", description: d.description, amount: d.amount, line: d.line, kind: d.kind }
          : d.intent === "deposit" ? { intent: "deposit", amount: d.amount, receipt: d.receipt } : null,
      read: async (fx, want) => {
        if (want?.intent === "order") {
          const o = newest(await fx.db.selectFrom("event_orders").selectAll().where("campaign_id", "=", fx.exec.campaignId).orderBy("id", "desc").limit(1).execute())!;
          return { intent: "order", description: o.description, amount: o.amount_fen, line: o.line, kind: o.kind };
        }
        const d = newest(await fx.db.selectFrom("event_deposits").selectAll().where("campaign_id", "=", fx.exec.campaignId).orderBy("id", "desc").limit(1).execute())!;
        return { intent: "deposit", amount: d.amount_fen, receipt: d.receipt };
      },
    },
  },
  {
    name: "event day: actual costs, touchpoint scores, readiness, tasks (campaigns.$id.execution)",
    route: () => import("~/routes/campaigns.$id.execution/route"),
    path: (fx) => `/campaigns/${fx.exec.campaignId}/execution`,
    params: (fx) => ({ id: String(fx.exec.campaignId) }),
    as: "exec",
    fields: () => ({
      intent: fc.constantFrom("actuals", "score", "readiness", "task"),
      "lines.0.id": fc.constant("@@line0@@"),
      "lines.0.actual": fc.constantFrom("", "100", "0", "12.34"),
      "lines.0.note": text(100),
      "lines.1.id": fc.constantFrom("@@line1@@"),
      "lines.1.actual": fc.constantFrom("", "50.5"),
      "lines.1.note": fc.constantFrom("", "发票 #2"),
      touchpoint: fc.constantFrom(...TOUCHPOINT_KEYS),
      score: fc.constantFrom("1", "3", "5"),
      indicators: fc.constantFrom("signage", "greets_promptly", "proactive", "explains_clearly"),
      notes: text(200),
      point: fc.constantFrom(...N8_POINTS),
      checked: fc.constantFrom("on", ""),
      taskId: fc.constantFrom("@@task0@@", "@@task1@@"),
      status: fc.constantFrom(...TASK_STATUSES),
    }),
    live: async (fx) => {
      const lines = await fx.db.selectFrom("campaign_budget_lines").select("id").where("campaign_id", "=", fx.exec.campaignId).orderBy("position").execute();
      const tasks = await fx.db.selectFrom("campaign_tasks").select("id").where("campaign_id", "=", fx.exec.campaignId).orderBy("position").execute();
      return { line0: String(lines[0]!.id), line1: String(lines[1]!.id), task0: String(tasks[0]!.id), task1: String(tasks[1]!.id) };
    },
    stored: {
      schema: async () => (await import("~/models/execution.schema")).ExecutionAction,
      expect: (d: { intent: string; lines?: { note: string | null; actual: number | null }[]; notes?: string | null; touchpoint?: string; score?: number }) =>
        d.intent === "actuals" ? { intent: "actuals", actual: d.lines![0]!.actual, note: d.lines![0]!.note }
          : d.intent === "score" ? { intent: "score", touchpoint: d.touchpoint, score: d.score, notes: d.notes } : null,
      read: async (fx, want) => {
        if (want?.intent === "actuals") {
          const l = (await fx.db.selectFrom("campaign_budget_lines").select(["actual_fen", "actual_note"]).where("campaign_id", "=", fx.exec.campaignId).orderBy("position").execute())[0]!;
          return { intent: "actuals", actual: l.actual_fen, note: l.actual_note };
        }
        const s = await fx.db.selectFrom("touchpoint_scores").selectAll().where("campaign_id", "=", fx.exec.campaignId)
          .where("touchpoint", "=", want?.touchpoint as (typeof TOUCHPOINT_KEYS)[number]).executeTakeFirstOrThrow();
        return { intent: "score", touchpoint: s.touchpoint, score: s.score, notes: s.notes };
      },
    },
  },
  {
    name: "review: lessons, start_review, close, reopen (campaigns.$id.review)",
    route: () => import("~/routes/campaigns.$id.review/route"),
    path: (fx) => `/campaigns/${fx.review.campaignId}/review`,
    params: (fx) => ({ id: String(fx.review.campaignId) }),
    as: "review",
    fields: () => ({
      intent: fc.constantFrom("lessons", "lessons", "start_review", "close", "reopen"),
      version: fc.constantFrom("@@ver@@", "@@ver@@", "0"),
      whatWorked: text(300, ["电话邀约效果好 👍", "<b>bold</b>", "line1\r\nline2", "'; DROP TABLE campaigns; --"]),
      whatToChange: text(300),
      decisions: text(300),
      comment: text(100),
    }),
    live: async (fx) => {
      const r = await fx.db.selectFrom("campaign_reviews").select("version").where("campaign_id", "=", fx.review.campaignId).executeTakeFirst();
      return { ver: String(r?.version ?? 0) };
    },
    stored: {
      schema: async () => (await import("~/models/execution.schema")).ReviewAction,
      expect: (d: { intent: string; whatWorked?: string | null; whatToChange?: string | null; decisions?: string | null; comment?: string | null }) =>
        d.intent === "lessons" ? { whatWorked: d.whatWorked, whatToChange: d.whatToChange, decisions: d.decisions } : { comment: d.comment },
      read: async (fx, want) => {
        if (want && "whatWorked" in want) {
          const r = await fx.db.selectFrom("campaign_reviews").selectAll().where("campaign_id", "=", fx.review.campaignId).executeTakeFirstOrThrow();
          return { whatWorked: r.what_worked, whatToChange: r.what_to_change, decisions: r.decisions };
        }
        const h = newest(await fx.db.selectFrom("campaign_history").select("comment").where("campaign_id", "=", fx.review.campaignId)
          .where("kind", "=", "status").orderBy("id", "desc").limit(1).execute())!;
        return { comment: h.comment };
      },
    },
  },
  {
    name: "customer import upload, multipart CSV (customers.import)",
    route: () => import("~/routes/customers.import"),
    path: () => "/customers/import",
    as: "importer",
    body: () => {
      const columns = Object.keys(IMPORT_COLUMNS.customers);
      const csv = hostileCsv(columns, {
        customer_code: fc.integer({ min: 1, max: 40 }).map((n) => `FZ${n}`),
        name: fc.oneof(
          fc.constantFrom("王小明", "Zoë 🚗", "=cmd|' /C calc'!A0", "O'Brien, \"Jr.\"", "多行\r\n姓名", " 空格 ", "<b>x</b>"),
          fc.string({ minLength: 1, maxLength: 40 }).filter((n) => n.trim() !== ""),
        ),
        phone: fc.constantFrom("", "13800001234", "+86 139-1234-5678", "0371-65432100"),
        gender: fc.constantFrom("", "M", "F", "男", "女"),
        usage: fc.constantFrom("", "private", "私家车", "commercial"),
        preferences: fc.constantFrom("", "golf", "golf;车展"),
        do_not_contact: fc.constantFrom("", "0", "1", "是"),
      });
      const filename = fc.constantFrom("customers.csv", "../../etc/passwd", "C:\\Users\\x\\客户.csv", "", "a\u0000b.csv", "🚗.csv");
      // No part named "" and no "=" or ";" in a part's name: a known failure (the multipart
      // parser throws, a 500), tested by itself at the end of this file
      const extras = fc.array(fc.tuple(hostileKey().filter((k) => k !== "" && !/[=;]/.test(k)), hostileText().map((t) => t.slice(0, 2000))), { maxLength: 2 });
      return fc.tuple(csv, fc.constantFrom("customers", "customers", "customers", "vehicles", "visits", "photo"), filename, extras, fc.constantFrom("multipart", "multipart", "multipart", "multipart", "empty", "urlencoded"))
        .map(([file, field, name, fields, how]): Body => {
          if (how === "urlencoded") return { form: [[field, file.text], ...fields] };
          const files = [{ field, filename: name, text: how === "empty" ? "" : file.text }];
          return { multipart: { fields, files }, csv: field === "customers" && how === "multipart" ? file : undefined };
        });
    },
    // the upload starts a job: wait for it, then the accepted rows must be stored as written
    after: async (fx, res, body) => {
      const id = Number(/^\/customers\/import\/(\d+)$/.exec(res.location ?? "")?.[1]);
      expect(id, `redirect ${res.location}`).toBeGreaterThan(0);
      await (await import("~/models/import-job.server")).waitForImportJob(id);
      const job = await fx.db.selectFrom("import_jobs").select(["status", "outcome", "message"]).where("id", "=", id).executeTakeFirstOrThrow();
      expect(job.status, `the import job ended ${job.status}: ${job.message}`).toMatch(/^(done|refused)$/);
      const rows = "multipart" in body ? body.csv?.rows : null;
      if (job.status !== "done" || !rows) return;
      const [header, ...records] = rows;
      const at = (col: string) => header!.indexOf(col);
      for (const r of records) {
        const code = r[at("customer_code")]!.trim();
        const c = await fx.db.selectFrom("customers").select("name").where("store_id", "=", fx.importStoreId).where("customer_code", "=", code).executeTakeFirstOrThrow();
        expect(c.name, `customer ${code}`).toBe(r[at("name")]!.trim());
      }
    },
  },
  {
    name: "sign-out (logout)",
    route: () => import("~/routes/logout"),
    path: () => "/logout",
    as: "leaver",
    // the action reads no field: any body signs out
    fields: () => ({ redirectTo: fc.constantFrom("/", "//evil.example") }),
    prepare: async (fx) => { fx.cookie.leaver = await signedCookie(fx.leaverId); },
    after: async (fx) => {
      const left = await fx.db.selectFrom("sessions").select("id").where("user_id", "=", fx.leaverId).execute();
      expect(left, "the session row is deleted").toEqual([]);
    },
  },
];

let fx: Fixture;
let tables: TableInfo[];
const previousDatabaseUrl = process.env.DATABASE_URL;
const stats: string[] = [];

async function signedCookie(userId: number): Promise<string> {
  const { createUserSession } = await import("~/utils/session.server");
  const res = await createUserSession({ request: new Request("http://localhost/login"), userId, redirectTo: "/" });
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

/**
 * A web import runs on a connection of its own to DATABASE_URL: point it at the test
 * database (in-memory SQLite: the same connection; PostgreSQL: this test's database), never
 * at the default data/app.db.
 */
async function pointDatabaseUrlAt(db: DB) {
  if (TEST_ENGINE !== "pg") {
    process.env.DATABASE_URL = "file::memory:";
    return;
  }
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${rows[0]!.name}`;
  process.env.DATABASE_URL = url.toString();
}

/** A started (or only approved) campaign in a store of its own, scripts confirmed; `poster` signs in. */
async function startedCampaign(
  db: DB, cookie: Record<string, string>, key: string,
  opts: { customers: number; holdoutPercent?: number; doNotContact?: number; poster?: "manager" | "staff"; start?: boolean },
) {
  const ctx = await makeApprovedCampaign(db, { customers: opts.customers, holdoutPercent: opts.holdoutPercent ?? 25, doNotContact: opts.doNotContact, start: opts.start ?? true });
  const poster = opts.poster === "staff" ? ctx.staff[0]! : ctx.manager;
  cookie[key] = await signedCookie(poster.id);
  return { ctx, fx: { storeId: ctx.store.id, campaignId: ctx.campaign.id, posterId: poster.id, staffIds: ctx.staff.map((s) => s.id) } };
}

beforeAll(async () => {
  const db = await createTestDb();
  (globalThis as { __db?: DB }).__db = db; // getDb() in the routes returns this database
  await pointDatabaseUrlAt(db);
  const store = await makeStore(db);
  const other = await makeStore(db);
  const manager = await makeUser(db, store.id, "manager");
  await db.updateTable("users").set({ email: "fuzz-manager@test.test" }).where("id", "=", manager.id).execute();
  const staff = await makeUser(db, store.id, "staff");
  const approver = await makeUser(db, store.id, "manager");
  const leaver = await makeUser(db, store.id, "staff");
  const customer = await makeCustomer(db, store.id, { name: "原名" });
  const author: Actor = { id: manager.id, role: "manager" };
  const segment = await makeSegment(db, store.id, "原来的分群");
  const plan = await makeCampaign(db, store.id, author);
  const amend = await makeCampaignIn(db, store.id, "approved", author, { id: approver.id, role: "manager" });
  const cookie: Record<string, string> = { manager: await signedCookie(manager.id), staff: await signedCookie(staff.id) };

  const flowStore = await makeStore(db);
  const flowPoster = await makeUser(db, flowStore.id, "manager");
  const flowAuthor = await makeUser(db, flowStore.id, "manager");
  await makeCustomers(db, flowStore.id, 3);
  const flowCampaign = await makeCampaign(db, flowStore.id, { id: flowAuthor.id, role: "manager" });
  cookie.flow = await signedCookie(flowPoster.id);

  const board = await startedCampaign(db, cookie, "board", { customers: 8 });
  const move = await startedCampaign(db, cookie, "move", { customers: 8 });
  const calls = await startedCampaign(db, cookie, "calls", { customers: 8, poster: "staff" });
  const round = await db.selectFrom("invitation_rounds").select("id").where("campaign_id", "=", calls.fx.campaignId).executeTakeFirstOrThrow();
  await assignRound(db, { storeId: calls.fx.storeId, campaignId: calls.fx.campaignId, actor: calls.ctx.actor, roundId: round.id, staffIds: calls.fx.staffIds, seed: 1 });

  // the admin page: one loss to verify (so the audience is not replaced by a snapshot), and customers not yet invited
  const admin = await startedCampaign(db, cookie, "admin", { customers: 6, holdoutPercent: 20, doNotContact: 1, start: false });
  await confirmScript(db, { storeId: admin.fx.storeId, campaignId: admin.fx.campaignId, actor: admin.ctx.actor });
  await makeCustomers(db, admin.fx.storeId, 3);

  // the event day (executing, today before the event: check-ins need the manager's override), one guest arrived
  const execCtx = await makeEventCampaign(db, { customers: 10 });
  cookie.exec = await signedCookie(execCtx.manager.id);
  await checkIn(db, { storeId: execCtx.storeId, campaignId: execCtx.campaignId, actor: execCtx.actor, invitationId: execCtx.invited[0]!.id, timeZone: TZ, now: EVENT_DAY });
  const reviewCtx = await makeEventCampaign(db, { customers: 6 });
  cookie.review = await signedCookie(reviewCtx.manager.id);

  const invite = await startedCampaign(db, cookie, "invite", { customers: 4 });
  await db.updateTable("campaigns").set({ event_start: "2099-12-12T09:00", event_end: "2099-12-12T17:00" }).where("id", "=", invite.fx.campaignId).execute();
  const inviteInv = await db.selectFrom("invitations").select("id").where("campaign_id", "=", invite.fx.campaignId).where("holdout", "=", 0).orderBy("id").executeTakeFirstOrThrow();
  const inviteToken = (await linkTokenFor(db, { storeId: invite.fx.storeId, campaignId: invite.fx.campaignId, invitationId: inviteInv.id }))!;

  // leads: an event day of its own store, three guests arrived, a sales consultant owning one trade-in lead
  const leadsCtx = await makeEventCampaign(db, { customers: 8 });
  const salesUser = await createUser(db, { storeId: leadsCtx.storeId, email: "fuzz-sales@test.test", password: "password123", displayName: "销售", role: "staff", department: "sales" });
  for (const inv of leadsCtx.invited.slice(0, 3)) {
    await checkIn(db, { storeId: leadsCtx.storeId, campaignId: leadsCtx.campaignId, actor: leadsCtx.actor, invitationId: inv.id, timeZone: TZ, now: EVENT_DAY });
  }
  const fuzzLead = await createLead(db, { storeId: leadsCtx.storeId, actor: leadsCtx.actor, input: { kind: "trade_in", source: "desk", invitationId: leadsCtx.invited[0]!.id } });
  cookie.leadsMgr = await signedCookie(leadsCtx.manager.id);
  cookie.leadsOwner = await signedCookie(salesUser.id);

  const importStore = await makeStore(db);
  cookie.importer = await signedCookie((await makeUser(db, importStore.id, "manager")).id);

  const campaignFx = (c: Awaited<ReturnType<typeof makeEventCampaign>>): CampaignFx =>
    ({ storeId: c.storeId, campaignId: c.campaignId, posterId: c.manager.id, staffIds: c.staff.map((s) => s.id) });
  fx = {
    db, storeId: store.id, otherStoreId: other.id, managerId: manager.id, staffId: staff.id, customerId: customer.id, cookie,
    segmentId: segment.id, planId: plan.id, amendId: amend.id,
    flow: { storeId: flowStore.id, authorId: flowAuthor.id, campaignId: flowCampaign.id },
    board: board.fx, move: move.fx, calls: calls.fx, admin: admin.fx, exec: campaignFx(execCtx), review: campaignFx(reviewCtx),
    invite: { ...invite.fx, token: inviteToken },
    importStoreId: importStore.id, leaverId: leaver.id,
    leads: { ...campaignFx(leadsCtx), leadId: fuzzLead.id, ownerId: salesUser.id },
  };
  tables = await listTables(db);
}, 120_000);

afterAll(async () => {
  if (process.env.FUZZ_REPORT && stats.length) console.log(stats.join("\n"));
  (globalThis as { __db?: DB }).__db = undefined;
  if (previousDatabaseUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = previousDatabaseUrl;
  await fx?.db.destroy();
});

async function post(target: Target, body: Body | [string, string][]): Promise<Posted> {
  if (Array.isArray(body)) body = { form: body };
  const headers: Record<string, string> = {};
  if (target.as) headers.Cookie = fx.cookie[target.as]!;
  let payload: BodyInit;
  if ("form" in body) {
    const form = new URLSearchParams();
    for (const [k, v] of body.form) form.append(k, v);
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    payload = form;
  } else if ("json" in body) {
    headers["Content-Type"] = "application/json";
    payload = body.json;
    if (target.signWith) headers["X-Signature"] = signBody(target.signWith, body.json);
  } else if ("raw" in body) {
    if (body.raw.type) headers["Content-Type"] = body.raw.type;
    payload = new TextEncoder().encode(body.raw.text); // bytes: fetch adds no Content-Type of its own
  } else {
    const form = new FormData();
    for (const [k, v] of body.multipart.fields) form.append(k, v);
    for (const f of body.multipart.files) form.append(f.field, new Blob([f.text], { type: "text/csv" }), f.filename);
    payload = form; // multipart/form-data with its boundary
  }
  const request = new Request(`http://localhost${target.path(fx)}`, { method: "POST", headers, body: payload });
  // what the action really receives (in a form, lone surrogates become U+FFFD)
  let sent: unknown = null;
  if ("form" in body) sent = await request.clone().formData();
  else if ("json" in body) {
    try {
      sent = JSON.parse(await request.clone().text());
    } catch {
      sent = null;
    }
  }
  const mod = await target.route();
  let res: unknown;
  let thrown = false;
  try {
    res = await mod.action({ request, params: target.params?.(fx) ?? {}, context: { ip: `10.${"form" in body ? body.form.length : 0}.0.1` } });
  } catch (e) {
    if (!(e instanceof Response)) throw new Error(`${target.name}: the action threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    res = e;
    thrown = true;
  }
  if (!(res instanceof Response)) throw new Error(`${target.name}: the action returned a ${typeof res}, not a Response`);
  const answer = !thrown && (res.headers.get("content-type") ?? "").includes("json") ? await res.clone().json().catch(() => undefined) : undefined;
  return { status: res.status, location: res.headers.get("location"), sent, answer };
}

const without = (summary: Awaited<ReturnType<typeof summariseDatabase>>, skip: string[] = []) => summary.filter((t) => !skip.includes(t.table));
const describeBody = (body: Body) => JSON.stringify("form" in body ? body.form : "json" in body ? body.json : "raw" in body ? body.raw : body.multipart).slice(0, 500);

describe("actions under hostile posts", () => {
  for (const target of TARGETS) {
    it(`${target.name}: never a 5xx, nothing changes on refusal, redirects stay on the site, accepted text is stored as sent`, async () => {
      const { parseFormData, parseObject } = await import("~/utils/form");
      let accepted = 0;
      let runs = 0;
      const acceptedBy: Record<string, number> = {};
      const arbitrary = target.fields ? hostileForm(target.fields(fx)).map((form): Body => ({ form })) : target.body!(fx);
      await fc.assert(
        fc.asyncProperty(arbitrary, async (generated) => {
          runs++;
          await target.prepare?.(fx, fieldOf(generated));
          const body = target.live ? resolveBody(generated, await target.live(fx, fieldOf(generated))) : generated;
          const before = await summariseDatabase(fx.db, tables);
          const res = await post(target, body);
          expect(res.status, describeBody(body)).toBeLessThan(500);
          expect(prototypeIsClean()).toEqual([]);
          if (res.location !== null) {
            expect(res.location).toMatch(/^\/(?![/\\])/);
          }
          if (res.status >= 400) {
            const after = await summariseDatabase(fx.db, tables);
            expect(without(after, target.writesOnRefusal), `refused ${res.status}, the database changed: ${describeBody(body)}`)
              .toEqual(without(before, target.writesOnRefusal));
            return;
          }
          accepted++;
          const field = fieldOf(body);
          const kind = ["intent", "action", "to"].map((k) => field(k)).filter((v) => typeof v === "string" && /^[a-z_]{1,30}$/.test(v)).join(":") || "-";
          acceptedBy[kind] = (acceptedBy[kind] ?? 0) + 1;
          if (target.stored) {
            const schema = await target.stored.schema(res.sent);
            const parsed = res.sent instanceof FormData ? parseFormData(schema, res.sent) : parseObject(schema, res.sent);
            expect(parsed.ok, `accepted, but the form's schema refuses it: ${describeBody(body)}`).toBe(true);
            if (parsed.ok) {
              const data = parsed.data as Record<string, unknown>;
              const want = target.stored.expect ? target.stored.expect(data) : data;
              if (want) {
                const stored = await target.stored.read(fx, want);
                if (target.stored.expect) expect(stored, describeBody(body)).toEqual(want);
                else for (const [k, v] of Object.entries(stored)) expect(v, k).toEqual(want[k]);
              }
            }
          }
          await target.after?.(fx, res, body);
        }),
        { numRuns: Math.max(1, Math.round(FUZZ_RUNS / 2)) },
      );
      stats.push(`${target.name}: ${runs} runs, ${accepted} accepted ${JSON.stringify(acceptedBy)}`);
      // The valid values must get through sometimes, or the property tested nothing. Not for
      // sign-in: five failures lock the account for 15 minutes, so whether a valid sign-in
      // comes after them depends on the random order (valid sign-ins are tested elsewhere).
      // The no-show list opens after the event and the fixture's event is still to come: every step
      // is refused there (accepted steps: app/models/no-shows.server.test.ts).
      if (target.name !== "store switch (store)" && target.name !== "sign-in (login)" && !target.name.startsWith("no-show follow-up")) expect(accepted).toBeGreaterThan(0);
    }, 120_000);
  }

  // Deterministic: every hostile string in every text field of the customer card, on this engine.
  it("customer card edit: each hostile string as the name is either refused with nothing changed or stored exactly", async () => {
    const target = TARGETS.find((t) => t.name.startsWith("customer card edit"))!;
    const schema = await target.stored!.schema();
    const { parseFormData } = await import("~/utils/form");
    const problems: string[] = [];
    for (const name of HOSTILE_STRINGS) {
      const before = await summariseDatabase(fx.db, tables);
      const res = await post(target, [["name", name], ["phone", ""], ["gender", ""], ["usage", ""]]).catch((e: Error) => ({ status: 500, error: e.message, sent: null, location: null }));
      const label = JSON.stringify(name.slice(0, 30));
      if (res.status >= 500) problems.push(`${label}: ${res.status} ${"error" in res ? res.error : ""}`);
      else if (res.status >= 400) {
        if (JSON.stringify(await summariseDatabase(fx.db, tables)) !== JSON.stringify(before)) problems.push(`${label}: refused but the database changed`);
      } else {
        const parsed = parseFormData(schema, res.sent as FormData);
        const stored = (await target.stored!.read(fx)).name;
        if (!parsed.ok || stored !== (parsed.data as { name: string }).name) problems.push(`${label}: stored ${JSON.stringify(stored)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  // Deterministic: a JSON body carries text a form cannot (lone surrogates stay lone): every
  // hostile string as a move's note is either refused with nothing changed or stored exactly.
  it("board move (JSON): each hostile string as the note is either refused with nothing changed or stored exactly", async () => {
    const target = TARGETS.find((t) => t.name.startsWith("board drag-and-drop move"))!;
    const { MoveSchema } = await import("~/models/invitation.schema");
    const { parseObject } = await import("~/utils/form");
    const invitation = await fx.db.selectFrom("invitations").select("id").where("campaign_id", "=", fx.move.campaignId).where("holdout", "=", 0).orderBy("id").executeTakeFirstOrThrow();
    const problems: string[] = [];
    for (const note of HOSTILE_STRINGS) {
      const { version } = await fx.db.selectFrom("invitations").select("version").where("id", "=", invitation.id).executeTakeFirstOrThrow();
      const json = JSON.stringify({ invitationId: invitation.id, version, to: "pending", outcome: "no_answer", note });
      const before = await summariseDatabase(fx.db, tables);
      const res = await post(target, { json }).catch((e: Error) => ({ status: 500, error: e.message, sent: null, location: null }));
      const label = JSON.stringify(note.slice(0, 30));
      if (res.status >= 500) problems.push(`${label}: ${res.status} ${"error" in res ? res.error : ""}`);
      else if (res.status >= 400) {
        if (JSON.stringify(await summariseDatabase(fx.db, tables)) !== JSON.stringify(before)) problems.push(`${label}: refused but the database changed`);
      } else {
        const parsed = parseObject(MoveSchema, res.sent);
        const stored = (await readAttempt(fx, fx.move)).note;
        if (!parsed.ok || stored !== parsed.data.note) problems.push(`${label}: accepted ${JSON.stringify(parsed.ok ? parsed.data.note?.slice(0, 30) : null)}, stored ${JSON.stringify(stored?.slice(0, 30))}`);
      }
    }
    expect(problems).toEqual([]);
  });

  // Found by this file: safeRedirect let through a same-site path with characters a Location
  // header cannot hold ("/客户", "/customers?q=王", "/a\u0000b") and redirect() threw: a 500
  // from the language switch, sign-in and the store switch. Now encoded, or the fallback.
  it("redirectTo with characters a Location header cannot carry: a safe redirect, not a 500", async () => {
    const problems: string[] = [];
    for (const redirectTo of ["/客户", "/customers?q=王", "/a\u0000b"]) {
      for (const [name, form] of [
        ["language switch", [["lang", "en"], ["redirectTo", redirectTo]]],
        ["store switch", [["storeId", String(fx.storeId)], ["redirectTo", redirectTo]]],
        ["sign-in", [["email", "fuzz-manager@test.test"], ["password", "password123"], ["redirectTo", redirectTo]]],
      ] as [string, [string, string][]][]) {
        const target = TARGETS.find((t) => t.name.startsWith(name))!;
        const res = await post(target, form).catch((e: Error) => ({ status: 500, error: e.message }));
        if (res.status >= 500) problems.push(`${name} ${JSON.stringify(redirectTo)}: ${"error" in res ? res.error : res.status}`);
      }
    }
    expect(problems).toEqual([]);
  });

  // Found by this file: the move's JSON body kept a lone surrogate ("\ud800", which a form turns
  // into U+FFFD) and the database stored something else (SQLite invalid UTF-8 read back as
  // "\ufffd\ufffd\ufffd", PostgreSQL's driver U+FFFD). parseObject now refuses it (400).
  it("board move (JSON): a note with a lone surrogate is refused or stored exactly", async () => {
    const target = TARGETS.find((t) => t.name.startsWith("board drag-and-drop move"))!;
    const invitation = await fx.db.selectFrom("invitations").select(["id", "version"]).where("campaign_id", "=", fx.move.campaignId).where("holdout", "=", 0)
      .orderBy("id").executeTakeFirstOrThrow();
    const note = "a\ud800b";
    const res = await post(target, { json: JSON.stringify({ invitationId: invitation.id, version: invitation.version, to: "pending", outcome: "no_answer", note }) });
    expect(res.status).toBeLessThan(500);
    if (res.status < 400) expect((await readAttempt(fx, fx.move)).note).toBe(note);
  });

  // Found by this file: readImportUpload rethrew the errors of Remix's multipart parser (a part's
  // name or file name holding "=" or ";", a part named "", a body cut short): a 500. Now a 400
  // that says what to do.
  it("customer import: a multipart body the parser cannot read is refused, not a 500", async () => {
    const target = TARGETS.find((t) => t.name.startsWith("customer import"))!;
    const csv = "customer_code,name,phone,gender,usage,preferences,do_not_contact\nFZ1,x,,,,,\n";
    const problems: string[] = [];
    for (const [label, body] of [
      ["file name with ;", { multipart: { fields: [], files: [{ field: "customers", filename: "客户;2026.csv", text: csv }] } }],
      ["file name with =", { multipart: { fields: [], files: [{ field: "customers", filename: "customers=v2.csv", text: csv }] } }],
      ["part named \"\"", { multipart: { fields: [["", "0"]], files: [{ field: "customers", filename: "customers.csv", text: csv }] } }],
    ] as [string, Body][]) {
      const res = await post(target, body).catch((e: Error) => ({ status: 500, error: e.message }));
      if (res.status >= 500) problems.push(`${label}: ${"error" in res ? res.error : res.status}`);
      else if ("location" in res && res.location) await (await import("~/models/import-job.server")).waitForImportJob(Number(res.location.split("/").pop()));
    }
    expect(problems).toEqual([]);
  });

  // Found by this file: request.formData() throws on a body that is not a form, and every form
  // action answered 500; readForm (app/utils/http.server.ts) answers 415.
  it("a body that is not a form (text, JSON, no type, multipart without its boundary) is refused below 500 by every action, changing nothing", async () => {
    const problems: string[] = [];
    const raws = [
      { type: "text/plain", text: "a=b&c=d" }, { type: "application/json", text: '{"a":1}' },
      { type: null, text: "a=b" }, { type: "multipart/form-data", text: "--x\r\n" },
    ];
    for (const target of TARGETS) {
      for (const raw of raws) {
        await Promise.resolve(target.prepare?.(fx, () => undefined)).catch(() => {});
        const before = await summariseDatabase(fx.db, tables);
        const res = await post(target, { raw }).catch((e: Error) => ({ status: 500, error: e.message, location: null, sent: null }));
        const label = `${target.name}, ${raw.type ?? "no Content-Type"}`;
        if (res.status >= 500) problems.push(`${label}: ${res.status} ${"error" in res ? res.error : ""}`);
        else if (res.status >= 400) {
          const after = await summariseDatabase(fx.db, tables);
          if (JSON.stringify(without(after, target.writesOnRefusal)) !== JSON.stringify(without(before, target.writesOnRefusal))) problems.push(`${label}: refused but the database changed`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  /**
   * Decision 023: every form action answers a refused post in one shape, `{ intent, errors,
   * values, formError }`. Not forms (and so not in that shape, see the decision): the JSON
   * endpoints of the board, the SMS webhook, the public invitation page, sign-in, sign-out and
   * the language and store switches, the upload. Still in an older shape (not yet moved onto the
   * pipeline): listed below, so that this test fails when one answers the shape (drop it from
   * the list) or when any other form answers another shape.
   */
  const NOT_A_FORM = ["sign-in (login)", "language switch (lang)", "store switch (store)", "sign-out (logout)", "check-in desk: a scanned code (campaigns.$id.execution_.scan)"];
  const NOT_YET_MOVED: string[] = [];
  it("every form action answers a bad input in the one shape { intent, errors, values, formError }", async () => {
    const shape = ["errors", "formError", "intent", "values"];
    const wrong: string[] = [];
    const checked: string[] = [];
    for (const target of TARGETS) {
      if (!target.fields || NOT_A_FORM.includes(target.name)) continue;
      // every field NUL: no schema takes it (errors.invalid), so each action refuses with a 400
      const form: [string, string][] = Object.keys(target.fields(fx)).map((k) => [k, "a\u0000b"]);
      await target.prepare?.(fx, fieldOf({ form }));
      const res = await post(target, { form });
      const keys = res.answer && typeof res.answer === "object" ? Object.keys(res.answer).filter((k) => shape.includes(k)).sort() : [];
      const inShape = res.status === 400 && JSON.stringify(keys) === JSON.stringify(shape);
      if (NOT_YET_MOVED.includes(target.name)) {
        if (inShape) wrong.push(`${target.name}: answers the one shape now, take it off NOT_YET_MOVED`);
        continue;
      }
      checked.push(target.name);
      if (!inShape) wrong.push(`${target.name}: ${res.status} ${JSON.stringify(res.answer)?.slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
    expect(checked.length).toBeGreaterThanOrEqual(8);
  });

  it("every route action has a target", () => {
    const routes = path.resolve(__dirname, "../../app/routes");
    const source = fs.readFileSync(path.join(__dirname, "fuzz-actions.test.ts"), "utf8");
    // a route folder's route module is its route.tsx (or route.ts)
    const modules = fs.readdirSync(routes).map((f) => {
      if (!fs.statSync(path.join(routes, f)).isDirectory()) return f;
      return `${f}/${fs.readdirSync(path.join(routes, f)).find((g) => /^route\.tsx?$/.test(g))}`;
    });
    const withAction = modules
      .filter((f) => /^export (async function|const) action\b/m.test(fs.readFileSync(path.join(routes, f), "utf8")))
      .map((f) => f.replace(/\.tsx?$/, ""));
    expect(withAction.length).toBeGreaterThan(10);
    expect(withAction.filter((r) => !source.includes(`import("~/routes/${r}")`))).toEqual([]);
  });
});
