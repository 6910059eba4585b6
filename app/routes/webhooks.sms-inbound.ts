import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { handleInboundSms, InboundSmsSchema } from "~/models/sms-inbound.server";
import { SIGNATURE_HEADER, verifySignature } from "~/models/outbox-senders.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";

/** GET: nothing here. */
export function loader() {
  return json({ error: "method_not_allowed" }, { status: 405, headers: { Allow: "POST" } });
}

/**
 * POST /webhooks/sms-inbound — the gateway's replies: JSON {phone, text}, signed like our
 * messages (X-Signature: sha256=HMAC(SMS_WEBHOOK_SECRET, body)). No session, no Origin (the edge
 * lets this one path through); without SMS_WEBHOOK_SECRET or a valid signature: 401.
 */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json({ error: "method_not_allowed" }, { status: 405, headers: { Allow: "POST" } });
  const secret = getEnv().SMS_WEBHOOK_SECRET;
  const body = await request.text();
  if (!secret || !verifySignature(secret, body, request.headers.get(SIGNATURE_HEADER))) return json({ error: "unauthorized" }, { status: 401 });
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return json({ error: "bad_json" }, { status: 400 });
  }
  const parsed = InboundSmsSchema.safeParse(data);
  if (!parsed.success) return json({ error: "bad_request" }, { status: 400 });
  const r = await handleInboundSms(getDb(), parsed.data);
  return json({ ok: true, optOut: r.optOut, customers: r.customers, cancelled: r.cancelled });
}
