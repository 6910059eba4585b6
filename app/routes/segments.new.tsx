import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SegmentBuilder } from "~/components/segments/segment-builder";
import { canManage } from "~/models/permissions";
import { fieldsFromSearchParams } from "~/models/segment.schema";
import { createSegment, listVehicleModels, previewDraft } from "~/models/segment.server";
import { ErrorPage } from "~/root";
import { actionFailure } from "~/utils/action.server";
import { getDb } from "~/utils/db.server";
import { parseSegmentForm } from "~/utils/segment-form.server";
import { formDataToObject } from "~/utils/form";
import { readForm } from "~/utils/http.server";
import { requireManager, requireUser } from "~/utils/session.server";
import { pageTitle } from "~/utils/meta";

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const db = getDb();
  const fields = fieldsFromSearchParams(new URL(request.url).searchParams);
  const [preview, models] = await Promise.all([previewDraft(db, { storeId: ctx.store.id, fields, viewer: ctx.user }), listVehicleModels(db, { storeId: ctx.store.id })]);
  return json({ fields, models, preview, canSave: canManage(ctx.user) });
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireManager(request);
  const values = formDataToObject(await readForm(request)) as Record<string, string | string[]>;
  const parsed = parseSegmentForm(values);
  if (!parsed.ok) return parsed.failure;
  const { meta, definition } = parsed;
  try {
    const segment = await createSegment(getDb(), {
      storeId: ctx.store.id, userId: ctx.user.id, name: meta.name, description: meta.description, definition: definition,
    });
    return redirect(`/segments/${segment.id}`);
  } catch (e) {
    return actionFailure(e, { values });
  }
}

export const meta = pageTitle("customers:segments.newTitle");

export default function NewSegment() {
  const { t } = useTranslation(["customers", "common"]);
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <h1>{t("customers:segments.newTitle")}</h1>
      <SegmentBuilder
        key={actionData ? "posted" : "fresh"}
        fields={(actionData?.values as Record<string, string | string[]>) ?? data.fields}
        models={data.models}
        preview={data.preview}
        canSave={data.canSave}
        errors={actionData?.errors}
        formError={actionData?.formError}
      />
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
