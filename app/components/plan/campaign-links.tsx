import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { CampaignStatus } from "~/models/campaign.schema";

const AFTER_START: readonly CampaignStatus[] = ["inviting", "executing", "reviewing", "closed"];
const AFTER_EVENT: readonly CampaignStatus[] = ["executing", "reviewing", "closed"];

/** Where the campaign's work happens, by stage: invitations, board, calls, event day, review. */
export function CampaignLinks({ id, status, manager }: { id: number; status: CampaignStatus; manager: boolean }) {
  const { t } = useTranslation(["campaigns"]);
  const links: [string, string][] = [];
  if (manager && (status === "approved" || AFTER_START.includes(status))) links.push([`/campaigns/${id}/invitations`, "campaigns:home.links.invitations"]);
  if (AFTER_START.includes(status)) {
    links.push([`/campaigns/${id}/board`, "campaigns:home.links.board"]);
    links.push([`/campaigns/${id}/calls`, "campaigns:home.links.calls"]);
    links.push([`/campaigns/${id}/codes`, "campaigns:home.links.codes"]);
    links.push([`/campaigns/${id}/execution`, "campaigns:home.links.execution"]);
  }
  if (manager && AFTER_EVENT.includes(status)) links.push([`/campaigns/${id}/review`, "campaigns:home.links.review"]);
  if (manager && AFTER_START.includes(status)) links.push([`/campaigns/${id}/leads`, "leads:rule.link"]);
  if (!links.length) return null;
  return (
    <nav aria-label={t("campaigns:home.links.label")} className="row" data-testid="campaign-links">
      {links.map(([to, key]) => (
        <Link key={to} className="button secondary" to={to}>{t(key as "campaigns:home.links.label")}</Link>
      ))}
    </nav>
  );
}
