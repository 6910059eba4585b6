import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SegmentBuilder } from "~/components/segments/segment-builder";
import { canManage } from "~/models/permissions";
import { definitionFromFields, fieldsFromSearchParams, SegmentDefinitionSchema, SegmentMetaSchema } from "~/models/segment.schema";
import { createSegment, listVehicleModels, previewDraft } from "~/models/segment.server";
import { ErrorPage } from "~/root";
import { getDb } from "~/utils/db.server";
import { formDataToObject, parseObject } from "~/utils/form";
import { storageFailure, readForm } from "~/utils/http.server";
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
  const meta = parseObject(SegmentMetaSchema, values);
  const definition = parseObject(SegmentDefinitionSchema, definitionFromFields(values));
  if (!meta.ok || !definition.ok) {
    return json({ errors: { ...(meta.ok ? {} : meta.errors), ...(definition.ok ? {} : definition.errors) }, values, formError: definition.ok ? null : "customers:segments.builder.invalid" }, { status: 400 });
  }
  try {
    const segment = await createSegment(getDb(), {
      storeId: ctx.store.id, userId: ctx.user.id, name: meta.data.name, description: meta.data.description, definition: definition.data,
    });
    return redirect(`/segments/${segment.id}`);
  } catch (e) {
    return storageFailure(e, { errors: {}, values });
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
