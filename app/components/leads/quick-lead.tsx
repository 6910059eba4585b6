import { useFetcher } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { QUICK_LEAD_KINDS, type LeadSource } from "~/models/lead.constants";

/** What /leads/new answers: the lead made (or the one already open), or a refusal. */
export type QuickLeadAnswer =
  | { ok: true; created: boolean; id: number; kind: string; ownerName: string; department: string; customerName: string }
  | { intent: string; formError: string | null; errors: Record<string, string>; values: Record<string, unknown> };

/**
 * "意向：置换" in one tap: a button per kind, posted to /leads/new (with JavaScript in place, as a
 * fetcher; without it the form posts and that page answers). The owner is dealt by the server.
 */
export function QuickLeadTags({ invitationId, customerId, source, label }: { invitationId?: number; customerId?: number; source: LeadSource; label: string }) {
  const { t } = useTranslation("leads");
  const fetcher = useFetcher<QuickLeadAnswer>();
  const answer = fetcher.data;
  const busy = fetcher.state !== "idle";
  return (
    <fetcher.Form method="post" action="/leads/new" className="lead-tags" aria-label={label} data-testid="quick-lead">
      {invitationId ? <input type="hidden" name="invitationId" value={invitationId} /> : null}
      {customerId ? <input type="hidden" name="customerId" value={customerId} /> : null}
      <input type="hidden" name="source" value={source} />
      <span className="muted">{t("quick.prompt")}</span>{" "}
      {QUICK_LEAD_KINDS.map((k) => (
        <button key={k} type="submit" name="kind" value={k} className="secondary small" disabled={busy}>{t("quick.tag", { kind: t(`kinds.${k}`) })}</button>
      ))}
      {answer ? (
        "ok" in answer
          ? <p className="notice" role="status" data-testid="quick-lead-answer">
              {t(answer.created ? "quick.created" : "quick.alreadyOpen", { kind: t(`kinds.${answer.kind}` as "kinds.other"), owner: answer.ownerName, department: t(`departments.${answer.department}` as "departments.sales") })}
            </p>
          : <p className="form-error" role="alert" data-testid="quick-lead-answer">{t((answer.formError ?? "errors.invalid") as "quick.prompt")}</p>
      ) : null}
    </fetcher.Form>
  );
}
