import { z } from "zod";

export const EMAIL_MAX = 254;

export const LoginSchema = z.object({
  email: z
    .string({ error: "errors.required" })
    .trim()
    .min(1, "errors.required")
    .max(EMAIL_MAX, "errors.tooLong")
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "errors.email"),
  password: z.string({ error: "errors.required" }).min(1, "errors.required").max(1024, "errors.tooLong"),
  redirectTo: z.string().optional(),
});
export type LoginInput = z.infer<typeof LoginSchema>;
