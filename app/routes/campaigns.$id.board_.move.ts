/**
 * The board's drag-and-drop move (JSON, JavaScript only): one attempt with the target
 * column's follow-up. Answers { ok, card } — or the refusal with 400/403/404/409; a stale
 * version (409) carries the card's current state. GET (or any method but POST) is a 405.
 * The code is the card form's, shared with the card's own form (app/utils/invitation-actions.server.ts).
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { cardJsonAction, methodNotAllowed } from "~/utils/invitation-actions.server";

export const loader = () => methodNotAllowed();

export const action = (args: ActionFunctionArgs) => cardJsonAction(args, "move");
