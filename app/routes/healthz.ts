import { json } from "@remix-run/node";
import { sql } from "kysely";
import { getDb } from "~/utils/db.server";

export async function loader() {
  try {
    await sql`select count(*) as n from stores`.execute(getDb());
    return json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
  } catch (e) {
    return json({ ok: false, error: e instanceof Error ? e.message : String(e) }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
}
