/**
 * The one form pipeline's client half (decision 023): the action's failure answer
 * `{ intent, errors, values, formError }`, for the form of `intent` (one intent, a list, or any
 * when omitted). A page with several forms asks per form; each re-renders what it sent.
 */
import { useActionData } from "@remix-run/react";
import type { FormFailure } from "~/utils/form";

export type { FormFailure };

const isFailure = (d: unknown): d is FormFailure =>
  !!d && typeof d === "object" && "intent" in d && "errors" in d && "values" in d && "formError" in d;

export function useFormFailure(intent?: string | readonly string[]): FormFailure | undefined {
  const data = useActionData();
  if (!isFailure(data)) return undefined;
  if (intent === undefined) return data;
  const list: readonly string[] = typeof intent === "string" ? [intent] : intent;
  return list.includes(data.intent) ? data : undefined;
}

/** What the refused form sent in `name`, as text (undefined when it sent none: the default shows). */
export function sentText(failure: FormFailure | undefined, name: string): string | undefined {
  const v = failure?.values[name];
  return typeof v === "string" ? v : undefined;
}

/** Whether the refused form sent `value` in `name` (check boxes); `fallback` when no form was refused. */
export function sentChecked(failure: FormFailure | undefined, name: string, value: string | number, fallback: boolean): boolean {
  if (!failure) return fallback;
  return ([] as unknown[]).concat(failure.values[name] ?? []).map(String).includes(String(value));
}
