/**
 * Invitation forms and the board's JSON moves (browser-safe: zod only). Messages are i18n
 * keys in the invitations namespace. The same schemas parse the no-JS forms (FormData
 * strings) and the drag-and-drop JSON.
 */
import { z } from "zod";
import { isRealDate } from "~/utils/format";
import { MAX_IDS } from "~/utils/limits";
import { checkbox, choice as choiceField, date as dateField, dateTime as dateTimeField, errorKeys, id as idField, money, optional, raw, requiredText, text as textField, version as versionField, wholeNumber } from "./fields";
import { CHANNELS } from "./campaign.schema";
import { COLUMNS, CONTACT_OUTCOMES, FLAGS, LOSS_REASONS, type Column, type Flag } from "./invitation.constants";
import { GROUPS, TIERS } from "./domain";

export {
  BOARD_PAGE, COLUMNS, CONTACT_OUTCOMES, FLAGS, LOSS_REASONS, MIN_ATTEMPTS, OUTCOMES, RESULTS, WORKING_STATUSES,
  type AttemptOutcome, type Column, type Flag, type InvitationResult, type LossReason,
} from "./invitation.constants";
export { CHANNELS };
export type Channel = (typeof CHANNELS)[number];

const E = errorKeys("invitations", ["required", "choice", "date", "dateTime", "deposit", "id", "tooLong"]);

const text = (max: number) => textField(max, E.tooLong);

const id = (message: string = E.id) => idField({ message });

const optionalId = idField({ ...optional, message: E.id });

const version = versionField("invitations:errors.version");

const choice = <T extends readonly [string, ...string[]]>(values: T, requiredMessage: string = E.required) =>
  choiceField(values, { required: requiredMessage, message: E.choice });

export { isRealDate };

const date = (requiredMessage: string) => dateField({ required: requiredMessage, message: E.date });

/** Local `YYYY-MM-DDTHH:mm` in the store's time zone. */
const dateTime = (requiredMessage: string) => dateTimeField({ required: requiredMessage, message: E.dateTime });

/** Yuan text → fen; "" → null; negative, not a number or more than two decimals → error. */
const deposit = money({ ...optional, message: E.deposit, max: 10_000_000_000 });

const channel = choiceField(CHANNELS, { ...optional, message: E.choice }).transform((v): Channel => v ?? "phone");

const base = {
  invitationId: id(),
  version,
  channel,
  note: text(500),
};

/**
 * When a form is judged: `nowLocal` is the store's local date-time (`YYYY-MM-DDTHH:mm`, see
 * localNow) — a call-back before it is refused. Without it (the browser's check, tests of the
 * shape) the time is not judged; the model refuses a past call-back in any case.
 */
export interface AttemptContext {
  nowLocal?: string | null;
}

/** One contact attempt; the fields each outcome requires (the brief's table). */
export function attemptSchema({ nowLocal = null }: AttemptContext = {}) {
  return z.discriminatedUnion("outcome", [
    z.object({ ...base, outcome: z.literal("no_answer") }),
    z.object({ ...base, outcome: z.literal("wrong_number") }),
    z.object({ ...base, outcome: z.literal("callback"), callbackAt: dateTime("invitations:errors.callbackRequired") })
      .superRefine((v, ctx) => {
        if (nowLocal && v.callbackAt < nowLocal) ctx.addIssue({ code: "custom", path: ["callbackAt"], message: "invitations:errors.callbackPast" });
      }),
    z.object({
      ...base,
      outcome: z.literal("yes"),
      intentVerified: checkbox,
      deposit,
      depositReceipt: text(60),
    }),
    z.object({ ...base, outcome: z.literal("maybe"), nextFollowUp: date("invitations:errors.followUpRequired"), managerJoins: checkbox }),
    z.object({ ...base, outcome: z.literal("no"), lossReason: choice(LOSS_REASONS, "invitations:errors.lossReasonRequired"), lossNote: text(500) })
      .superRefine((v, ctx) => {
        if (v.lossReason === "other" && !v.lossNote) ctx.addIssue({ code: "custom", path: ["lossNote"], message: "invitations:errors.lossNoteRequired" });
      }),
  ], { error: () => "invitations:errors.outcome" });
}
export const AttemptSchema = attemptSchema();
export type AttemptInput = z.output<typeof AttemptSchema>;

/**
 * A board move: the target column decides the outcome (yes/maybe/no); a move back to
 * "To contact" names a contact outcome (no answer, wrong number, callback) and reopens the
 * invitation (result pending).
 */
export function moveSchema(context: AttemptContext = {}) {
  const attempt = attemptSchema(context);
  return z.preprocess((input) => {
    if (!input || typeof input !== "object") return input;
    const v = input as Record<string, unknown>;
    if (v.to === "yes" || v.to === "maybe" || v.to === "no") return { ...v, outcome: v.to };
    return v;
  }, z.object({ to: z.enum(COLUMNS, { error: () => "invitations:errors.unknownColumn" }) }).passthrough())
    .transform((v, ctx) => {
      const parsed = attempt.safeParse(v);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: issue.path as (string | number)[], message: issue.message });
        return z.NEVER;
      }
      if (v.to === "pending" && !(CONTACT_OUTCOMES as readonly string[]).includes(parsed.data.outcome)) {
        ctx.addIssue({ code: "custom", path: ["outcome"], message: "invitations:errors.outcome" });
        return z.NEVER;
      }
      return { ...parsed.data, reopen: v.to === "pending" };
    });
}
export const MoveSchema = moveSchema();
export type MoveInput = z.output<typeof MoveSchema>;

/**
 * Forms on the board and the call workbench: confirm the script, log an attempt (the
 * attempt's own fields, by outcome), verify a loss, verify a yes's intent (意向核实).
 */
export function boardFormSchema(context: AttemptContext = {}) {
  const attempt = attemptSchema(context);
  return z.discriminatedUnion("intent", [
    z.object({ intent: z.literal("confirm_script") }),
    z.object({ intent: z.literal("verify_loss"), invitationId: id(), version }),
    z.object({ intent: z.literal("verify_intent"), invitationId: id(), version }),
    z.object({ intent: z.literal("attempt") }).passthrough(),
  ], { error: () => "invitations:errors.intent" }).transform((v, ctx) => {
    if (v.intent !== "attempt") return v;
    const parsed = attempt.safeParse(v);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: issue.path as (string | number)[], message: issue.message });
      return z.NEVER;
    }
    return { intent: "attempt" as const, attempt: parsed.data };
  });
}
export const BoardFormSchema = boardFormSchema();
export type BoardFormInput = z.output<typeof BoardFormSchema>;

/** Filters in the board's URL. `assignee`: "me", "all", "none" or a user id. */
export const BoardFiltersSchema = z.object({
  round: optionalId.catch(null),
  assignee: z.union([z.enum(["me", "all", "none"]), z.string().regex(/^\d{1,12}$/)]).optional().catch(undefined),
  group: raw.transform((v) => GROUPS.find((g) => String(g) === v) ?? null).catch(null),
  tier: raw.transform((v) => ((TIERS as readonly string[]).includes(v) ? v : null)).catch(null),
  flag: raw.transform((v) => ((FLAGS as readonly string[]).includes(v) ? (v as Flag) : null)).catch(null),
  q: raw.transform((v) => (v === "" ? null : v.slice(0, 60))).catch(null),
  /** cards per column wanted, e.g. show=pending:50 (show more) */
  show: raw.transform((v) => {
    const out: Partial<Record<Column, number>> = {};
    for (const part of v.split(",")) {
      const [col, n] = part.split(":");
      if ((COLUMNS as readonly string[]).includes(col ?? "") && /^\d{1,5}$/.test(n ?? "")) out[col as Column] = Math.min(Number(n), 2000);
    }
    return out;
  }).catch({}),
});
export type BoardFilters = z.output<typeof BoardFiltersSchema>;

/** The board's address: its filters, and the card a no-JS form post came back to (`saved`). */
export const BoardQuery = BoardFiltersSchema.extend({ saved: optionalId.catch(null) });

/** The call workbench's address: the card opened from the board (`invitation`), if any. */
export const CallsQuery = z.object({ invitation: optionalId.catch(null) });

/** What the invitations page says after a manager's form was saved (`done`, with its figures). */
export const ADMIN_DONE = ["start", "snapshot", "messages", "round", "assign", "reassign", "associated", "verify", "verifyIntent"] as const;
export type AdminDone = (typeof ADMIN_DONE)[number];
const count = wholeNumber({ ...optional, min: 0, max: 1_000_000_000, message: E.id }).catch(null);

/** The invitations page's address: the associated-customer search, the reassignment's source, the saved flash. */
export const InvitationsAdminQuery = z.object({
  q: raw.transform((v) => (v === "" ? null : v.slice(0, 60))).catch(null),
  /** "none": cards nobody is assigned; else an inviter's id */
  from: optionalId.transform((v) => v ?? ("none" as const)).catch("none" as const),
  done: choiceField(ADMIN_DONE, optional).catch(null),
  /** the figure of `done` (cards assigned, the round's number, messages queued; contactable cards after a start) */
  n: count,
  /** after a start: the hold-out cards */
  holdout: count,
});

/** Manager forms on the invitations page. */
export const InvitationsAdminSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("start"),
    campaignVersion: version,
    seed: wholeNumber({ ...optional, min: 0, max: 999_999_999, message: "invitations:errors.seed" }),
  }),
  z.object({ intent: z.literal("snapshot") }),
  /** queue the invitation messages in the outbox (issue 13) */
  z.object({ intent: z.literal("send_messages") }),
  z.object({
    intent: z.literal("open_round"),
    channels: z.union([z.string(), z.array(z.string())]).optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
      .pipe(z.array(z.enum(CHANNELS, { error: () => E.choice })).min(1, "invitations:errors.channelsRequired")),
    startDate: date("invitations:errors.required"),
    endDate: date("invitations:errors.required"),
  }).superRefine((v, ctx) => {
    if (v.startDate && v.endDate && v.endDate < v.startDate) ctx.addIssue({ code: "custom", path: ["endDate"], message: "invitations:errors.endBeforeStart" });
  }),
  z.object({
    intent: z.literal("assign"),
    roundId: id(),
    staffIds: z.union([z.string(), z.array(z.string())]).optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
      .pipe(z.array(z.string().regex(/^\d{1,12}$/, E.id).transform(Number)).min(1, "invitations:errors.staffRequired").max(MAX_IDS, "invitations:errors.tooManySelected")),
    balanceByGroup: checkbox,
    redistributeAll: checkbox,
  }),
  z.object({
    intent: z.literal("reassign"),
    invitationIds: z.union([z.string(), z.array(z.string())]).optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
      .pipe(z.array(z.string().regex(/^\d{1,12}$/, E.id).transform(Number)).min(1, "invitations:errors.selectionRequired").max(MAX_IDS, "invitations:errors.tooManySelected")),
    assigneeId: id("invitations:errors.assigneeRequired"),
  }),
  z.object({ intent: z.literal("add_associated"), customerId: id() }),
  z.object({
    intent: z.literal("create_associated"),
    name: requiredText(60, { required: E.required, tooLong: E.tooLong }),
    phone: raw.pipe(z.string().regex(/^(1\d{10})?$/, "invitations:errors.phone")).transform((v) => (v === "" ? null : v)),
  }),
  z.object({ intent: z.literal("verify_loss"), invitationId: id(), version }),
  z.object({ intent: z.literal("verify_intent"), invitationId: id(), version }),
], { error: () => "invitations:errors.intent" });
export type InvitationsAdminInput = z.output<typeof InvitationsAdminSchema>;
