import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { getAudience } from "~/models/campaign-pages.server";
import { getDb } from "~/utils/db.server";
import { requireUser } from "~/utils/session.server";

const Query = z.object({ segmentId: z.coerce.number().int().positive().optional().catch(undefined) });

/** The live audience of one of the store's saved segments (the plan form's WHO section). */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const { segmentId } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  return json({ audience: await getAudience(getDb(), { storeId: ctx.store.id, segmentId: segmentId ?? null }) });
}
