import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { isLocale } from "~/utils/i18n";
import { langCookie } from "~/utils/i18n.server";
import { safeRedirect, readForm } from "~/utils/http.server";

export const loader = () => redirect("/");

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const lang = form.get("lang");
  const to = safeRedirect(form.get("redirectTo"), "/");
  if (!isLocale(lang)) return redirect(to);
  return redirect(to, { headers: { "Set-Cookie": await langCookie.serialize(lang) } });
}
