import fs from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM_FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
];

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(Boolean) as string[];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error("Chromium not found: install it with `apt-get install -y chromium` or set CHROMIUM_PATH");
  return found;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS, headless: true });
}

export const PHONE = { width: 390, height: 844 };
export const TABLET = { width: 820, height: 1180 };
export const DESKTOP = { width: 1280, height: 900 };

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** console errors and uncaught page errors seen so far */
  errors: string[];
}

/** A new context (axe needs one) with a language, a screen size and error capture. */
export async function openPage(
  browser: Browser,
  opts: { locale?: "zh-CN" | "en"; viewport?: { width: number; height: number }; javaScriptEnabled?: boolean } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({
    locale: opts.locale ?? "zh-CN",
    extraHTTPHeaders: { "Accept-Language": opts.locale === "en" ? "en-US,en;q=0.9" : "zh-CN,zh;q=0.9" },
    viewport: opts.viewport ?? DESKTOP,
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (msg) => {
    // A 4xx answer to a form post is expected (validation, 403, 409); the browser logs it as an error.
    if (msg.type() === "error" && !/Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(String(err)));
  return { context, page, errors };
}

export async function signIn(page: Page, baseURL: string, email: string, password = "demo1234") {
  await page.goto(`${baseURL}/login`);
  await hydrated(page);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click('button[type="submit"]:not([name])')]);
  // The URL can change a moment before the next page has rendered: wait for the form to go.
  await page.waitForSelector('input[name="password"]', { state: "detached" });
  await hydrated(page);
}

/** Runs axe on the current page; throws on any serious or critical violation. */
export async function checkA11y(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length) {
    const detail = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("\n  ")}`).join("\n");
    throw new Error(`axe found ${bad.length} serious/critical violation(s) on ${page.url()}:\n${detail}`);
  }
}

/** Waits until the client has hydrated (so event handlers are attached). */
export async function hydrated(page: Page) {
  await page.waitForSelector("body[data-hydrated]", { state: "attached" });
}
