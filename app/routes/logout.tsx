import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { storageFailurePage } from "~/utils/http.server";
import { destroySession } from "~/utils/session.server";

export const loader = () => redirect("/");
/** A session row that cannot be deleted (read-only database): the 503 error page, still signed in. */
export const action = ({ request }: ActionFunctionArgs) => destroySession(request).catch(storageFailurePage);

/**
 * Never shown (every request redirects); it makes this a page route, so that a thrown 503
 * renders the root error page, with or without JavaScript, instead of bare JSON.
 */
export default function Logout() {
  return null;
}
