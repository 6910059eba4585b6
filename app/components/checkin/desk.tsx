/**
 * The check-in desk above the search (issue 15): the camera / hardware-scanner desk (after
 * hydration only) and the live count of arrivals against the expected guests, by staff member
 * and by segment, refreshed every few seconds from `/campaigns/:id/execution/live` and at once
 * after a scan checked someone in. Without JavaScript the count shows the figures of the page load.
 */
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { DeskCounts } from "~/models/checkin-desk.server";
import { ScanDesk } from "./scan-desk";

const POLL_MS = 5000;

export function CheckinDesk({ campaignId, initial, disabled, opensAt }: { campaignId: number; initial: DeskCounts; disabled: boolean; opensAt: string | null }) {
  const [hydrated, setHydrated] = useState(false);
  const [counts, setCounts] = useState(initial);
  useEffect(() => setHydrated(true), []);
  useEffect(() => setCounts(initial), [initial]);

  const refresh = useCallback(async () => {
    try {
      const res = await fetch(`/campaigns/${campaignId}/execution/live`, { headers: { Accept: "application/json" } });
      if (res.ok) setCounts((await res.json()) as DeskCounts);
    } catch {
      // offline for a moment: the next poll tries again
    }
  }, [campaignId]);

  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") void refresh();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  return (
    <>
      {disabled && opensAt ? null : hydrated ? <ScanDesk campaignId={campaignId} disabled={disabled} onCheckedIn={refresh} /> : null}
      <LiveCount counts={counts} />
    </>
  );
}

function LiveCount({ counts }: { counts: DeskCounts }) {
  const { t } = useTranslation(["desk", "common"]);
  const segment = (key: number | null) => (key === null ? t("live.noSegment") : `${key} · ${t(`common:groups.${key}.name` as "live.noSegment")}`);
  return (
    <div className="live-count" data-testid="live-count">
      <p className="live-total">
        <span>{t("live.total")}</span>{" "}
        <strong data-testid="live-arrived">{counts.arrivedExpected}</strong> / <span data-testid="live-expected">{counts.expected}</span>
        {" "}<span className="muted">{t("live.allArrivals", { count: counts.arrived, walkIns: counts.walkIns })}</span>
      </p>
      <div className="live-tables">
        <LiveTable caption={t("live.byStaff")} label={t("live.staff")} testId="live-by-staff"
          rows={counts.byStaff.map((r) => ({ key: String(r.key), name: r.name ?? t("live.unassigned"), expected: r.expected, arrived: r.arrived }))} />
        <LiveTable caption={t("live.bySegment")} label={t("live.segment")} testId="live-by-segment"
          rows={counts.bySegment.map((r) => ({ key: String(r.key), name: segment(r.key), expected: r.expected, arrived: r.arrived }))} />
      </div>
    </div>
  );
}

function LiveTable({ caption, label, rows, testId }: { caption: string; label: string; rows: { key: string; name: string; expected: number; arrived: number }[]; testId: string }) {
  const { t } = useTranslation(["desk"]);
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table data-testid={testId}>
        <caption>{caption}</caption>
        <thead><tr><th scope="col">{label}</th><th scope="col" className="num">{t("live.arrived")}</th><th scope="col" className="num">{t("live.expected")}</th></tr></thead>
        <tbody>
          {rows.map((r) => <tr key={r.key}><th scope="row">{r.name}</th><td className="num">{r.arrived}</td><td className="num">{r.expected}</td></tr>)}
        </tbody>
      </table>
    </div>
  );
}
