/**
 * The browser's catalogs, one chunk per language and namespace (decision 027): a page loads the
 * namespaces its server render used before it hydrates, and the others when the browser is idle
 * (or at once, should a component ask for one first). The server imports every catalog whole
 * (i18n-resources.server.ts).
 */
import type { Locale, Namespace } from "~/utils/i18n";

type Strings = { default: Record<string, unknown> };
export const NAMESPACE_CHUNKS: Record<Locale, Record<Namespace, () => Promise<Strings>>> = {
  "zh-CN": {
    common: () => import("./zh-CN/common.json"),
    customers: () => import("./zh-CN/customers.json"),
    campaigns: () => import("./zh-CN/campaigns.json"),
    invitations: () => import("./zh-CN/invitations.json"),
    execution: () => import("./zh-CN/execution.json"),
    invite: () => import("./zh-CN/invite.json"),
    desk: () => import("./zh-CN/desk.json"),
    leads: () => import("./zh-CN/leads.json"),
    noShows: () => import("./zh-CN/noShows.json"),
    reviewLift: () => import("./zh-CN/reviewLift.json"),
  },
  en: {
    common: () => import("./en/common.json"),
    customers: () => import("./en/customers.json"),
    campaigns: () => import("./en/campaigns.json"),
    invitations: () => import("./en/invitations.json"),
    execution: () => import("./en/execution.json"),
    invite: () => import("./en/invite.json"),
    desk: () => import("./en/desk.json"),
    leads: () => import("./en/leads.json"),
    noShows: () => import("./en/noShows.json"),
    reviewLift: () => import("./en/reviewLift.json"),
  },
};
