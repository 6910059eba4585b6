/**
 * Request limits: the one home of the numbers the server's edge (`edge.server.ts`, in front of
 * Remix) and the body readers of the actions (`readForm`, `readJson` in `http.server.ts`, which
 * route tests call directly) enforce. Pure and browser-safe (the form parser in `form.ts` uses
 * the field limits too). Byte sizes come from the environment (`MAX_BODY_KB`, `MAX_UPLOAD_MB`).
 */
import { IMPORT_FILES, MAX_UPLOAD_BYTES } from "~/models/import.constants";

/** Fields in one form (the largest real form, a full plan, has about 1,700). */
export const MAX_FIELDS = 5000;
/** Values sent under one field name (checkbox lists, `a.N` indexes). */
export const MAX_REPEATS = 1000;
/** Nesting of a JSON body, and of dotted form names (`lines.0.actual` is 3). */
export const MAX_DEPTH = 20;
/** Parts of one upload request (the import form has three files and a few fields). */
export const MAX_UPLOAD_PARTS = 20;
/** Lists of ids an action takes (selections of cards, people): bounded in the schemas. */
export const MAX_IDS = MAX_REPEATS;

export const DEFAULT_BODY_BYTES = 1024 * 1024;
/** Every import file at its largest, plus room for the multipart framing. */
export const DEFAULT_UPLOAD_BYTES = IMPORT_FILES.length * MAX_UPLOAD_BYTES + 1024 * 1024;
/** Paths whose multipart POSTs are uploads (their own, larger limit; streamed, never buffered). */
export const UPLOAD_PATHS: readonly string[] = ["/customers/import"];

export interface BodyLimits {
  /** forms and JSON */
  bodyBytes: number;
  /** multipart POSTs to UPLOAD_PATHS */
  uploadBytes: number;
}

export function bodyLimits(env: { MAX_BODY_KB?: number; MAX_UPLOAD_MB?: number }): BodyLimits {
  return {
    bodyBytes: env.MAX_BODY_KB ? env.MAX_BODY_KB * 1024 : DEFAULT_BODY_BYTES,
    uploadBytes: env.MAX_UPLOAD_MB ? env.MAX_UPLOAD_MB * 1024 * 1024 : DEFAULT_UPLOAD_BYTES,
  };
}

/** "1 MB", "601 MB", "512 KB": a limit as people read it. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
  return `${Math.max(1, Math.round(n / 1024))} KB`;
}

/**
 * Fields of an urlencoded body, counted without decoding it: one more than its `&`s (an upper
 * bound: empty pairs count too). Linear, stops at `max + 1`.
 */
export function countUrlencodedFields(text: string, max = MAX_FIELDS): number {
  if (text.length === 0) return 0;
  let n = 1;
  for (let i = text.indexOf("&"); i !== -1 && n <= max; i = text.indexOf("&", i + 1)) n++;
  return n;
}

/**
 * Whether a JSON text nests arrays/objects deeper than `max`, by a linear scan that skips
 * strings (no parse: a 20,000-level body costs microseconds and no stack).
 */
export function jsonTooDeep(text: string, max = MAX_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Too many values under one name, or too many fields: the first problem, or null. */
export function formCountProblem(names: Iterable<string>): "too_many_fields" | "too_many_repeats" | null {
  const seen = new Map<string, number>();
  let total = 0;
  for (const name of names) {
    if (++total > MAX_FIELDS) return "too_many_fields";
    const n = (seen.get(name) ?? 0) + 1;
    if (n > MAX_REPEATS) return "too_many_repeats";
    seen.set(name, n);
  }
  return null;
}
