import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/utils/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return json({});
}

export const meta: MetaFunction = () => [{ title: "Segments · 客户分群" }];

export default function Segments() {
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("nav.segments")}</h1>
      <p className="muted">{t("empty.generic")}</p>
    </>
  );
}
