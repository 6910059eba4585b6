import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getStoreCounts } from "~/models/store.server";
import { useFormat } from "~/utils/use-format";
import { getDb } from "~/utils/db.server";
import { requireUser } from "~/utils/session.server";
import { pageTitle } from "~/utils/meta";

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const counts = await getStoreCounts(getDb(), { storeId: ctx.store.id });
  return json({ user: ctx.user.displayName, store: ctx.store.name, counts });
}

export const meta = pageTitle("common:dashboard.title");

export default function Dashboard() {
  const { t } = useTranslation();
  const { number } = useFormat();
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("dashboard.title")}</h1>
      <p>{t("dashboard.welcome", { name: data.user })}</p>
      <p className="panel" data-testid="store-summary">
        {t("dashboard.storeSummary", {
          store: data.store, customers: number(data.counts.customers), vehicles: number(data.counts.vehicles), visits: number(data.counts.visits),
        })}
      </p>
      <p className="muted">{t("empty.dashboard")}</p>
    </>
  );
}
