import { sql, type Kysely } from "kysely";
import { withId } from "../db/dialect";

const VISIT_TYPES = [
  "first_maintenance", "maintenance", "care",
  "repair", "warranty", "inspection", "rescue", "extended_warranty",
  "insurance_renewal", "accident", "self_paid_accident",
  "beauty", "decoration",
];

const inList = (values: string[]) => sql.join(values.map((v) => sql.lit(v)));

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable("stores"))
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("timezone", "text", (c) => c.notNull().defaultTo("Asia/Shanghai"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable("users"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id"))
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in (${inList(["admin", "manager", "staff"])})`))
    .addColumn("department", "text", (c) =>
      c.notNull().check(sql`department in (${inList(["after_sales", "sales", "marketing"])})`),
    )
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("users_store").on("users").column("store_id").execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("active_store_id", "integer", (c) => c.references("stores.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();

  await withId(db, db.schema.createTable("login_attempts"))
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("ip", "text", (c) => c.notNull())
    .addColumn("success", "integer", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("login_attempts_email_at").on("login_attempts").columns(["email", "at"]).execute();

  await withId(db, db.schema.createTable("customers"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id"))
    .addColumn("customer_code", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("phone", "text")
    .addColumn("gender", "text", (c) => c.check(sql`gender in ('M', 'F')`))
    .addColumn("usage", "text", (c) => c.check(sql`usage in (${inList(["private", "official", "commercial"])})`))
    .addColumn("do_not_contact", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("customers_store_code", ["store_id", "customer_code"])
    .execute();
  await db.schema.createIndex("customers_store_phone").on("customers").columns(["store_id", "phone"]).execute();
  await db.schema.createIndex("customers_store_name").on("customers").columns(["store_id", "name"]).execute();

  await db.schema
    .createTable("customer_preferences")
    .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id").onDelete("cascade"))
    .addColumn("preference", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("customer_preferences_pk", ["customer_id", "preference"])
    .execute();

  await withId(db, db.schema.createTable("vehicles"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id"))
    .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id"))
    .addColumn("vin", "text", (c) => c.notNull())
    .addColumn("plate", "text")
    .addColumn("model", "text")
    .addColumn("purchase_date", "text")
    .addColumn("warranty_end", "text")
    .addColumn("insurance_expiry", "text")
    .addColumn("mileage_km", "integer")
    .addUniqueConstraint("vehicles_store_vin", ["store_id", "vin"])
    .execute();
  await db.schema.createIndex("vehicles_customer").on("vehicles").column("customer_id").execute();
  await db.schema.createIndex("vehicles_store_plate").on("vehicles").columns(["store_id", "plate"]).execute();

  await withId(db, db.schema.createTable("service_visits"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id"))
    .addColumn("vehicle_id", "integer", (c) => c.notNull().references("vehicles.id"))
    .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id"))
    .addColumn("ro_number", "text", (c) => c.notNull())
    .addColumn("visit_date", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull().check(sql`type in (${inList(VISIT_TYPES)})`))
    .addColumn("amount_fen", "integer", (c) => c.notNull().check(sql`amount_fen >= 0`))
    .addUniqueConstraint("service_visits_store_ro", ["store_id", "ro_number"])
    .execute();
  await db.schema
    .createIndex("service_visits_store_customer_date")
    .on("service_visits")
    .columns(["store_id", "customer_id", "visit_date"])
    .execute();
  await db.schema.createIndex("service_visits_vehicle").on("service_visits").column("vehicle_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["service_visits", "vehicles", "customer_preferences", "customers", "login_attempts", "sessions", "users", "stores"]) {
    await db.schema.dropTable(t).execute();
  }
}
