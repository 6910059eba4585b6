import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface RunningServer {
  url: string;
  dbFile: string;
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
  output(): string;
}

const ROOT = path.resolve(__dirname, "../..");

/**
 * Starts the built app (`cli serve`) on a free port with its own SQLite file.
 * The process is node itself (not an npm or tsx wrapper), so its pid is the server's.
 */
export async function startServer(opts: { dbFile?: string; env?: Record<string, string> } = {}): Promise<RunningServer> {
  const dbFile = opts.dbFile ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cp-e2e-")), "app.db");
  // `node --import tsx`, not tsx's CLI: the CLI runs the script in a second process, so a
  // SIGKILL to the pid we hold would leave the real server running as an orphan.
  const child = spawn(process.execPath, ["--import", "tsx", "app/cli.ts", "serve", "--port", "0"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: `file:${dbFile}`, SESSION_SECRET: "e2e-secret-0123456789abcdef", DEMO: "1",
      // one process, as before `serve` ran one per core; tests of several workers ask for them
      WORKERS: "1", MESSAGE_DISPATCH_MS: "0", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 90_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/localhost:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!.replace("localhost", "127.0.0.1")); }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (d: Buffer) => { out += d.toString(); });
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${out}`)); });
  });
  return {
    url, dbFile, process: child,
    output: () => out,
    stop: (signal = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
}
