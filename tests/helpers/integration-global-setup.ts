import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

let dir: string | undefined;

/** Picks the folder for this run's Remix build (made on demand by tests/helpers/build.ts). */
export function setup(project: TestProject) {
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cp-itest-")), "build");
  project.provide("buildDir", dir);
}

export function teardown() {
  if (dir) fs.rmSync(path.dirname(dir), { recursive: true, force: true });
}
