import { zodResolver } from "@hookform/resolvers/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { TextField } from "~/components/ui/field";
import { StoreSettingsSchema, type StoreSettings } from "~/models/settings.schema";
import { getStoreSettings, saveStoreSettings } from "~/models/settings.server";
import { listStoreUsers } from "~/models/user.server";
import { actionFailure, formFailure } from "~/utils/action.server";
import { getDb } from "~/utils/db.server";
import { formDataToObject, parseObject, toHookFormErrors } from "~/utils/form";
import { readForm } from "~/utils/http.server";
import { requireManager } from "~/utils/session.server";
import { pageTitle } from "~/utils/meta";

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireManager(request);
  const db = getDb();
  const [users, settings] = await Promise.all([listStoreUsers(db, { storeId: ctx.store.id }), getStoreSettings(db, { storeId: ctx.store.id })]);
  return json({ store: ctx.store, users, settings });
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireManager(request);
  const values = formDataToObject(await readForm(request));
  const parsed = parseObject(StoreSettingsSchema, values);
  if (!parsed.ok) return formFailure(400, { errors: parsed.errors, values: parsed.values });
  try {
    await saveStoreSettings(getDb(), { storeId: ctx.store.id, userId: ctx.user.id, settings: parsed.data });
  } catch (e) {
    return actionFailure(e, { values });
  }
  return redirect("/settings?saved=1");
}

export const meta = pageTitle("common:settings.title");

const SECTIONS: { key: string; fields: (keyof StoreSettings)[] }[] = [
  { key: "matrix", fields: ["mMinVisits", "mWindowDays", "rMinVisits", "rWindowDays", "iMinVisits", "iWindowDays"] },
  { key: "pyramid", fields: ["tierAPercent", "tierBPercent", "tierCPercent", "revenueWindowDays"] },
  { key: "horizons", fields: ["insuranceDueDays", "warrantyEndingDays"] },
  { key: "review", fields: ["attributionDays"] },
  { key: "desk", fields: ["checkinOpensMinutes"] },
];

function RulesForm({ settings }: { settings: StoreSettings }) {
  const { t } = useTranslation(["customers", "common"]);
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const values = (actionData?.values ?? null) as Record<string, unknown> | null;
  const form = useForm({ resolver: zodResolver(StoreSettingsSchema), errors: toHookFormErrors(actionData?.errors) as any });
  const errors = form.formState.errors as Record<string, { message?: string } | undefined>;
  return (
    <Form method="post" noValidate onSubmit={form.handleSubmit((_, e) => submit(e!.target as HTMLFormElement))}>
      {actionData?.formError ? <p className="form-error" role="alert">{t(actionData.formError as "common:errors.invalid")}</p> : null}
      {SECTIONS.map((section) => (
        <fieldset key={section.key}>
          <legend>{t(`customers:settings.${section.key}` as any)}</legend>
          <div className="row">
            {section.fields.map((name) => (
              <TextField key={name} id={`settings-${name}`} label={t(`customers:settings.fields.${name}` as any)} type="number" inputMode="numeric" min={1} step={1}
                defaultValue={values ? String(values[name] ?? "") : String(settings[name])} error={errors[name]?.message} {...form.register(name)} />
            ))}
          </div>
        </fieldset>
      ))}
      <button type="submit" disabled={navigation.state === "submitting"}>{t("customers:settings.submit")}</button>
    </Form>
  );
}

export default function Settings() {
  const { t } = useTranslation(["common", "customers"]);
  const { store, users, settings } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>{t("settings.title")}</h1>
      <section className="panel" aria-labelledby="store-h">
        <h2 id="store-h">{t("settings.store")}</h2>
        <dl>
          <dt>{t("settings.storeCode")}</dt><dd>{store.code}</dd>
          <dt>{t("settings.storeName")}</dt><dd>{store.name}</dd>
          <dt>{t("settings.timezone")}</dt><dd>{store.timezone}</dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="rules-h">
        <h2 id="rules-h">{t("customers:settings.title")}</h2>
        <p className="muted">{t("customers:settings.intro")}</p>
        {params.get("saved") ? <p className="notice" role="status">{t("customers:settings.saved")}</p> : null}
        <RulesForm settings={settings} />
      </section>
      <section className="panel" aria-labelledby="users-h">
        <h2 id="users-h">{t("settings.users")}</h2>
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="users-h">
          <table>
            <thead><tr><th>{t("settings.userName")}</th><th>{t("login.email")}</th><th>{t("settings.role")}</th><th>{t("settings.department")}</th></tr></thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}><td>{u.display_name}</td><td>{u.email}</td><td>{t(`roles.${u.role}`)}</td><td>{t(`departments.${u.department}`)}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
