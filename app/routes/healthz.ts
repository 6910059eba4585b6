import { json } from "@remix-run/node";
import { checkDatabase } from "#db/health";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";

/** 200 {ok:true} when the database can be read and written; 503 {ok:false, check, error} otherwise. */
export async function loader() {
  const headers = { "Cache-Control": "no-store" };
  let result;
  try {
    result = await checkDatabase(getDb(), getEnv().DATABASE_URL);
  } catch (e) {
    result = { ok: false as const, check: "read" as const, error: e instanceof Error ? e.message : String(e) };
  }
  return json(result, { status: result.ok ? 200 : 503, headers });
}
