import { execFileSync } from "node:child_process";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startServer, type RunningServer } from "./server";

let server: RunningServer | undefined;

/** Builds the app once and starts one shared server (demo data) for the browser tests. */
export async function setup(project: TestProject) {
  const root = path.resolve(__dirname, "../..");
  if (!process.env.E2E_SKIP_BUILD) {
    execFileSync(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "build"], { cwd: root, stdio: "ignore", env: { ...process.env, NODE_ENV: "production" } });
  }
  server = await startServer();
  project.provide("baseURL", server.url);
  project.provide("dbFile", server.dbFile);
}

export async function teardown() {
  await server?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    dbFile: string;
  }
}
