/**
 * The event-day page's schemas as its loader and action use them. Imported through this
 * server-only module so that the page's browser bundle does not carry zod (the page validates
 * on the server; its forms work without JavaScript).
 */
export { CheckinQuery, ExecutionAction, ExecutionFlash } from "./execution.schema";
