/**
 * The typed shape of the database. Every table a migration creates is listed here.
 * Conventions: money is integer fen (`*_fen`), dates are ISO `YYYY-MM-DD` text,
 * timestamps are ISO-8601 UTC text written by the app, booleans are 0/1 integers
 * (portable between SQLite and PostgreSQL).
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

export type Role = "admin" | "manager" | "staff";
export type Department = "after_sales" | "sales" | "marketing";

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

export interface CustomerTable {
  id: Generated<number>;
  store_id: number;
  customer_code: string;
  name: string;
  phone: string | null;
  gender: "M" | "F" | null;
  usage: "private" | "official" | "commercial" | null;
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

export interface CustomerChangeTable {
  id: Generated<number>;
  store_id: number;
  customer_id: number;
  user_id: number | null;
  field: string;
  old_value: string | null;
  new_value: string | null;
  changed_at: string;
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
  grp: number;
  tier: string;
  r: number;
  f: number;
  m: number;
  m_visits: number;
  r_visits: number;
  i_visits: number;
  visits: number;
  revenue_fen: number;
  last_visit: string | null;
  vehicle_age: string;
  warranty: string;
  insurance_due: number;
}

export interface Database {
  stores: StoreTable;
  users: UserTable;
  sessions: SessionTable;
  login_attempts: LoginAttemptTable;
  customers: CustomerTable;
  customer_preferences: CustomerPreferenceTable;
  vehicles: VehicleTable;
  service_visits: ServiceVisitTable;
  store_settings: StoreSettingsTable;
  segments: SegmentTable;
  customer_changes: CustomerChangeTable;
  segment_snapshots: SegmentSnapshotTable;
  customer_segments: CustomerSegmentTable;
}

export type Store = Selectable<StoreTable>;
export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type Customer = Selectable<CustomerTable>;
export type CustomerUpdate = Updateable<CustomerTable>;
export type Vehicle = Selectable<VehicleTable>;
export type ServiceVisit = Selectable<ServiceVisitTable>;
export type { ColumnType };
