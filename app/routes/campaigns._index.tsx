import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/utils/session.server";
import { pageTitle } from "~/utils/meta";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return json({});
}

export const meta = pageTitle("common:nav.campaigns");

export default function Campaigns() {
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("nav.campaigns")}</h1>
      <p className="muted">{t("empty.generic")}</p>
    </>
  );
}
