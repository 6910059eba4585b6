import { z } from "zod";

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().min(1).default("file:./data/app.db"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SESSION_SECRET: z.string().min(16).optional(),
  DEMO: z.enum(["0", "1"]).default("1"),
});

export type Env = z.infer<typeof EnvSchema>;

export function getEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse({
    ...source,
    SESSION_SECRET: source.SESSION_SECRET || undefined,
    DEMO: source.DEMO || undefined,
    PORT: source.PORT || undefined,
    DATABASE_URL: source.DATABASE_URL || undefined,
    NODE_ENV: source.NODE_ENV || undefined,
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${issues}`);
  }
  return parsed.data;
}
