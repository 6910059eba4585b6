/**
 * How a message leaves the outbox (issue 13, decision 022): a sender takes one message and says
 * whether the gateway took it. Two senders, chosen by MESSAGE_SENDER:
 * - `log` (default): prints the message and reports it sent (a dealership without a gateway
 *   uploads the CSV instead; tests and demos see what would go out);
 * - `http`: POSTs the message as JSON to SMS_WEBHOOK_URL, signed with HMAC-SHA256 of the body
 *   under SMS_WEBHOOK_SECRET (`X-Signature: sha256=<hex>`), the outbox row's idempotency key in
 *   `Idempotency-Key` (the gateway delivers a key once, so a re-send after a crash is one SMS).
 *   2xx: sent; 5xx, 408, 429, a network error or a timeout: retry later; other 4xx: failed.
 */
import crypto from "node:crypto";
import type { OutboxChannel, OutboxKind } from "#db/schema";
import type { Env } from "~/utils/env.server";

export interface OutgoingMessage {
  idempotencyKey: string;
  channel: OutboxChannel;
  kind: OutboxKind;
  phone: string;
  text: string;
  link: string | null;
}

export type SendResult =
  | { ok: true; providerId: string | null; answer: string | null }
  | { ok: false; retryable: boolean; answer: string };

export interface MessageSender {
  name: string;
  send(message: OutgoingMessage): Promise<SendResult>;
}

/** `sha256=<hex>` of HMAC-SHA256(secret, body). */
export function signBody(secret: string, body: string): string {
  return `sha256=${crypto.createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

/** Constant-time check of a `sha256=<hex>` signature of `body`. */
export function verifySignature(secret: string, body: string, signature: string | null | undefined): boolean {
  if (!signature) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(signature.trim());
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

export const SIGNATURE_HEADER = "X-Signature";
export const IDEMPOTENCY_HEADER = "Idempotency-Key";

export function logSender(print: (line: string) => void = (l) => console.log(l)): MessageSender {
  return {
    name: "log",
    async send(m) {
      print(`message ${m.idempotencyKey} [${m.channel}] to ${m.phone}: ${m.text}`);
      return { ok: true, providerId: null, answer: "logged" };
    },
  };
}

const clip = (s: string) => (s.length > 500 ? `${s.slice(0, 500)}…` : s);

export function httpSender({ url, secret, timeoutMs = 10_000 }: { url: string; secret: string; timeoutMs?: number }): MessageSender {
  return {
    name: "http",
    async send(m) {
      const body = JSON.stringify({ idempotency_key: m.idempotencyKey, channel: m.channel, kind: m.kind, phone: m.phone, text: m.text, link: m.link });
      let res: Response;
      try {
        res = await fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/json", [SIGNATURE_HEADER]: signBody(secret, body), [IDEMPOTENCY_HEADER]: m.idempotencyKey },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        return { ok: false, retryable: true, answer: clip(`network: ${e instanceof Error ? e.message : String(e)}`) };
      }
      const text = clip(await res.text().catch(() => ""));
      if (res.ok) {
        let providerId: string | null = null;
        try {
          const j = JSON.parse(text) as { id?: unknown; message_id?: unknown };
          const id = j.id ?? j.message_id;
          if (typeof id === "string" || typeof id === "number") providerId = String(id).slice(0, 200);
        } catch { /* a gateway that answers plain text */ }
        return { ok: true, providerId, answer: `${res.status} ${text}`.trim() };
      }
      const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
      return { ok: false, retryable, answer: `${res.status} ${text}`.trim() };
    },
  };
}

export function senderFromEnv(env: Env, print?: (line: string) => void): MessageSender {
  if (env.MESSAGE_SENDER === "http") return httpSender({ url: env.SMS_WEBHOOK_URL!, secret: env.SMS_WEBHOOK_SECRET! });
  return logSender(print);
}
