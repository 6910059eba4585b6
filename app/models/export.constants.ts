/** Export downloads (issue 12): the formats a page links to (no zod: pages import this). */
export const EXPORT_FORMATS = ["xlsx", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
