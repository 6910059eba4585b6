import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { MAX_ID, numeric } from "~/models/fields";
import { getAudience } from "~/models/campaign-pages.server";
import { getDb } from "~/utils/db.server";
import { requireUser } from "~/utils/session.server";

const Query = z.object({ segmentId: numeric(z.number().int().positive().max(MAX_ID)).optional().catch(undefined) });

/** The live audience of one of the store's saved segments (the plan form's WHO section). */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const { segmentId } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  return json({ audience: await getAudience(getDb(), { storeId: ctx.store.id, segmentId: segmentId ?? null }) });
}
