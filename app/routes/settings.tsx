import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { listStoreUsers } from "~/models/user.server";
import { getDb } from "~/utils/db.server";
import { requireManager } from "~/utils/session.server";
import { pageTitle } from "~/utils/meta";

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireManager(request);
  return json({ store: ctx.store, users: await listStoreUsers(getDb(), { storeId: ctx.store.id }) });
}

export const meta = pageTitle("common:settings.title");

export default function Settings() {
  const { t } = useTranslation();
  const { store, users } = useLoaderData<typeof loader>();
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
      <section className="panel" aria-labelledby="users-h">
        <h2 id="users-h">{t("settings.users")}</h2>
        <div className="table-wrap">
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
