import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SegmentBuilder } from "~/components/segments/segment-builder";
import { ExportLinks } from "~/components/ui/export-links";
import { canManage } from "~/models/permissions";
import { fieldsFromDefinition, fieldsFromSearchParams } from "~/models/segment.schema";
import { getSegment, listVehicleModels, previewDraft, updateSegment } from "~/models/segment.server";
import { ErrorPage } from "~/root";
import { actionFailure } from "~/utils/action.server";
import { getDb } from "~/utils/db.server";
import { parseSegmentForm } from "~/utils/segment-form.server";
import { formDataToObject } from "~/utils/form";
import { notFound, idParam, readForm } from "~/utils/http.server";
import { requireManager, requireUser } from "~/utils/session.server";
import { pageTitle } from "~/utils/meta";

const segmentId = idParam;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const db = getDb();
  const segment = await getSegment(db, { storeId: ctx.store.id, id: segmentId(params.id) });
  if (!segment) notFound();
  const search = new URL(request.url).searchParams;
  // A draft in the URL (the builder's preview) wins over the saved definition.
  const fields = search.has("draft")
    ? fieldsFromSearchParams(search)
    : { ...fieldsFromDefinition(segment.definition), name: segment.name, description: segment.description ?? "" };
  const [preview, models] = await Promise.all([previewDraft(db, { storeId: ctx.store.id, fields, viewer: ctx.user }), listVehicleModels(db, { storeId: ctx.store.id })]);
  return json({ segment: { id: segment.id, name: segment.name, version: segment.version }, fields, models, preview, canSave: canManage(ctx.user) });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requireManager(request);
  const id = segmentId(params.id);
  const values = formDataToObject(await readForm(request)) as Record<string, string | string[]>;
  const parsed = parseSegmentForm(values);
  if (!parsed.ok) return parsed.failure;
  const { meta, definition } = parsed;
  try {
    await updateSegment(getDb(), {
      storeId: ctx.store.id, id, userId: ctx.user.id, version: meta.version ?? 0,
      name: meta.name, description: meta.description, definition: definition,
    });
  } catch (e) {
    return actionFailure(e, { values });
  }
  return redirect(`/segments/${id}`);
}

export const meta = pageTitle<{ segment: { name: string } }>("customers:segments.editTitle", (d) => d.segment?.name);

export default function EditSegment() {
  const { t } = useTranslation(["customers", "common"]);
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <h1>{data.segment.name} <span className="muted">{t("customers:segments.editTitle")}</span></h1>
      <ExportLinks href={`/segments/${data.segment.id}/export`} label={t("common:exports.segmentMembers")} testId="segment-export" />
      <SegmentBuilder
        key={`${data.segment.id}-${data.segment.version}-${actionData ? "posted" : "fresh"}`}
        fields={(actionData?.values as Record<string, string | string[]>) ?? data.fields}
        models={data.models}
        preview={data.preview}
        canSave={data.canSave}
        version={data.segment.version}
        errors={actionData?.errors}
        formError={actionData?.formError}
      />
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
