import { useTranslation } from "react-i18next";
import { EXPORT_FORMATS } from "~/models/export.constants";

/** "Export the members: Excel (.xlsx) · CSV" — a download link per format of one export route. */
export function ExportLinks({ href, label, params, testId }: { href: string; label: string; params?: Record<string, string>; testId?: string }) {
  const { t } = useTranslation("common");
  return (
    <p className="no-print" data-testid={testId}>
      {t("exports.links", { label })}{" "}
      {EXPORT_FORMATS.map((format, i) => (
        <span key={format}>
          {i ? " · " : null}
          <a href={`${href}?${new URLSearchParams({ ...params, format })}`} download data-format={format}>{t(`exports.${format}`)}</a>
        </span>
      ))}
    </p>
  );
}
