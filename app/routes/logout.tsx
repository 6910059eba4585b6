import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { destroySession } from "~/utils/session.server";

export const loader = () => redirect("/");
export const action = ({ request }: ActionFunctionArgs) => destroySession(request);
