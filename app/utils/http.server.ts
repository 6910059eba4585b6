import { json } from "@remix-run/node";
import { z } from "zod";

export function notFound(): never {
  throw json({ error: "not_found" }, { status: 404 });
}
export function forbidden(): never {
  throw json({ error: "forbidden" }, { status: 403 });
}
export function badRequest<T>(data: T) {
  return json(data, { status: 400 });
}

/** Only same-site paths; anything else falls back. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (!to || typeof to !== "string") return fallback;
  if (!to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  if (/[\r\n\t]/.test(to)) return fallback;
  return to;
}

export function clientIp(request: Request): string {
  const fwd = request.headers.get("x-forwarded-for");
  return (fwd?.split(",")[0] ?? request.headers.get("x-real-ip") ?? "local").trim().slice(0, 64);
}

/**
 * A route's numeric id (`/customers/:id`): plain digits, 1 … 2^31−1. Not `Number()` or
 * `z.coerce`, which read "1e3" as 1000 and "0x10" as 16: an address names one row only.
 */
export const IdParam = z.string().regex(/^[1-9]\d{0,9}$/).transform(Number).pipe(z.number().max(2_147_483_647));
export function idParam(raw: string | undefined): number {
  const parsed = IdParam.safeParse(raw);
  if (!parsed.success) notFound();
  return parsed.data;
}
