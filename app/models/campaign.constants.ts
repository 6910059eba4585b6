/**
 * The campaign's lists of values, without the schemas (and without zod): components that only
 * show or choose these values import them from here, so their pages do not load the validator.
 */
export const CAMPAIGN_STATUSES = ["draft", "submitted", "approved", "inviting", "executing", "reviewing", "closed", "cancelled"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
/** Statuses a campaign can still be cancelled from. */
export const OPEN_STATUSES: readonly CampaignStatus[] = ["draft", "submitted", "approved", "inviting", "executing", "reviewing"];
/** After approval: KPI targets, budget and tasks stay editable; KPI and budget changes go to history. */
export const AMENDABLE_STATUSES: readonly CampaignStatus[] = ["approved", "inviting", "executing", "reviewing"];

/** 客户价值链条 */
export const BUSINESS_CHAINS = ["booking_maintenance", "warranty_repair", "renewal_accident", "decoration_beauty"] as const;
/** 议题设置技巧: 借东风 / 动情愫 / 引争议 */
export const TOPIC_TECHNIQUES = ["borrow_trend", "emotion", "debate"] as const;
/** 借东风 sub-kinds */
export const TOPIC_SUBKINDS = ["policy", "economy", "seasonal_festival", "buzzword", "hot_topic", "public_event"] as const;
export const CHANNELS = ["phone", "sms", "wechat_official", "wechat_moments", "radio", "posters", "home_visit"] as const;
export type Channel = (typeof CHANNELS)[number];
export const BUDGET_CATEGORIES = ["materials", "gifts", "media", "venue", "catering", "discounts", "incentives", "other"] as const;
export type BudgetCategory = (typeof BUDGET_CATEGORIES)[number];
export const PAYERS = ["dealer", "coop"] as const;
export type Payer = (typeof PAYERS)[number];
export const TASK_PHASES = ["prep", "execution", "wrapup"] as const;
export type TaskPhase = (typeof TASK_PHASES)[number];
export const TASK_STATUSES = ["todo", "doing", "done"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
