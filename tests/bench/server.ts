/**
 * The benches' server: the built app (`cli serve --port 0`) in its own process, on the given
 * database, resolved with its loopback address once it says it listens; and a sign-in.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export async function startBenchServer({ buildDir, databaseUrl, env = {} }: { buildDir: string; databaseUrl: string; env?: Record<string, string> }) {
  const child = spawn(process.execPath, ["--import", "tsx", "app/cli.ts", "serve", "--port", "0"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: databaseUrl, BUILD_DIR: buildDir, SESSION_SECRET: "bench-secret-0123456789abcdef", DEMO: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    });
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
  return { url, stop, output: () => out };
}

/** Signs in over HTTP; the cookie to send. */
export async function benchSignIn(url: string, email: string, password = "demo1234"): Promise<string> {
  const res = await fetch(`${url}/login`, {
    method: "POST", redirect: "manual",
    headers: { Origin: url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password }),
  });
  await res.arrayBuffer();
  const c = res.headers.get("set-cookie");
  if (res.status !== 302 || !c) throw new Error(`sign-in as ${email}: ${res.status}`);
  return c.split(";")[0]!;
}
