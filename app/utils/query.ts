/**
 * The one way to read a query string: a zod schema over its values by name (a repeated name
 * counts its last value, as `Object.fromEntries` reads it). Query strings come from links and
 * hand-edited addresses, so their schemas are lenient (`.catch(...)` per key); a value a schema
 * still refuses is a 400, never a 500.
 */
import { json } from "@remix-run/node";
import type { z } from "zod";

export function parseQuery<S extends z.ZodType>(schema: S, request: Request | URL): z.output<S> {
  const url = request instanceof URL ? request : new URL(request.url);
  const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) throw json({ error: "bad_query" }, { status: 400 });
  return parsed.data;
}
