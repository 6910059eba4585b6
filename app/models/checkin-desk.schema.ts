/** The desk's scan (browser-safe: zod only): the text a camera or a hardware scanner read. */
import { z } from "zod";

export const ScanInput = z.object({
  code: z.union([z.string(), z.null()]).optional()
    .transform((v) => (v ?? "").trim())
    .pipe(z.string().min(1, "execution:errors.required").max(64, "execution:errors.tooLong")),
});
