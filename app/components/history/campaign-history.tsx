import { useTranslation } from "react-i18next";
import { describeHistory, type HistoryRefs } from "~/utils/campaign-history";
import { useFormat } from "~/utils/use-format";

type Row = { id: number; at: string; kind: string; field: string | null; old_value: string | null; new_value: string | null; comment: string | null; user_name: string | null };

/**
 * A campaign's history, oldest first: status changes, comments, plan amendments and what was
 * recorded on the event day and in the review, each in words with its values formatted.
 */
export function CampaignHistory({ history, refs }: { history: Row[]; refs: HistoryRefs }) {
  const { t } = useTranslation(["campaigns", "execution", "common"]);
  const f = useFormat();
  if (!history.length) return <p className="muted">{t("campaigns:history.empty")}</p>;
  const fmt = { money: (fen: number) => f.money(fen), number: (n: number) => f.number(n), date: (d: string) => f.date(d) };
  const tr = (key: string, options?: Record<string, unknown>) => t(key as "campaigns:history.empty", options as never) as unknown as string;
  return (
    <ol className="history-list" data-testid="history">
      {history.map((h) => (
        <li key={h.id} data-kind={h.kind} data-field={h.field ?? ""}>
          <span className="muted">{f.dateTime(h.at)} · {h.user_name ?? "—"}</span>
          <br />
          {describeHistory(h, tr, fmt, refs)}
          {h.comment ? <><br /><q>{h.comment}</q></> : null}
        </li>
      ))}
    </ol>
  );
}
