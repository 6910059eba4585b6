import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** Links between the board, the call workbench, the manager's page and the campaign. */
export function InvitationNav({ campaignId, manager, current }: { campaignId: number; manager: boolean; current: "board" | "calls" | "admin" }) {
  const { t } = useTranslation(["invitations", "common"]);
  const items = [
    ["board", `/campaigns/${campaignId}/board`, "nav.board"],
    ["calls", `/campaigns/${campaignId}/calls`, "nav.calls"],
    ...(manager ? [["admin", `/campaigns/${campaignId}/invitations`, "nav.admin"]] : []),
    ["campaign", `/campaigns/${campaignId}`, "nav.campaign"],
  ] as const;
  return (
    <nav aria-label={t("nav.label")}>
      <ul className="inv-nav">
        {items.map(([key, to, label]) => (
          <li key={key}><Link to={to} aria-current={key === current ? "page" : undefined}>{t(label)}</Link></li>
        ))}
      </ul>
    </nav>
  );
}

/** The unified script (一场培训) and, until confirmed, the confirmation form. */
export function ScriptPanel({ script, confirmed }: { script: string | null; confirmed: boolean }) {
  const { t } = useTranslation(["invitations", "common"]);
  return (
    <section className="panel" aria-labelledby="script-title">
      <details open={!confirmed}>
        <summary><h2 id="script-title" style={{ display: "inline", fontSize: "1rem" }}>{t("script.title")}</h2></summary>
        {script ? <p className="inv-script">{script}</p> : <p className="muted">{t("script.empty")}</p>}
      </details>
      {confirmed ? <p className="muted" data-testid="script-confirmed">{t("script.confirmed")}</p> : (
        <Form method="post">
          <p>{t("script.confirmHint")}</p>
          <input type="hidden" name="intent" value="confirm_script" />
          <button type="submit">{t("script.confirm")}</button>
        </Form>
      )}
    </section>
  );
}
