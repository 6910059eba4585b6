import { zodResolver } from "@hookform/resolvers/zod";
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { TextField } from "~/components/ui/field";
import { LoginSchema, type LoginInput } from "~/models/auth.schema";
import { demoStoreExists, DEMO_PASSWORD, DEMO_USERS } from "~/models/demo/demo.server";
import { LoginThrottled, verifyLogin } from "~/models/user.server";
import { getDb } from "~/utils/db.server";
import { parseFormData, toHookFormErrors } from "~/utils/form";
import { clientIp, safeRedirect, storageFailure, readForm } from "~/utils/http.server";
import { createUserSession, getSessionContext } from "~/utils/session.server";
import { pageTitle } from "~/utils/meta";

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getSessionContext(request)) throw redirect("/");
  return json({ demo: (await demoStoreExists(getDb())) ? { users: DEMO_USERS, password: DEMO_PASSWORD } : null });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = parseFormData(LoginSchema, await readForm(request));
  if (!parsed.ok) {
    return json({ errors: parsed.errors, formError: null as string | null, email: String(parsed.values.email ?? "") }, { status: 400 });
  }
  const { email, password, redirectTo } = parsed.data;
  const ip = clientIp(request, context);
  try {
    const user = await verifyLogin(getDb(), { email, password, ip });
    if (!user) return json({ errors: {}, formError: "login.invalid", email }, { status: 400 });
    return createUserSession({ request, userId: user.id, redirectTo: safeRedirect(redirectTo, "/") });
  } catch (e) {
    if (e instanceof LoginThrottled) {
      return json({ errors: {}, formError: "login.throttled", retryAfterMinutes: e.retryAfterMinutes, email }, {
        status: 429, headers: { "Retry-After": String(e.retryAfterMinutes * 60) },
      });
    }
    // The email is kept; the password never comes back.
    return storageFailure(e, { errors: {}, email });
  }
}

/** The page answering a throttled sign-in says when to come back (Retry-After), as the action did. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retry = actionHeaders.get("Retry-After");
  return retry ? { "Retry-After": retry } : new Headers();
};

export const meta = pageTitle("common:login.title");

export default function Login() {
  const { t } = useTranslation();
  const { demo } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const submit = useSubmit();
  const form = useForm<LoginInput>({
    resolver: zodResolver(LoginSchema),
    // No default values: a field typed into before hydration keeps its text.
    defaultValues: actionData?.email ? { email: actionData.email } : undefined,
    errors: toHookFormErrors(actionData?.errors) as any,
  });
  const errors = form.formState.errors;
  return (
    <div className="login-box panel">
      <h1>{t("login.title")}</h1>
      {actionData?.formError ? (
        <p className="form-error" role="alert">{t(actionData.formError as "login.invalid", { count: "retryAfterMinutes" in actionData ? actionData.retryAfterMinutes : 1 })}</p>
      ) : null}
      <Form method="post" noValidate onSubmit={form.handleSubmit((_, e) => submit(e!.target as HTMLFormElement))}>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
        <TextField label={t("login.email")} type="email" autoComplete="username" defaultValue={actionData?.email}
          error={errors.email?.message} {...form.register("email")} />
        <TextField label={t("login.password")} type="password" autoComplete="current-password"
          error={errors.password?.message} {...form.register("password")} />
        <button type="submit" disabled={navigation.state === "submitting"}>{t("login.submit")}</button>
      </Form>
      {demo ? (
        <section className="notice" style={{ marginTop: "1rem" }} aria-labelledby="demo-title">
          <h2 id="demo-title">{t("login.demoTitle")}</h2>
          <p>{t("login.demoHint", { password: demo.password })}</p>
          <ul>{demo.users.map((u) => <li key={u.email}><code>{u.email}</code> · {t(`roles.${u.role}`)}</li>)}</ul>
        </section>
      ) : null}
    </div>
  );
}
