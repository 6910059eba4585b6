import { useActionData } from "@remix-run/react";
import type { FieldErrors } from "~/utils/form";

type Answer = { kind: "already"; name: string; at: string; by: string | null } | { kind: "refused"; key: string; params?: Record<string, unknown> };
export type ActionData = { intent: string; errors?: FieldErrors; values?: Record<string, unknown>; answer?: Answer; formError?: string; duplicate?: { id: number; name: string } };

/** The action's answer when it was for one of these intents. */
export function useActionFor(intent: string | string[]) {
  const data = useActionData() as ActionData | undefined;
  const list = Array.isArray(intent) ? intent : [intent];
  return data && list.includes(data.intent) ? data : undefined;
}

