import { json } from "@remix-run/node";

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
