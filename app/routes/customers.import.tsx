import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ImportAlreadyRunning, readImportUpload, startImportJob } from "~/models/import-job.server";
import { IMPORT_COLUMNS, IMPORT_FILES, MAX_UPLOAD_BYTES } from "~/models/import.schema";
import { getDb } from "~/utils/db.server";
import { storageFailure } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { requireManager } from "~/utils/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireManager(request);
  return json({ maxMb: MAX_UPLOAD_BYTES / 1024 / 1024 });
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireManager(request);
  const files = await readImportUpload(request);
  if (files === "tooLarge") return json({ formError: "tooLarge" as const }, { status: 400 });
  if (files === "unreadable") return json({ formError: "unreadable" as const }, { status: 400 });
  if (Object.keys(files).length === 0) return json({ formError: "noFile" as const }, { status: 400 });
  try {
    const id = await startImportJob(getDb(), { storeId: ctx.store.id, userId: ctx.user.id, files });
    return redirect(`/customers/import/${id}`);
  } catch (e) {
    if (e instanceof ImportAlreadyRunning) return json({ formError: "alreadyRunning" as const }, { status: 409 });
    // The chosen files cannot be handed back (a browser never pre-fills a file input).
    return storageFailure(e, {});
  }
}

export const meta = pageTitle("customers:import.title");

export default function CustomersImport() {
  const { t } = useTranslation(["customers", "common"]);
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formMethod?.toLowerCase() === "post";
  return (
    <>
      <h1>{t("customers:import.title")}</h1>
      <p>{t("customers:import.intro")}</p>
      {actionData?.formError ? (
        <p className="form-error" role="alert">
          {actionData.formError.includes(":") ? t(actionData.formError as "common:errors.invalid") : t(`customers:import.${actionData.formError}`, { mb: MAX_UPLOAD_BYTES / 1024 / 1024 })}
        </p>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="panel">
        {IMPORT_FILES.map((kind) => (
          <div className="field" key={kind}>
            <label htmlFor={`file-${kind}`}>{t(`customers:import.files.${kind}`)}</label>
            <span className="muted" id={`file-${kind}-hint`}><code className="wrap-anywhere">{Object.keys(IMPORT_COLUMNS[kind]).join(",")}</code></span>
            <input id={`file-${kind}`} name={kind} type="file" accept=".csv,.txt,.tsv,.xlsx,text/csv,text/plain,text/tab-separated-values,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" aria-describedby={`file-${kind}-hint`} />
          </div>
        ))}
        <button type="submit" disabled={busy}>{t("customers:import.submit")}</button>
      </Form>
      <p><Link to="/customers">{t("customers:import.toCustomers")}</Link></p>
    </>
  );
}
