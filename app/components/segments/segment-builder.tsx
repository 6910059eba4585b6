/**
 * The segment builder: one plain form (works without JavaScript: "update preview" submits it
 * as GET to the same page, "save" posts it). With JavaScript every change reloads the preview
 * through a fetcher of the same route's loader.
 */
import { Form, Link, useFetcher, useLocation, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { ErrorText } from "~/components/ui/field";
import { GROUPS, LINES, PREFERENCES, TIERS, USAGES, type GroupNumber, type Tier } from "~/models/domain";
import { LEAD_KINDS } from "~/models/lead.constants";
import { RFM_METRICS, VEHICLE_AGE_BUCKETS, WARRANTY_STATUSES } from "~/models/segment.schema";
import { useFormat } from "~/utils/use-format";
import { BreakdownChart } from "./breakdown-chart";

export interface BuilderPreview {
  asOf: string;
  summary: { count: number; doNotContact: number; byGroup: Record<GroupNumber, number>; byTier: Record<Tier, number> } | null;
  sample: { id: number; customer_code: string; name: string; phone: string | null; grp: number; tier: string; last_visit: string | null }[];
  invalid: boolean;
}

export interface BuilderProps {
  fields: Record<string, string | string[] | undefined>;
  models: string[];
  preview: BuilderPreview;
  canSave: boolean;
  version?: number;
  errors?: Record<string, string>;
  formError?: string | null;
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] ?? "" : v ?? "");

function Checks({ legend, name, options, fields, label }: { legend: string; name: string; options: readonly (string | number)[]; fields: BuilderProps["fields"]; label: (o: string) => string }) {
  const chosen = list(fields[name]);
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div className="row">
        {options.map((o) => (
          <label key={o}>
            <input type="checkbox" name={name} value={o} defaultChecked={chosen.includes(String(o))} /> {label(String(o))}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function SegmentBuilder({ fields, models, preview, canSave, version, errors, formError }: BuilderProps) {
  const { t } = useTranslation(["customers", "common"]);
  const f = useFormat();
  const fetcher = useFetcher<{ preview: BuilderPreview }>();
  const location = useLocation();
  const navigation = useNavigation();
  const formRef = useRef<HTMLFormElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const shown = fetcher.data?.preview ?? preview;
  useEffect(() => () => clearTimeout(timer.current), []);
  const refresh = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      if (!formRef.current) return;
      const data = new FormData(formRef.current);
      data.delete("intent");
      const params = new URLSearchParams();
      for (const [k, v] of data.entries()) if (typeof v === "string" && v !== "") params.append(k, v);
      fetcher.load(`${location.pathname}?${params}`);
    }, 250);
  };
  const rfmLabels: Record<string, string> = { r: t("customers:segmentation.r"), f: t("customers:segmentation.f"), m: t("customers:segmentation.m") };
  const summary = shown.summary;
  return (
    <div className="builder">
      <Form method="post" ref={formRef} noValidate onChange={refresh} replace>
        <input type="hidden" name="draft" value="1" />
        {version !== undefined ? <input type="hidden" name="version" value={version} /> : null}
        <section className="panel" aria-labelledby="details-h">
          <h2 id="details-h">{t("customers:segments.builder.details")}</h2>
          <div className="field">
            <label htmlFor="seg-name">{t("customers:segments.name")}</label>
            <input id="seg-name" name="name" defaultValue={one(fields.name)} maxLength={80} aria-invalid={errors?.name ? true : undefined} aria-describedby={errors?.name ? "seg-name-error" : undefined} />
            <ErrorText id="seg-name-error" message={errors?.name} />
          </div>
          <div className="field">
            <label htmlFor="seg-description">{t("customers:segments.description")}</label>
            <textarea id="seg-description" name="description" defaultValue={one(fields.description)} maxLength={500} rows={2} />
          </div>
        </section>
        <section className="panel" aria-labelledby="conditions-h">
          <h2 id="conditions-h">{t("customers:segments.builder.conditions")}</h2>
          <fieldset>
            <legend>{t("customers:segments.builder.match")}</legend>
            <div className="row">
              <label><input type="radio" name="match" value="all" defaultChecked={one(fields.match) !== "any"} /> {t("customers:segments.builder.all")}</label>
              <label><input type="radio" name="match" value="any" defaultChecked={one(fields.match) === "any"} /> {t("customers:segments.builder.any")}</label>
            </div>
          </fieldset>
          <Checks legend={t("customers:segments.builder.groups")} name="groups" options={GROUPS} fields={fields} label={(g) => `${g} · ${t(`common:groups.${g}.name` as any)}`} />
          <Checks legend={t("customers:segments.builder.tiers")} name="tiers" options={TIERS} fields={fields} label={(x) => t(`common:tiers.${x}` as any)} />
          <fieldset>
            <legend>{t("customers:segments.builder.rfm")}</legend>
            <div className="row">
              {RFM_METRICS.map((m) => (
                <div key={m} className="row">
                  {(["Min", "Max"] as const).map((b) => (
                    <div className="field" key={b}>
                      <label htmlFor={`rfm-${m}${b}`}>{rfmLabels[m]} {t(`customers:segments.builder.${b === "Min" ? "min" : "max"}`)}</label>
                      <select id={`rfm-${m}${b}`} name={`${m}${b}`} defaultValue={one(fields[`${m}${b}`])}>
                        <option value="">{t("customers:segments.builder.anyScore")}</option>
                        {[1, 2, 3, 4, 5].map((n) => <option key={n} value={n}>{n}</option>)}
                      </select>
                    </div>
                  ))}
                </div>
              ))}
            </div>
          </fieldset>
          <Checks legend={t("customers:segments.builder.vehicleAge")} name="vehicleAge" options={VEHICLE_AGE_BUCKETS} fields={fields} label={(x) => t(`customers:vehicleAges.${x}` as any)} />
          <Checks legend={t("customers:segments.builder.warranty")} name="warranty" options={WARRANTY_STATUSES} fields={fields} label={(x) => t(`customers:warranties.${x}` as any)} />
          <div className="field">
            <label htmlFor="seg-ins">{t("customers:segments.builder.insuranceDue")}</label>
            <select id="seg-ins" name="insuranceDue" defaultValue={one(fields.insuranceDue)}>
              <option value="">{t("customers:segments.builder.insuranceAny")}</option>
              <option value="yes">{t("customers:segments.builder.insuranceYes")}</option>
              <option value="no">{t("customers:segments.builder.insuranceNo")}</option>
            </select>
          </div>
          <Checks legend={t("customers:segments.builder.usage")} name="usage" options={USAGES} fields={fields} label={(x) => t(`common:usages.${x}` as any)} />
          <Checks legend={t("customers:segments.builder.preference")} name="preference" options={PREFERENCES} fields={fields} label={(x) => t(`common:preferences.${x}` as any)} />
          <Checks legend={`${t("leads:segment.openLead")} (${t("leads:segment.openLeadHint")})`} name="openLead" options={LEAD_KINDS} fields={fields} label={(x) => t(`leads:kinds.${x}` as any)} />
          {models.length ? (
            <Checks legend={t("customers:segments.builder.model")} name="model" options={models} fields={fields} label={(x) => x} />
          ) : <p className="muted">{t("customers:segments.builder.noModels")}</p>}
          <fieldset>
            <legend>{t("customers:segments.builder.lastVisit")}</legend>
            <div className="row">
              <div className="field">
                <label htmlFor="seg-after">{t("customers:segments.builder.lastVisitAfter")}</label>
                <input id="seg-after" type="date" name="lastVisitAfter" defaultValue={one(fields.lastVisitAfter)} />
              </div>
              <div className="field">
                <label htmlFor="seg-before">{t("customers:segments.builder.lastVisitBefore")}</label>
                <input id="seg-before" type="date" name="lastVisitBefore" defaultValue={one(fields.lastVisitBefore)} />
              </div>
            </div>
          </fieldset>
          <fieldset>
            <legend>{t("customers:segments.builder.lineVisits")}</legend>
            {LINES.map((l) => (
              <div className="row" key={l}>
                <div className="field">
                  <label htmlFor={`seg-line-${l}`}>{t("customers:segments.builder.lineMode", { line: t(`common:lines.${l}`) })}</label>
                  <select id={`seg-line-${l}`} name={`line_${l}`} defaultValue={one(fields[`line_${l}`])}>
                    <option value="">{t("customers:segments.builder.lineAny")}</option>
                    <option value="has">{t("customers:segments.builder.lineHas")}</option>
                    <option value="hasNo">{t("customers:segments.builder.lineHasNo")}</option>
                  </select>
                </div>
                <div className="field">
                  <label htmlFor={`seg-line-${l}-days`}>{t("customers:segments.builder.lineDays", { line: t(`common:lines.${l}`) })}</label>
                  <input id={`seg-line-${l}-days`} type="number" min={1} max={3650} inputMode="numeric" name={`line_${l}_days`} defaultValue={one(fields[`line_${l}_days`]) || "365"} />
                </div>
              </div>
            ))}
          </fieldset>
          {formError ? <p className="form-error" role="alert">{t(formError as any)}</p> : null}
          <div className="row">
            <button type="submit" formMethod="get" name="intent" value="preview" className="secondary">{t("customers:segments.builder.preview")}</button>
            {canSave ? <button type="submit" name="intent" value="save" disabled={navigation.state === "submitting"}>{t("customers:segments.builder.save")}</button> : null}
            <Link to="/segments">{t("common:actions.cancel")}</Link>
          </div>
        </section>
      </Form>
      <section className="panel" aria-labelledby="preview-h" aria-busy={fetcher.state !== "idle"}>
        <h2 id="preview-h">{t("customers:segments.result.title")}</h2>
        {shown.invalid || !summary ? (
          <p className="form-error" role="alert">{t("customers:segments.builder.invalid")}</p>
        ) : (
          <>
            <p aria-live="polite"><strong data-testid="segment-count" data-count={summary.count}>{t("customers:segments.result.count", { count: summary.count, formatted: f.number(summary.count) })}</strong></p>
            <p className="muted" data-testid="segment-dnc">{t("customers:segments.result.doNotContact", { count: summary.doNotContact })}</p>
            <div className="grid">
              <div>
                <h3 id="by-group-h">{t("customers:segments.result.byGroup")}</h3>
                <BreakdownChart label={t("customers:segments.result.chartLabel")} labels={GROUPS.map((g) => String(g))} values={GROUPS.map((g) => summary.byGroup[g])} />
                <table aria-labelledby="by-group-h">
                  <thead><tr><th scope="col">{t("customers:filters.group")}</th><th scope="col" className="num">{t("customers:segments.members")}</th></tr></thead>
                  <tbody>{GROUPS.map((g) => (
                    <tr key={g}><th scope="row">{g} · {t(`common:groups.${g}.name`)}</th><td className="num">{f.number(summary.byGroup[g])}</td></tr>
                  ))}</tbody>
                </table>
              </div>
              <div>
                <h3 id="by-tier-h">{t("customers:segments.result.byTier")}</h3>
                <BreakdownChart label={t("customers:segments.result.chartLabel")} labels={[...TIERS]} values={TIERS.map((x) => summary.byTier[x])} />
                <table aria-labelledby="by-tier-h">
                  <thead><tr><th scope="col">{t("customers:filters.tier")}</th><th scope="col" className="num">{t("customers:segments.members")}</th></tr></thead>
                  <tbody>{TIERS.map((x) => (
                    <tr key={x}><th scope="row">{t(`common:tiers.${x}`)}</th><td className="num">{f.number(summary.byTier[x])}</td></tr>
                  ))}</tbody>
                </table>
              </div>
            </div>
            <h3 id="sample-h">{t("customers:segments.result.sample")}</h3>
            {shown.sample.length ? (
              <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="sample-h">
                <table aria-labelledby="sample-h">
                  <thead><tr><th scope="col">{t("customers:code")}</th><th scope="col">{t("customers:name")}</th><th scope="col">{t("customers:phone")}</th><th scope="col">{t("customers:columns.group")}</th><th scope="col">{t("customers:columns.tier")}</th><th scope="col">{t("customers:columns.lastVisit")}</th></tr></thead>
                  <tbody>{shown.sample.map((c) => (
                    <tr key={c.id}><td>{c.customer_code}</td><td><Link to={`/customers/${c.id}`}>{c.name}</Link></td><td>{c.phone ?? "—"}</td><td>{c.grp}</td><td>{c.tier}</td><td>{f.date(c.last_visit)}</td></tr>
                  ))}</tbody>
                </table>
              </div>
            ) : <p>{t("customers:segments.result.sampleEmpty")}</p>}
          </>
        )}
      </section>
    </div>
  );
}
