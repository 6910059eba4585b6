import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.resolve(__dirname, "..");

/** Browser tests: the built app on a free port, driven by the system Chromium. */
export default defineConfig({
  root,
  resolve: { alias: { "~": path.join(root, "app"), "#db": path.join(root, "db") } },
  test: {
    include: ["tests/e2e/**/*.spec.ts"],
    environment: "node",
    pool: "forks",
    fileParallelism: false,
    globalSetup: ["tests/helpers/e2e-global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
