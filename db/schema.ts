/**
 * The typed shape of the database. Every table a migration creates is listed here.
 * Conventions: money is integer fen (`*_fen`), dates are ISO `YYYY-MM-DD` text,
 * timestamps are ISO-8601 UTC text written by the app, booleans are 0/1 integers
 * (portable between SQLite and PostgreSQL).
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";
// The enum columns take their unions from the app's lists of values (type-only imports: db/
// loads no app code at run time). A value added to a list is a value the column accepts.
import type { Department, Gender, Role, Tier, Usage } from "../app/models/domain";
import type { CampaignStatus, Payer, TaskPhase, TaskStatus } from "../app/models/campaign.constants";
import type { AttemptOutcome, InvitationResult, LossReason } from "../app/models/invitation.constants";
import type { ImportFile } from "../app/models/import.constants";
import type { NoShowOutcome } from "../app/models/no-shows.constants";
import type { OrderKind, OrderLine } from "../app/models/execution.constants";
import type { Touchpoint } from "../app/models/execution.schema";
import type { SurveyTouchpoint } from "../app/models/touchpoint-survey.constants";
import type { VehicleAgeBucket, WarrantyStatus } from "../app/models/segment.schema";
import type { LeadDepartment, LeadKind, LeadSource, LeadStatus } from "../app/models/lead.constants";

export type { AttemptOutcome, CampaignStatus, Department, InvitationResult, LeadKind, LeadSource, LeadStatus, LossReason, Role };

export interface StoreTable {
  id: Generated<number>;
  code: string;
  name: string;
  timezone: string;
  created_at: string;
}

export interface UserTable {
  id: Generated<number>;
  store_id: number;
  display_name: string;
  email: string;
  password_hash: string;
  role: Role;
  department: Department;
  active: number;
  created_at: string;
}

export interface SessionTable {
  id: string;
  user_id: number;
  /** For admins: the store they are looking at; others always see their own store. */
  active_store_id: number | null;
  created_at: string;
  expires_at: string;
}

export interface LoginAttemptTable {
  id: Generated<number>;
  email: string;
  ip: string;
  success: number;
  at: string;
}

/** Sign-in throttling counters: key = "pair:<email>|<address>", "account:<email>" or "address:<address>". */
export interface LoginThrottleTable {
  key: string;
  /** failed attempts counted in the current window (an attempt counts from the moment it is taken until it succeeds) */
  failures: number;
  window_start: string;
  /** no attempt under this key is evaluated before this time */
  blocked_until: string | null;
  updated_at: string;
}

export interface CustomerTable {
  id: Generated<number>;
  store_id: number;
  customer_code: string;
  name: string;
  phone: string | null;
  gender: Gender | null;
  usage: Usage | null;
  do_not_contact: number;
  created_at: string;
  updated_at: string;
}

export interface CustomerPreferenceTable {
  customer_id: number;
  preference: string;
}

export interface VehicleTable {
  id: Generated<number>;
  store_id: number;
  customer_id: number;
  vin: string;
  plate: string | null;
  model: string | null;
  purchase_date: string | null;
  warranty_end: string | null;
  insurance_expiry: string | null;
  mileage_km: number | null;
}

export interface ServiceVisitTable {
  id: Generated<number>;
  store_id: number;
  vehicle_id: number;
  customer_id: number;
  ro_number: string;
  visit_date: string;
  type: string;
  amount_fen: number;
}

export interface StoreSettingsTable {
  store_id: number;
  /** JSON, validated by StoreSettingsSchema (app/models/settings.schema.ts). */
  settings: string;
  updated_by: number | null;
  updated_at: string;
}

export interface SegmentTable {
  id: Generated<number>;
  store_id: number;
  name: string;
  description: string | null;
  /** JSON condition tree (app/models/segment.schema.ts). */
  definition: string;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  version: Generated<number>;
}


/**
 * A campaign and its plan (5W2H + KPI), see app/models/campaign.server.ts.
 * - `version` is bumped on every save (optimistic concurrency: a save names the version it
 *   edited; a mismatch is refused as StaleVersion).
 * - Dates: `invitation_start/end`, `review_date` are `YYYY-MM-DD`; `event_start/end` are
 *   local date+time `YYYY-MM-DDTHH:mm` in the store's time zone (no offset).
 * - KPI targets (all nullable until set): percentages are whole percent (reach rate 0–100,
 *   ROI may exceed 100); `kpi_deposits_fen` is the advance-deposit AMOUNT target in fen.
 * - `goals` is JSON: [{ text, target, unit }] (quantified goals).
 * - `business_chain`: booking_maintenance | warranty_repair | renewal_accident | decoration_beauty.
 * - `topic_technique`: borrow_trend (借东风, with `topic_subkind`) | emotion (动情愫) | debate (引争议).
 */
export interface CampaignTable {
  id: Generated<number>;
  store_id: number;
  name: string;
  status: CampaignStatus;
  version: Generated<number>;
  author_id: number;
  owner_id: number | null;
  segment_id: number | null;
  holdout_percent: number;
  business_chain: string | null;
  theme: string | null;
  topic_technique: string | null;
  topic_subkind: string | null;
  offer: string | null;
  script: string | null;
  venue: string | null;
  invitation_start: string | null;
  invitation_end: string | null;
  event_start: string | null;
  event_end: string | null;
  review_date: string | null;
  kpi_reach_rate_percent: number | null;
  kpi_yes_count: number | null;
  kpi_arrivals: number | null;
  kpi_conversions: number | null;
  kpi_revenue_fen: number | null;
  kpi_deposits_fen: number | null;
  kpi_roi_percent: number | null;
  /** seats at the event (issue 15); null: unlimited */
  capacity: ColumnType<number | null, number | null | undefined, number | null>;
  background: string | null;
  goals: string;
  non_quantified_goals: string | null;
  template_key: string | null;
  cloned_from: number | null;
  created_at: string;
  updated_at: string;
  updated_by: number | null;
}

/** The plan's WHERE channels, one row per chosen channel with an optional planned reach. */
export interface CampaignChannelTable {
  campaign_id: number;
  /** phone | sms | wechat_official | wechat_moments | radio | posters | home_visit */
  channel: string;
  planned_reach: number | null;
}

/** HOW MUCH: amount_fen = quantity × unit_cost_fen; actual_fen is filled after the event. */
export interface CampaignBudgetLineTable {
  id: Generated<number>;
  campaign_id: number;
  position: number;
  /** materials | gifts | media | venue | catering | discounts | incentives | other */
  category: string;
  description: string;
  quantity: number;
  unit_cost_fen: number;
  amount_fen: number;
  payer: Payer;
  actual_fen: number | null;
  actual_note: string | null;
}

/** HOW TO DO: relative_days (T−N = −N) makes due_date follow the event start date. */
export interface CampaignTaskTable {
  id: Generated<number>;
  campaign_id: number;
  position: number;
  title: string;
  phase: TaskPhase;
  owner_id: number | null;
  due_date: string | null;
  relative_days: number | null;
  status: TaskStatus;
}

/** Append-only: status changes, post-approval field changes (old → new), comments. */
export interface CampaignHistoryTable {
  id: Generated<number>;
  campaign_id: number;
  at: string;
  user_id: number | null;
  kind: "status" | "field" | "comment";
  field: string | null;
  old_value: string | null;
  new_value: string | null;
  comment: string | null;
}

export interface CustomerChangeTable {
  id: Generated<number>;
  store_id: number;
  customer_id: number;
  user_id: number | null;
  field: string;
  old_value: string | null;
  new_value: string | null;
  changed_at: string;
  /** the import that made the change (null: a user in the app) */
  import_job_id: number | null;
}

/** Which as-of date, settings and data the rows of customer_segments were computed for. */
export interface SegmentSnapshotTable {
  store_id: number;
  as_of: string;
  settings_key: string;
  data_stamp: string;
  computed_at: string;
}

/** Segmentation of each customer (a cache rebuilt by segmentation.server.ts). */
export interface CustomerSegmentTable {
  customer_id: number;
  store_id: number;
  customer_code: string;
  do_not_contact: number;
  usage: string | null;
  /** 1–8 (GroupNumber); a number column so filters may compare it with any number */
  grp: number;
  tier: Tier;
  r: number;
  f: number;
  m: number;
  m_visits: number;
  r_visits: number;
  i_visits: number;
  visits: number;
  revenue_fen: number;
  last_visit: string | null;
  vehicle_age: VehicleAgeBucket;
  warranty: WarrantyStatus;
  insurance_due: number;
}

// ── Invitations (issue 5, app/models/invitation.server.ts) ──


/**
 * The audience snapshot of a campaign, taken when a manager starts invitations: the segment
 * and as-of date it was drawn from, the hold-out share and the seed of the draw (createRng),
 * how many customers were excluded because they refused contact (do_not_contact), and how
 * many times it was taken (re-snapshots are allowed until the first attempt).
 */
export interface CampaignAudienceTable {
  campaign_id: number;
  store_id: number;
  segment_id: number | null;
  as_of: string;
  seed: number;
  holdout_percent: number;
  /** audience invitations including the hold-out */
  audience_count: number;
  holdout_count: number;
  excluded_do_not_contact: number;
  snapshot_count: Generated<number>;
  snapshot_by: number | null;
  snapshot_at: string;
}

/**
 * One invitation per (campaign, customer). `kind` audience = from the segment snapshot,
 * associated = added by hand (关联客户). `holdout` = 1: drawn into the hold-out group, never
 * contacted (no assignee, no attempts). `customer_group`/`customer_tier`: the 8-group
 * number and pyramid tier at snapshot time (null for associated customers not yet
 * segmented). `round_id` is the latest round the invitation is in. `result` changes with
 * attempts whose outcome is yes/maybe/no. Follow-up per result: yes → intent_verified,
 * deposit_fen/deposit_receipt (a receipt is unique within a campaign); maybe → next_follow_up (YYYY-MM-DD), manager_joins;
 * no → loss_reason (+ loss_note for "other"), loss_verified_by/at (supervisor).
 * `callback_at` is a local date-time `YYYY-MM-DDTHH:mm` in the store's time zone.
 * `version` is bumped on every change (optimistic concurrency).
 */
export interface InvitationTable {
  id: Generated<number>;
  campaign_id: number;
  store_id: number;
  customer_id: number;
  kind: "audience" | "associated";
  holdout: number;
  customer_group: number | null;
  customer_tier: string | null;
  assignee_id: number | null;
  round_id: number | null;
  result: Generated<InvitationResult>;
  attempts_count: Generated<number>;
  last_attempt_at: string | null;
  intent_verified: Generated<number>;
  /** who verified the yes's intent (意向核实: the caller ticking it, or a manager's check) and when */
  intent_verified_by: number | null;
  intent_verified_at: string | null;
  deposit_fen: number | null;
  deposit_receipt: string | null;
  next_follow_up: string | null;
  callback_at: string | null;
  manager_joins: Generated<number>;
  loss_reason: LossReason | null;
  loss_note: string | null;
  loss_verified_by: number | null;
  loss_verified_at: string | null;
  added_by: number | null;
  /** a yes's seat when the campaign has a capacity (issue 15): seated, or waitlisted in order of waitlisted_at, id */
  seat: ColumnType<"seated" | "waitlisted" | null, "seated" | "waitlisted" | null | undefined, "seated" | "waitlisted" | null>;
  waitlisted_at: ColumnType<string | null, string | null | undefined, string | null>;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** 邀约轮次: round 1 covers the audience; later rounds the invitations still pending/maybe. */
export interface InvitationRoundTable {
  id: Generated<number>;
  campaign_id: number;
  number: number;
  /** JSON array of channel keys (phone, sms, …) */
  channels: string;
  start_date: string | null;
  end_date: string | null;
  opened_by: number | null;
  opened_at: string;
}

/** Which invitations a round covers, and who they were assigned to in it (reassignments update it). */
export interface InvitationRoundMemberTable {
  round_id: number;
  invitation_id: number;
  assignee_id: number | null;
}

/** Every contact attempt (append-only). `callback_at`: local `YYYY-MM-DDTHH:mm` for outcome callback. */
export interface InvitationAttemptTable {
  id: Generated<number>;
  invitation_id: number;
  campaign_id: number;
  round_id: number | null;
  /** null: the customer answered on the invitation page themselves (channel `self`) */
  user_id: number | null;
  channel: string;
  at: string;
  outcome: AttemptOutcome;
  callback_at: string | null;
  note: string | null;
}

/** The columns of an append-only history row: who, when, what kind, and field old → new. */
export interface AppendedEventColumns {
  id: Generated<number>;
  user_id: number | null;
  at: string;
  kind: string;
  field: string | null;
  old_value: string | null;
  new_value: string | null;
}

/**
 * Append-only history of an invitation: kind created | attempt | result | assignee | deposit |
 * verification | follow_up | round | holdout…, with field, old → new, who and when.
 */
export interface InvitationEventTable extends AppendedEventColumns {
  invitation_id: number;
  campaign_id: number;
  attempt_id: number | null;
}

/** A customer's score of one touchpoint on the invitation page after the event (issue 15); appended, the latest counts. */
export interface TouchpointRatingTable {
  id: Generated<number>;
  invitation_id: number;
  campaign_id: number;
  store_id: number;
  touchpoint: SurveyTouchpoint;
  score: number;
  rated_at: string;
}

/** The invitation page's link (邀请函, issue 13): an unguessable token per contactable invitation. */
export interface InvitationLinkTable {
  invitation_id: number;
  /** random text (144 bits, base64url), unique */
  token: string;
  /** companions the customer named with their last answer on the page */
  companions: number | null;
  responded_at: string | null;
  opted_out_at: string | null;
  created_at: string;
}

/** Fixed-window request counters of the invitation page (per client address, per token). */
export interface InviteRateLimitTable {
  key: string;
  window_start: string;
  hits: number;
}

export type OutboxChannel = "sms" | "wecom";
export type OutboxKind = "invite" | "reminder_day_before" | "reminder_morning";
export type OutboxStatus = "queued" | "sent" | "failed" | "cancelled";

/**
 * One message to a customer (issue 13, decision 021): queued → sent / failed (or cancelled: the
 * customer opted out, the reminder no longer applies). `idempotency_key` is unique and sent to the
 * gateway, so a re-send after a crash is one delivery. `claimed_by`/`claimed_until`: the lease of
 * the dispatcher sending it.
 */
export interface OutboxTable {
  id: Generated<number>;
  store_id: number;
  campaign_id: number;
  invitation_id: number;
  customer_id: number;
  channel: OutboxChannel;
  kind: OutboxKind;
  phone: string;
  text: string;
  link: string | null;
  status: OutboxStatus;
  attempts: Generated<number>;
  next_attempt_at: string;
  provider_id: string | null;
  provider_answer: string | null;
  idempotency_key: string;
  created_at: string;
  sent_at: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
}

/** A staff member confirmed reading the campaign's unified script (一场培训) before calling. */
export interface ScriptAcknowledgementTable {
  campaign_id: number;
  user_id: number;
  at: string;
}

/**
 * An import of the customer base, from the web page or the command line
 * (app/models/import*.server.ts, docs/decisions/013): its progress and lease live here so
 * that every app server sees the same, and its apply position allows a roll-forward.
 */
export interface ImportJobTable {
  id: Generated<number>;
  /** null until the commit point of a command-line import that creates its store */
  store_id: number | null;
  /** the store's code: at most one running or applying import per code */
  store_code: string | null;
  user_id: number | null;
  source: Generated<"web" | "cli">;
  /** running: reading, checking, staging; applying: past the commit point, being written */
  status: "running" | "applying" | "done" | "refused" | "failed" | "interrupted";
  /** JSON: uploaded file names per file kind */
  files: string;
  /** JSON: the ImportOutcome once finished */
  outcome: string | null;
  message: string | null;
  created_at: string;
  finished_at: string | null;
  /** host:pid:token of the process running the job, null when nobody runs it */
  owner: string | null;
  heartbeat_at: string | null;
  phase: "reading" | "writing" | null;
  progress_done: Generated<number>;
  progress_total: Generated<number>;
  apply_file: ImportFile | "finish" | null;
  /** the last staged row (seq) of apply_file already applied */
  apply_seq: Generated<number>;
  /** JSON: ApplyState (import-apply.server.ts) */
  apply_state: string | null;
  applied_at: string | null;
  cleanup_pending: Generated<number>;
}

/** Checked rows of an import in batches: a JSON array of row tuples (import-apply.server.ts). */
export interface ImportStagedBatchTable {
  job_id: number;
  file: ImportFile;
  /** the batch's position in its file, from 1 */
  seq: number;
  row_count: number;
  payload: string;
}

// ── Event day and review (issue 6, app/models/execution.server.ts, checkin.server.ts, review.server.ts) ──

/**
 * One arrival per (campaign, invitation): walk-ins are registered as associated invitations
 * first (walk_in = 1); hold-out guests are checked in and marked (holdout = 1);
 * override_by: the manager who allowed a check-in outside the event window.
 */
export interface ArrivalTable {
  id: Generated<number>;
  campaign_id: number;
  store_id: number;
  invitation_id: number;
  customer_id: number;
  arrived_at: string;
  checked_in_by: number;
  walk_in: number;
  holdout: number;
  override_by: number | null;
}

/** One step of a no-show's follow-up (爽约回访, issue 15), appended, never changed. */
export interface NoShowFollowUpTable {
  id: Generated<number>;
  campaign_id: number;
  invitation_id: number;
  user_id: number;
  at: string;
  outcome: NoShowOutcome;
  reason: string | null;
  rebook_campaign_id: number | null;
  note: string | null;
}

/** An order taken at the event for an arrived guest (活动转化). line M|R|I|B. */
export interface EventOrderTable {
  id: Generated<number>;
  campaign_id: number;
  store_id: number;
  arrival_id: number;
  line: OrderLine;
  description: string;
  amount_fen: number;
  kind: OrderKind;
  created_by: number;
  created_at: string;
}

/** A deposit taken on the event day. */
export interface EventDepositTable {
  id: Generated<number>;
  campaign_id: number;
  store_id: number;
  arrival_id: number;
  amount_fen: number;
  receipt: string | null;
  created_by: number;
  created_at: string;
}

/** Touchpoint scorecard (接触点): 1–5, the indicators checked (JSON array of keys), notes. */
export interface TouchpointScoreTable {
  campaign_id: number;
  touchpoint: Touchpoint;
  score: number;
  indicators: string;
  notes: string | null;
  scored_by: number;
  scored_at: string;
}

/** N8 key points a manager ticked as ready before the event. */
export interface ReadinessCheckTable {
  campaign_id: number;
  point: string;
  checked_by: number;
  checked_at: string;
}

/** Lessons (总结) and, once closed, the frozen review figures (JSON of ReviewFigures). */
export interface CampaignReviewTable {
  campaign_id: number;
  what_worked: string | null;
  what_to_change: string | null;
  decisions: string | null;
  version: Generated<number>;
  updated_by: number | null;
  updated_at: string;
  frozen_figures: string | null;
  frozen_at: string | null;
  frozen_by: number | null;
}

// ── Leads across departments (issue 16, app/models/lead.server.ts, docs/decisions/025) ──


/**
 * A lead (线索) on a customer: owned by a department and one person of it (assigned by the fair
 * rule, never picked), from a campaign/invitation (nullable). `won_on` is the store-local date
 * it was won; `event_order_id` links a won lead to an event order whose amount already counts
 * as revenue (then its value is not added again). `version` is bumped on every change.
 */
export interface LeadTable {
  id: Generated<number>;
  store_id: number;
  customer_id: number;
  kind: LeadKind;
  department: LeadDepartment;
  owner_id: number;
  created_by: number | null;
  creator_department: string | null;
  campaign_id: number | null;
  invitation_id: number | null;
  event_order_id: number | null;
  source: LeadSource;
  status: Generated<LeadStatus>;
  lost_reason: string | null;
  note: string | null;
  expected_value_fen: number | null;
  actual_value_fen: number | null;
  next_follow_up: string | null;
  won_on: string | null;
  closed_at: string | null;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** Append-only history of a lead: kind created | status | owner | follow_up | value, field, old → new. */
export interface LeadEventTable extends AppendedEventColumns {
  lead_id: number;
  store_id: number;
}

export interface Database {
  leads: LeadTable;
  lead_events: LeadEventTable;
  import_jobs: ImportJobTable;
  import_staged_batches: ImportStagedBatchTable;
  stores: StoreTable;
  users: UserTable;
  sessions: SessionTable;
  login_attempts: LoginAttemptTable;
  login_throttle: LoginThrottleTable;
  customers: CustomerTable;
  customer_preferences: CustomerPreferenceTable;
  vehicles: VehicleTable;
  service_visits: ServiceVisitTable;
  store_settings: StoreSettingsTable;
  segments: SegmentTable;
  customer_changes: CustomerChangeTable;
  segment_snapshots: SegmentSnapshotTable;
  customer_segments: CustomerSegmentTable;
  campaigns: CampaignTable;
  campaign_channels: CampaignChannelTable;
  campaign_budget_lines: CampaignBudgetLineTable;
  campaign_tasks: CampaignTaskTable;
  campaign_history: CampaignHistoryTable;
  campaign_audiences: CampaignAudienceTable;
  invitations: InvitationTable;
  invitation_rounds: InvitationRoundTable;
  invitation_round_members: InvitationRoundMemberTable;
  invitation_attempts: InvitationAttemptTable;
  invitation_events: InvitationEventTable;
  script_acknowledgements: ScriptAcknowledgementTable;
  invitation_links: InvitationLinkTable;
  touchpoint_ratings: TouchpointRatingTable;
  invite_rate_limits: InviteRateLimitTable;
  outbox: OutboxTable;
  arrivals: ArrivalTable;
  no_show_follow_ups: NoShowFollowUpTable;
  event_orders: EventOrderTable;
  event_deposits: EventDepositTable;
  touchpoint_scores: TouchpointScoreTable;
  readiness_checks: ReadinessCheckTable;
  campaign_reviews: CampaignReviewTable;
}

export type Store = Selectable<StoreTable>;
export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type Customer = Selectable<CustomerTable>;
export type CustomerUpdate = Updateable<CustomerTable>;
export type Vehicle = Selectable<VehicleTable>;
export type ServiceVisit = Selectable<ServiceVisitTable>;
export type Campaign = Selectable<CampaignTable>;
export type CampaignBudgetLine = Selectable<CampaignBudgetLineTable>;
export type CampaignTask = Selectable<CampaignTaskTable>;
export type CampaignHistoryEntry = Selectable<CampaignHistoryTable>;
export type Invitation = Selectable<InvitationTable>;
export type InvitationRound = Selectable<InvitationRoundTable>;
export type InvitationAttempt = Selectable<InvitationAttemptTable>;
export type InvitationEvent = Selectable<InvitationEventTable>;
export type { ColumnType };
