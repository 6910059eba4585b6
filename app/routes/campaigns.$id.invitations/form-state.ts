import { useActionData } from "@remix-run/react";
import type { ActionFailure } from "~/utils/invitation-http.server";

/** The refused form's answer, read per intent: its field errors and what it sent, so it re-renders as typed. */
export function useSent() {
  const actionData = useActionData() as ActionFailure | { ok: true } | undefined;
  const failed = actionData && !actionData.ok ? actionData : null;
  const errFor = (intent: string, field: string) => (failed?.values?.intent === intent ? failed.errors[field] : undefined);
  /** what a refused form sent (validation or a storage failure), so it re-renders as typed */
  const sent = (intent: string) => (failed?.values?.intent === intent ? (failed.values as Record<string, unknown>) : null);
  const text = (intent: string, field: string) => { const v = sent(intent)?.[field]; return typeof v === "string" ? v : undefined; };
  const checked = (intent: string, field: string, value: string | number, fallback: boolean) => {
    const s = sent(intent);
    return s ? ([] as unknown[]).concat(s[field] ?? []).map(String).includes(String(value)) : fallback;
  };
  return { failed, errFor, text, checked };
}
