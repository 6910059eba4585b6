import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";

let dir: string | undefined;

/**
 * Picks the folder for this run's Remix build (made on demand by tests/helpers/build.ts).
 * It sits under node_modules/.cache so the build's bare imports resolve to the project's
 * node_modules (a build under /tmp cannot find @remix-run/node).
 */
export function setup(project: TestProject) {
  const cache = path.resolve(__dirname, "../../node_modules/.cache");
  fs.mkdirSync(cache, { recursive: true });
  dir = path.join(fs.mkdtempSync(path.join(cache, "cp-itest-")), "build");
  project.provide("buildDir", dir);
}

export function teardown() {
  if (dir) fs.rmSync(path.dirname(dir), { recursive: true, force: true });
}
