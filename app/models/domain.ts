/**
 * The domain brief's vocabulary as constants (safe for the browser). Labels live in the
 * locale catalogs under the same keys; nothing here is user-facing text.
 */
export const ROLES = ["admin", "manager", "staff"] as const;
export type Role = (typeof ROLES)[number];

export const DEPARTMENTS = ["after_sales", "sales", "marketing"] as const;
export type Department = (typeof DEPARTMENTS)[number];

/** Business lines and the visit types that belong to each (the brief's table). */
export const LINES = ["M", "R", "I", "B"] as const;
export type Line = (typeof LINES)[number];

export const VISIT_TYPE_LINE = {
  first_maintenance: "M",
  maintenance: "M",
  care: "M",
  repair: "R",
  warranty: "R",
  inspection: "R",
  rescue: "R",
  extended_warranty: "R",
  insurance_renewal: "I",
  accident: "I",
  self_paid_accident: "I",
  beauty: "B",
  decoration: "B",
} as const satisfies Record<string, Line>;
export type VisitType = keyof typeof VISIT_TYPE_LINE;
export const VISIT_TYPES = Object.keys(VISIT_TYPE_LINE) as VisitType[];
export const visitTypesOfLine = (line: Line): VisitType[] => VISIT_TYPES.filter((t) => VISIT_TYPE_LINE[t] === line);

export const USAGES = ["private", "official", "commercial"] as const;
export type Usage = (typeof USAGES)[number];

export const GENDERS = ["M", "F"] as const;
export type Gender = (typeof GENDERS)[number];

/** Activity preferences from the customer info card (客户信息卡). */
export const PREFERENCES = [
  "car_show",
  "fashion_jewellery",
  "wine_cigar",
  "home_audio",
  "art",
  "finance_networking",
  "charity_auction",
  "beauty_makeup",
  "golf",
  "fitness_nutrition",
  "children_education",
  "test_drive",
] as const;
export type Preference = (typeof PREFERENCES)[number];

/** The 8 groups of the business matrix: number = 1 + M + 2·R + 4·I. */
export const GROUPS = [1, 2, 3, 4, 5, 6, 7, 8] as const;
export type GroupNumber = (typeof GROUPS)[number];
export const groupNumber = (m: boolean, r: boolean, i: boolean): GroupNumber =>
  (1 + (m ? 1 : 0) + (r ? 2 : 0) + (i ? 4 : 0)) as GroupNumber;

export const TIERS = ["A", "B", "C", "D"] as const;
export type Tier = (typeof TIERS)[number];

/** The 13 visit types' Chinese names, accepted as import aliases. */
export const VISIT_TYPE_ZH: Record<VisitType, string> = {
  first_maintenance: "首保",
  maintenance: "保养",
  care: "养护",
  repair: "机修",
  warranty: "质保",
  inspection: "检测",
  rescue: "救援",
  extended_warranty: "延保",
  insurance_renewal: "续保",
  accident: "事故",
  self_paid_accident: "自费事故",
  beauty: "美容",
  decoration: "装潢",
};

/** A store's time zone when none is set (the dealerships are in mainland China). Written only here. */
export const DEFAULT_TIMEZONE = "Asia/Shanghai";
