import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Field } from "~/components/ui/field";
import { useFormFailure } from "~/components/ui/use-form-failure";
import { useFormat } from "~/utils/use-format";
import type { Data } from "./route";
import { ExportLinks } from "~/components/ui/export-links";

/** Starting the invitations, and the audience snapshot with its downloads and messages. */
export function StartAndAudience({ data }: { data: Data }) {
  const { t } = useTranslation(["invitations", "common"]);
  const f = useFormat();
  const start = useFormFailure("start");
  const c = data.campaign;
  const s = data.summary;
  const audience = s.audience;
  const working = c.status === "inviting" || c.status === "executing";
  return (
    <>
      {c.status === "approved" ? (
        <section className="panel" aria-labelledby="start-title">
          <h2 id="start-title">{t("admin.start.title")}</h2>
          <p>{t("admin.start.hint", { percent: c.holdoutPercent })}</p>
          {data.preview ? (
            <p data-testid="preview">{t("admin.audience.audience")}: {f.number(data.preview.count)} · {t("admin.audience.excluded")}: {f.number(data.preview.doNotContact)}</p>
          ) : null}
          <Form method="post">
            <input type="hidden" name="intent" value="start" />
            <input type="hidden" name="campaignVersion" value={c.version} />
            <Field id="start-seed" name="seed" label={t("admin.start.seed")} inputMode="numeric" failure={start} />
            <button type="submit">{t("admin.start.submit")}</button>
          </Form>
        </section>
      ) : null}

      <section className="panel" aria-labelledby="audience-title">
        <h2 id="audience-title">{t("admin.audience.title")}</h2>
        {audience ? (
          <>
            <p className="muted">{t("admin.audience.snapshotAt", { at: f.dateTime(audience.snapshot_at), count: audience.snapshot_count })}</p>
            <dl className="kpi-grid" data-testid="audience">
              <div><dt>{t("admin.audience.audience")}</dt><dd>{f.number(audience.audience_count)}</dd></div>
              <div><dt>{t("admin.audience.holdout")}</dt><dd data-testid="holdout-count">{f.number(audience.holdout_count)} ({audience.holdout_percent}%)</dd></div>
              <div><dt>{t("admin.audience.contactable")}</dt><dd>{f.number(audience.audience_count - audience.holdout_count)}</dd></div>
              <div><dt>{t("admin.audience.excluded")}</dt><dd data-testid="excluded-count">{f.number(audience.excluded_do_not_contact)}</dd></div>
              <div><dt>{t("admin.audience.associated")}</dt><dd>{f.number(s.progress.associated)}</dd></div>
              <div><dt>{t("admin.audience.seed")}</dt><dd>{audience.seed}</dd></div>
            </dl>
          </>
        ) : <p className="muted">{t("admin.audience.none")}</p>}
        {audience ? <ExportLinks href={`/campaigns/${c.id}/audience/export`} label={t("common:exports.audience")} testId="audience-export" /> : null}
        {audience && working ? (
          <p>
            <a href={`/campaigns/${c.id}/messages/csv`} download data-testid="messages-csv">{t("invite:messages.download")}</a>
            {" · "}<a href={`/campaigns/${c.id}/messages/csv?channel=wecom`} download>{t("invite:messages.downloadWecom")}</a>
            <br /><span className="muted">{t("invite:messages.downloadHint")}</span>
          </p>
        ) : null}
        {audience && working ? (
          <Form method="post" data-testid="send-messages">
            <h3>{t("invite:outbox.title")}</h3>
            <p>{data.outbox.toQueue > 0 ? t("invite:outbox.preview", { count: data.outbox.toQueue }) : t("invite:outbox.nothing")}</p>
            {data.outbox.noPhone > 0 ? <p className="muted">{t("invite:outbox.noPhone", { count: data.outbox.noPhone })}</p> : null}
            <p className="muted" data-testid="outbox-counts">{t("invite:outbox.counts", data.outbox.counts)}</p>
            <p className="muted">{t("invite:outbox.reminders")}</p>
            <input type="hidden" name="intent" value="send_messages" />
            <button type="submit" disabled={data.outbox.toQueue === 0}>{t("invite:outbox.button")}</button>
          </Form>
        ) : null}
        {working ? (
          <Form method="post">
            <p className="muted">{t("admin.audience.resnapshotHint")}</p>
            <input type="hidden" name="intent" value="snapshot" />
            <button type="submit" className="secondary">{t("admin.audience.resnapshot")}</button>
          </Form>
        ) : null}
      </section>
    </>
  );
}
