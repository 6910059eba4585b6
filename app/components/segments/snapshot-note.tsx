import { useTranslation } from "react-i18next";
import type { SnapshotState } from "~/models/segmentation.server";
import { useFormat } from "~/utils/use-format";

/**
 * The muted line under a page's groups and tiers: which segmentation snapshot it shows (as-of
 * date, when it was computed) and, while a newer one is computed in the background
 * (PostgreSQL, `serveLast`), that a reload will show it.
 */
export function SnapshotNote({ snapshot, asOfKey, rebuildingKey = "customers:list.snapshot.rebuilding", testId }: {
  snapshot: SnapshotState;
  asOfKey: "customers:list.snapshot.asOf" | "customers:segmentation.asOf" | "customers:segments.overview.asOf";
  rebuildingKey?: "customers:list.snapshot.rebuilding" | "customers:segments.overview.rebuilding";
  testId: string;
}) {
  const { t } = useTranslation(["customers"]);
  const f = useFormat();
  return (
    <p className="muted" data-testid={testId} aria-live="polite">
      {t(asOfKey, { date: f.date(snapshot.asOf) })}
      {snapshot.computedAt ? <> · {t("customers:segments.overview.computedAt", { at: f.dateTime(snapshot.computedAt) })}</> : null}
      {snapshot.rebuilding ? <> · <span data-testid={`${testId}-rebuilding`}>{t(rebuildingKey)}</span></> : null}
    </p>
  );
}
