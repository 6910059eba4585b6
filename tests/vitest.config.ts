import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.resolve(__dirname, "..");

/** Unit and integration tests: domain modules on real, migrated SQLite databases. */
export default defineConfig({
  root,
  resolve: { alias: { "~": path.join(root, "app"), "#db": path.join(root, "db") } },
  test: {
    include: ["app/**/*.test.ts", "db/**/*.test.ts", "tests/integration/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    setupFiles: ["tests/helpers/fail-on-console-error.ts"],
    // Integration tests that start a real server build the app on demand (tests/helpers/build.ts).
    globalSetup: ["tests/helpers/integration-global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
