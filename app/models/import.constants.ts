/**
 * The import's constants that the browser needs without the import's schemas (and without zod):
 * the request limits (`utils/limits.ts`, used by the browser's form parser) read them.
 */
export const IMPORT_FILES = ["customers", "vehicles", "visits"] as const;
export type ImportFile = (typeof IMPORT_FILES)[number];

/** Uploads: per file and per request. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
