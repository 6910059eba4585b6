/**
 * A card's own result form on the board, with JavaScript: one attempt (any outcome, the same
 * fields as the workbench; a contact outcome leaves the card's column as it is), posted as JSON
 * so the board stays where it is. Answers { ok, card } — or the refusal with 400/403/404/409
 * and the errors by field; a stale version (409) carries the card's current state. Without
 * JavaScript the same form posts to the board page itself.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { cardJsonAction, methodNotAllowed } from "~/utils/invitation-actions.server";

export const loader = () => methodNotAllowed();

export const action = (args: ActionFunctionArgs) => cardJsonAction(args, "attempt");
