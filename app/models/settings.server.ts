import type { DB } from "#db/client";
import { DEFAULT_SETTINGS, StoreSettingsSchema, type StoreSettings } from "./settings.schema";

/** The store's settings, defaults filled in. */
export async function getStoreSettings(db: DB, { storeId }: { storeId: number }): Promise<StoreSettings> {
  const row = await db.selectFrom("store_settings").select("settings").where("store_id", "=", storeId).executeTakeFirst();
  if (!row) return DEFAULT_SETTINGS;
  const parsed = StoreSettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...JSON.parse(row.settings) });
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

export async function saveStoreSettings(db: DB, { storeId, userId, settings }: { storeId: number; userId: number | null; settings: StoreSettings }) {
  const now = new Date().toISOString();
  const value = JSON.stringify(StoreSettingsSchema.parse(settings));
  await db
    .insertInto("store_settings")
    .values({ store_id: storeId, settings: value, updated_by: userId, updated_at: now })
    .onConflict((oc) => oc.column("store_id").doUpdateSet({ settings: value, updated_by: userId, updated_at: now }))
    .execute();
}
