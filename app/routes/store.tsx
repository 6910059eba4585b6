import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { forbidden, safeRedirect } from "~/utils/http.server";
import { requireUser, setActiveStore } from "~/utils/session.server";

export const loader = () => redirect("/");

const SwitchStore = z.object({ storeId: z.coerce.number().int().positive(), redirectTo: z.string().optional() });

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireUser(request);
  const parsed = SwitchStore.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success || !(await setActiveStore(ctx, parsed.data.storeId))) forbidden();
  // Ids in the old path belong to the old store: land on the section's index.
  const to = safeRedirect(parsed.data.redirectTo, "/").split("/").slice(0, 2).join("/") || "/";
  return redirect(to);
}
