import { json } from "@remix-run/node";
import { ErrorPage } from "~/root";

export function loader() {
  throw json({ error: "not_found" }, { status: 404 });
}

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
