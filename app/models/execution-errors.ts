/** The event-day and review models' refusals: the one `Refused` of errors.ts, under its old name. */
export { AlreadyCheckedIn, Refused as ExecutionRefused } from "./errors";
