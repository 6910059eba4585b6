/**
 * Both languages' catalogs, for the server (which renders either language), the CLI and tests.
 * Importing this module registers them with createI18n.
 */
import { catalog as en } from "~/locales/en";
import { catalog as zhCN } from "~/locales/zh-CN";
import { registerCatalog } from "./i18n";

export const resources = { en, "zh-CN": zhCN } as const;
registerCatalog("en", en);
registerCatalog("zh-CN", zhCN);

/** A fixed-language t() for server code outside a request (the demo seed), the catalogs registered. */
export { fixedT } from "./meta";
