import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { getImportJob } from "~/models/import-job.server";
import { IMPORT_FILES } from "~/models/import.schema";
import { getDb } from "~/utils/db.server";
import { IdParam, notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { useFormat } from "~/utils/use-format";
import { requireManager } from "~/utils/session.server";
import { ScrollTable } from "~/components/ui/scroll-table";

/** Bad rows shown on the page (the total is always given). */
const SHOWN_ISSUES = 1000;

const Params = z.object({ jobId: IdParam });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireManager(request);
  const parsed = Params.safeParse(params);
  if (!parsed.success) notFound();
  const job = await getImportJob(getDb(), { storeId: ctx.store.id, id: parsed.data.jobId });
  if (!job) notFound();
  const outcome = job.outcome && !job.outcome.ok
    ? { ...job.outcome, issues: job.outcome.issues.slice(0, SHOWN_ISSUES) }
    : job.outcome;
  return json({ job: { ...job, outcome }, storeCode: ctx.store.code }, { headers: { "Cache-Control": "no-store" } });
}

export const meta = pageTitle("customers:import.jobTitle");

const POLL_MS = 1000;

export default function ImportJob() {
  const { t } = useTranslation(["customers", "common"]);
  const f = useFormat();
  const loaded = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof loader>();
  const { job, storeCode } = fetcher.data ?? loaded;
  // a stalled import (its server stopped while writing) is completed by the recovery: keep polling
  const running = job.status === "running" || job.status === "stalled";

  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => {
      if (fetcher.state === "idle") fetcher.load(`/customers/import/${job.id}`);
    }, POLL_MS);
    return () => clearTimeout(timer);
    // the fetcher's data changing restarts the timer
  }, [running, job.id, fetcher.data, fetcher.state]); // eslint-disable-line react-hooks/exhaustive-deps

  const phase = job.progress?.phase ?? "queued";
  const percent = job.progress && job.progress.total > 0 ? Math.floor((100 * job.progress.done) / job.progress.total) : 0;
  const outcome = job.outcome;

  return (
    <>
      <h1>{t("customers:import.jobTitle")}</h1>
      <p className="muted">{IMPORT_FILES.filter((k) => job.files[k]).map((k) => job.files[k]).join(" · ")}</p>

      {job.status === "stalled" ? (
        <p className="notice" role="status" data-testid="import-stalled">{t("customers:import.stalled")}</p>
      ) : null}

      {running ? (
        <section className="panel" aria-labelledby="progress-label">
          <noscript><meta httpEquiv="refresh" content="2" /></noscript>
          <p id="progress-label"><strong>{t("customers:import.progressLabel")}</strong>: {t(`customers:import.phase.${phase}`)}</p>
          <progress
            aria-labelledby="progress-label" max={100} value={percent} data-testid="import-progress"
            data-phase={phase} style={{ width: "100%" }}
          >
            {percent}%
          </progress>
          <p aria-live="polite">{f.percent(percent / 100, 0)}</p>
          <p className="muted">{t("customers:import.refreshHint")} <a href={`/customers/import/${job.id}`}>{t("customers:import.refresh")}</a></p>
        </section>
      ) : null}

      {job.status === "done" && outcome?.ok ? (
        <section className="panel" aria-labelledby="summary-h" data-testid="import-summary">
          <h2 id="summary-h">{t("customers:import.summaryTitle")}</h2>
          {outcome.storeCreated ? <p>{t("customers:import.storeCreated", { code: storeCode })}</p> : null}
          <ScrollTable labelledBy="summary-h" columns={[
            { label: t("customers:import.file") }, { label: t("customers:import.rows"), num: true }, { label: t("customers:import.inserted"), num: true },
            { label: t("customers:import.updated"), num: true }, { label: t("customers:import.unchanged"), num: true }, { label: t("customers:import.format") },
          ]}>
          {IMPORT_FILES.map((k) => {
            const c = outcome.counts[k];
            return c ? (
              <tr key={k} data-file={k}>
                <th scope="row">{c.fileName}</th>
                <td className="num">{f.number(c.rows)}</td>
                <td className="num">{f.number(c.inserted)}</td>
                <td className="num">{f.number(c.updated)}</td>
                <td className="num">{f.number(c.unchanged)}</td>
                <td>{outcome.formats?.[k] ? t(`customers:import.formats.${outcome.formats[k]}`) : ""}</td>
              </tr>
            ) : null;
          })}
          </ScrollTable>
        </section>
      ) : null}

      {job.status === "refused" && outcome && !outcome.ok ? (
        <section className="panel" aria-labelledby="report-h" data-testid="import-report">
          <h2 id="report-h">{t("customers:import.reportTitle")}</h2>
          <p role="alert">{t("customers:import.reportIntro", { count: outcome.issueCount })}</p>
          {outcome.issueCount > outcome.issues.length ? <p>{t("customers:import.reportShown", { shown: outcome.issues.length })}</p> : null}
          {IMPORT_FILES.some((k) => outcome.formats?.[k]) ? (
            <ul data-testid="import-formats">
              {IMPORT_FILES.map((k) => (outcome.formats?.[k] ? (
                <li key={k}>{t("customers:import.readAs", { file: job.files[k] ?? k, format: t(`customers:import.formats.${outcome.formats[k]}`) })}</li>
              ) : null))}
            </ul>
          ) : null}
          <ScrollTable labelledBy="report-h" columns={[
            { label: t("customers:import.file") }, { label: t("customers:import.line"), num: true }, { label: t("customers:import.column") },
            { label: t("customers:import.value") }, { label: t("customers:import.reason") },
          ]}>
          {outcome.issues.map((i, n) => (
            <tr key={n}>
              <td>{i.fileName}</td>
              <td className="num">{i.line}</td>
              <td>{i.column}</td>
              <td><code>{i.value}</code></td>
              <td>{t(`customers:import.reasons.${i.reason}`, { firstLine: i.firstLine, value: i.value })}</td>
            </tr>
          ))}
          </ScrollTable>
        </section>
      ) : null}

      {job.status === "failed" || job.status === "interrupted" ? (
        <p className="form-error" role="alert">
          {t("customers:import.failed", { message: job.status === "interrupted" ? t("customers:import.interrupted") : job.message })}
        </p>
      ) : null}

      {!running ? (
        <p className="row">
          <Link to="/customers/import">{t("customers:import.again")}</Link>
          <Link to="/customers">{t("customers:import.toCustomers")}</Link>
        </p>
      ) : null}
    </>
  );
}
