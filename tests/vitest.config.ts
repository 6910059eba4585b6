import os from "node:os";
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
    // One worker per core (vitest's default keeps one core free): many integration tests wait
    // on a server or CLI child process, so the suite is I/O-bound as much as CPU-bound.
    maxWorkers: Math.max(2, os.availableParallelism()),
    setupFiles: ["tests/helpers/fail-on-console-error.ts"],
    // Integration tests that start a real server build the app on demand (tests/helpers/build.ts).
    globalSetup: ["tests/helpers/integration-global-setup.ts"],
    // PostgreSQL (a database per test, over TCP) is slower than in-memory SQLite.
    testTimeout: process.env.TEST_ENGINE === "pg" ? 90_000 : 30_000,
    hookTimeout: process.env.TEST_ENGINE === "pg" ? 120_000 : 60_000,
  },
});
