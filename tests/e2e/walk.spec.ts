/**
 * A new user's walk through every campaign page of the demo (issue 11): as a manager in
 * English and in Chinese, and as staff in Chinese on a 390 px phone. From the dashboard, the
 * campaign list and each demo campaign, every link to a page of that campaign is followed
 * (one page per path: one card page, not one per card). On each page: the link must not
 * lead to an error (a 403 behind a link is a link that should not be there), no console error
 * (a missing translation logs one), no `NaN` and no raw catalog key in the text; axe runs on
 * each kind of page twice, once for a campaign before its event and once after (e.g. one
 * review of a campaign in review, one of a closed one: axe costs seconds a page, the pages of
 * one route share their markup, and it is data from the event on that makes tables wide) and
 * fails on any serious or critical violation. The header's links must answer too.
 */
import fs from "node:fs";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { resources } from "~/utils/i18n-resources.server";
import { checkA11y, DESKTOP, hydrated, launchBrowser, openPage, PHONE, signIn } from "../helpers/browser";

const base = inject("baseURL");
const dbFile = inject("dbFile");
let browser: Browser;
let demoCampaigns: number[] = [];
const statusOf = new Map<number, string>();
const AFTER_EVENT = ["executing", "reviewing", "closed"];
beforeAll(async () => {
  browser = await launchBrowser();
  const sqlite = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    // the demo's campaigns: those of the demo store seeded before any test made its own
    // (the demo seeds the campaign in review last)
    const rows = sqlite.prepare(`
      select c.id, c.status from campaigns c join stores s on s.id = c.store_id
      where s.code = 'ZZ01' and c.id <= (select id from campaigns where name = '老客户答谢会（总结中）')
      order by c.id`).all() as { id: number; status: string }[];
    demoCampaigns = rows.map((r) => r.id);
    for (const r of rows) statusOf.set(r.id, r.status);
  } finally {
    sqlite.close();
  }
});
afterAll(async () => { await browser?.close(); });

/** Paths of catalog objects ("history", "history.fields", …): a text token starting with one is a raw key. */
const KEY_PREFIXES = (() => {
  const out = new Set<string>();
  const walk = (o: Record<string, unknown>, path: string[]) => {
    for (const [k, v] of Object.entries(o)) {
      if (v && typeof v === "object") {
        out.add([...path, k].join("."));
        walk(v as Record<string, unknown>, [...path, k]);
      }
    }
  };
  for (const ns of Object.values(resources.en)) walk(ns as Record<string, unknown>, []);
  return out;
})();

/** What in a page's text betrays a missing word or a broken number. */
export function textFlaws(text: string): string[] {
  const flaws: string[] = [];
  if (/\bNaN\b/.test(text)) flaws.push("NaN");
  if (/\bundefined\b|\[object Object\]|\{\{\s*\w+\s*\}\}/.test(text)) flaws.push("an unfilled value");
  for (const m of text.matchAll(/\b(common|customers|campaigns|invitations|execution):[\w.]+/g)) flaws.push(`raw key ${m[0]}`);
  for (const m of text.matchAll(/\b[a-zA-Z_][\w]*(?:\.[\w]+)+\b/g)) {
    const parts = m[0].split(".");
    if (KEY_PREFIXES.has(parts[0]!) || KEY_PREFIXES.has(parts.slice(0, 2).join("."))) flaws.push(`raw key ${m[0]}`);
  }
  return flaws;
}

/**
 * Checkboxes and radios not on the line before their words (a `.field` column put them above
 * the label): the box's middle must be level with the first line of its label's text, and left of it.
 */
async function misplacedCheckboxes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const box of document.querySelectorAll<HTMLInputElement>('input[type="checkbox"], input[type="radio"]')) {
      const r = box.getBoundingClientRect();
      if (!r.width || !r.height) continue; // not shown (a closed <details>, a hidden section)
      const label = box.closest("label") ?? (box.id ? document.querySelector(`label[for="${CSS.escape(box.id)}"]`) : null);
      if (!label) continue;
      const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT, { acceptNode: (n) => (n.textContent?.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP) });
      const words = walker.nextNode();
      if (!words) continue;
      const range = document.createRange();
      range.selectNodeContents(words);
      const line = range.getClientRects()[0];
      if (!line) continue;
      if (Math.abs(r.top + r.height / 2 - (line.top + line.height / 2)) > 12 || r.left > line.left) out.push((label.textContent ?? "").trim().slice(0, 40));
    }
    return out;
  });
}

/**
 * One page per path, plus the query keys that open another view of it (a card's page on the
 * workbench, the calendar): `/campaigns/7/calls?invitation=…` once, not once per card, and
 * filters, searches and flash messages not at all.
 */
const VIEW_KEYS = ["invitation", "view"];
function pageKey(url: URL): string {
  return `${url.pathname}?${VIEW_KEYS.filter((k) => url.searchParams.has(k)).join("&")}`;
}
const progress = (line: string) => { if (process.env.WALK_LOG) fs.appendFileSync(process.env.WALK_LOG, `${new Date().toISOString()} ${line}\n`); };

type Walker = { email: string; locale: "en" | "zh-CN"; viewport: { width: number; height: number } };

async function walk(w: Walker) {
  const { page, context, errors } = await openPage(browser, { locale: w.locale, viewport: w.viewport });
  const problems: string[] = [];
  const visited = new Set<string>();
  const axed = new Set<string>();
  try {
    await signIn(page, base, w.email);
    const inScope = (u: URL) => {
      const m = /^\/campaigns\/(\d+)(\/|$)/.exec(u.pathname);
      return u.pathname === "/" || u.pathname === "/campaigns" || (!!m && demoCampaigns.includes(Number(m[1])));
    };
    // the customer base's pages too (visited, their links not followed: a card per customer)
    const customerPages = ["/customers", ...(w.email.startsWith("manager") ? ["/customers/import"] : []), "/segments", "/leads"];
    const queue: string[] = ["/", "/campaigns", ...customerPages, ...demoCampaigns.map((id) => `/campaigns/${id}`)];
    let header: string[] | null = null;
    while (queue.length) {
      const path = queue.shift()!;
      const url = new URL(path, base);
      const key = pageKey(url);
      if (visited.has(key)) continue;
      visited.add(key);
      if (visited.size > 200) throw new Error("the walk found more than 200 pages");
      const before = errors.length;
      const started = Date.now();
      const res = await page.goto(url.href);
      const status = res?.status() ?? 0;
      if (status >= 400) {
        problems.push(`${path}: answered ${status}`);
        continue;
      }
      await hydrated(page);
      const loaded = Date.now();
      const found = problems.length;
      const text = await page.evaluate(() => document.body.innerText);
      for (const flaw of textFlaws(text)) problems.push(`${path}: ${flaw}`);
      for (const label of await misplacedCheckboxes(page)) problems.push(`${path}: the checkbox of “${label}” is not on the line before its words`);
      // a wide table scrolls in its own box; the page itself is never wider than the screen
      const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: document.documentElement.clientWidth }));
      if (widths.page > widths.screen + 1) problems.push(`${path}: the page is ${widths.page} px wide on a ${widths.screen} px screen`);
      const id = /^\/campaigns\/(\d+)/.exec(url.pathname)?.[1];
      const phase = id === undefined ? "" : AFTER_EVENT.includes(statusOf.get(Number(id)) ?? "") ? " after the event" : " before the event";
      const kind = pageKey(url).replace(/^\/campaigns\/\d+/, "/campaigns/:id") + phase;
      if (!axed.has(kind)) {
        axed.add(kind);
        try {
          await checkA11y(page);
        } catch (e) {
          problems.push(`${path}: ${(e as Error).message}`);
        }
      }
      if (errors.length > before) problems.push(`${path}: console errors: ${errors.slice(before).join(" | ")}`);
      progress(`${w.email} ${w.locale} ${path} load ${loaded - started} ms, checks ${Date.now() - loaded} ms${problems.slice(found).map((p) => `\n  ${p}`).join("")}`);
      const links = await page.evaluate(() => [...document.querySelectorAll<HTMLAnchorElement>("a[href]")]
        .filter((a) => !a.hasAttribute("download") && !a.closest(".app-header"))
        .map((a) => a.href));
      header ??= await page.evaluate(() => [...document.querySelectorAll<HTMLAnchorElement>(".app-header nav a[href]")].map((a) => new URL(a.href).pathname));
      for (const href of links) {
        const u = new URL(href);
        if (u.origin !== new URL(base).origin || !inScope(u) || /\.csv$/.test(u.pathname)) continue;
        if (!visited.has(pageKey(u)) && !queue.some((q) => pageKey(new URL(q, base)) === pageKey(u))) queue.push(u.pathname + u.search);
      }
    }
    // the header's links (settings, customers, segments …) answer without an error
    for (const to of header ?? []) {
      const res = await page.goto(new URL(to, base).href);
      if ((res?.status() ?? 0) >= 400) problems.push(`header link ${to}: answered ${res?.status()}`);
    }
    progress(`${w.email} ${w.locale} done: ${visited.size} pages\n  ${problems.join("\n  ")}`);
    return { problems, visited: [...visited], axed: [...axed], header: header ?? [] };
  } finally {
    await context.close();
  }
}

describe("a walk through every campaign page of the demo", () => {
  it("finds the demo's campaigns, the one in review among them", () => {
    expect(demoCampaigns.length).toBeGreaterThanOrEqual(8);
  });

  it("flags a NaN and a raw catalog key in a page's text", () => {
    expect(textFlaws("实际费用：NaN → NaN")).toContain("NaN");
    expect(textFlaws("history.fields.actual_cost：¥1.00 → ¥2.00")).toContain("raw key history.fields.actual_cost");
    expect(textFlaws("review.stages.reached 12")).toContain("raw key review.stages.reached");
    expect(textFlaws("execution:review.title")).toHaveLength(2);
    expect(textFlaws("{{name}} 已签到")).toContain("an unfilled value");
    expect(textFlaws("¥1,280.00 · 2026/12/02 · manager@demo.test · e.g. 0371-65432100 · 1.5%")).toEqual([]);
  });

  for (const w of [
    { email: "manager@demo.test", locale: "en", viewport: DESKTOP },
    { email: "manager@demo.test", locale: "zh-CN", viewport: PHONE },
    { email: "staff1@demo.test", locale: "zh-CN", viewport: PHONE },
  ] as Walker[]) {
    it(`as ${w.email} in ${w.locale} at ${w.viewport.width} px: no error, console error, NaN, raw key, sideways scrolling or serious axe violation`, { timeout: 900_000 }, async () => {
      const r = await walk(w);
      // the walk reached the post-event pages, and axe saw every kind of page it reached
      expect(r.visited.some((k) => /\/execution\?/.test(k))).toBe(true);
      expect(r.axed).toEqual(expect.arrayContaining(["/campaigns/:id? after the event", "/campaigns/:id/execution? after the event", "/campaigns/:id/board? after the event", "/campaigns/:id/calls?invitation after the event"]));
      if (w.email.startsWith("manager")) expect(r.visited.some((k) => /\/review\?/.test(k))).toBe(true);
      else expect(r.header).not.toContain("/settings");
      expect(r.problems).toEqual([]);
    });
  }
});
