import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { id } from "~/models/fields";
import { forbidden, safeRedirect, storageFailurePage, readForm } from "~/utils/http.server";
import { requireUser, setActiveStore } from "~/utils/session.server";

export const loader = () => redirect("/");

const SwitchStore = z.object({ storeId: id(), redirectTo: z.string().optional() });

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireUser(request);
  const parsed = SwitchStore.safeParse(Object.fromEntries(await readForm(request)));
  // No form to re-render (the switch sits in the header): a storage failure is the 503 error page.
  if (!parsed.success || !(await setActiveStore(ctx, parsed.data.storeId).catch(storageFailurePage))) forbidden();
  // Ids in the old path belong to the old store: land on the section's index.
  const to = safeRedirect(parsed.data.redirectTo, "/").split("/").slice(0, 2).join("/") || "/";
  return redirect(to);
}

/**
 * Never shown (every request redirects); it makes this a page route, so that a thrown 403 or
 * 503 renders the root error page, with or without JavaScript, instead of bare JSON.
 */
export default function StoreSwitch() {
  return null;
}
