/**
 * The invitation page's calendar file (.ics, RFC 5545) made with the `ics` package (decision
 * 017: line folding, escaping and the VCALENDAR frame are its job). Times are written in UTC,
 * converted from the campaign's local times in the store's time zone.
 */
import crypto from "node:crypto";
import { createEvent } from "ics";
import type { InvitePage } from "./invitation-link.server";

/** Minutes the zone is ahead of UTC at an instant. */
function offsetMinutes(timeZone: string, at: number): number {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - Math.floor(at / 1000) * 1000) / 60_000);
}

/** A local `YYYY-MM-DDTHH:mm` in a time zone → the UTC instant (ms). */
export function zonedLocalToUtc(local: string, timeZone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) throw new RangeError(`not a local date-time: ${local}`);
  const naive = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let at = naive - offsetMinutes(timeZone, naive) * 60_000;
  at = naive - offsetMinutes(timeZone, at) * 60_000; // again, in case the offset changed in between
  return at;
}

const HOUR = 3_600_000;

/** The .ics text for a yes (title, venue, the store, the offer and the check-in code). */
export function inviteIcs(page: InvitePage, labels: { code: string; offer: string }): string {
  const c = page.campaign;
  if (!c.eventStart) throw new Error("no event time");
  const start = zonedLocalToUtc(c.eventStart, page.timezone);
  const endLocal = c.eventEnd ? zonedLocalToUtc(c.eventEnd, page.timezone) : NaN;
  const end = Number.isFinite(endLocal) && endLocal > start ? endLocal : start + 3 * HOUR;
  const description = [page.store, c.offer ? `${labels.offer}: ${c.offer}` : null, page.code ? `${labels.code}: ${page.code}` : null].filter(Boolean).join("\n");
  const { error, value } = createEvent({
    uid: `${crypto.createHash("sha256").update(page.token).digest("hex").slice(0, 24)}@campaign-planner`,
    productId: "campaign-planner/invitation",
    title: c.theme,
    start, startInputType: "utc", startOutputType: "utc",
    end, endInputType: "utc", endOutputType: "utc",
    location: c.venue ?? undefined,
    description,
    organizer: { name: page.store },
    status: "CONFIRMED",
  });
  if (error || !value) throw error ?? new Error("calendar file not made");
  return value;
}
