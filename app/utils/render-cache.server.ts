/**
 * A page's HTML is a pure function of what its loaders read from the database (and the URL,
 * the status, the minute): a route that says so (`handle.renderCache`) keeps its rendered
 * HTML, compressed once per encoding, under a hash of exactly that. Every request still runs
 * the loaders, so the database stays the truth: a card moved on another worker or app server
 * changes the loader data, hence the key, and the page is rendered afresh (docs/decisions/024).
 * Only the React render and the compression are saved. Per worker, bounded (entries and bytes).
 */
import { createHash } from "node:crypto";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { EntryContext } from "@remix-run/node";

interface Entry {
  html: Buffer;
  br?: Buffer;
  gzip?: Buffer;
  bytes: number;
}

const MAX_ENTRIES = 200;
const MAX_BYTES = 48 * 1024 * 1024;
const cache = new Map<string, Entry>();
let totalBytes = 0;
export const renderCacheStats = { hits: 0, misses: 0 };

const enabled = () => process.env.RENDER_CACHE !== "0";

/** The key of a page whose route opts in; null when it does not (or after an action, or off). */
export function renderCacheKey(request: Request, status: number, context: EntryContext): string | null {
  if (!enabled() || request.method !== "GET") return null;
  const shc = context.staticHandlerContext;
  if (shc.actionData) return null;
  const optIn = shc.matches.some((m) => (context.routeModules[m.route.id]?.handle as { renderCache?: boolean } | undefined)?.renderCache === true);
  if (!optIn) return null;
  const url = new URL(request.url);
  // the minute: a render that reads the clock (today's date) is never more than a minute old
  const minute = Math.floor(Date.now() / 60_000);
  return createHash("sha1")
    .update(JSON.stringify([url.pathname, url.search, status, minute, shc.loaderData, shc.errors ?? null]))
    .digest("base64");
}

function touch(key: string, entry: Entry) {
  cache.delete(key);
  cache.set(key, entry);
}

export function storeRendered(key: string, html: Buffer) {
  const old = cache.get(key);
  if (old) totalBytes -= old.bytes;
  const entry: Entry = { html, bytes: html.length };
  cache.set(key, entry);
  totalBytes += entry.bytes;
  while (cache.size > MAX_ENTRIES || totalBytes > MAX_BYTES) {
    const oldest = cache.keys().next().value as string;
    totalBytes -= cache.get(oldest)!.bytes;
    cache.delete(oldest);
  }
}

/**
 * The cached page in the best encoding the request accepts (compressed once, then kept), with
 * its Content-Encoding; the compression middleware leaves an encoded answer as it is.
 */
export function cachedRendered(key: string, acceptEncoding: string | null): { body: Buffer; encoding: "br" | "gzip" | null } | null {
  const entry = cache.get(key);
  if (!entry) {
    renderCacheStats.misses++;
    return null;
  }
  renderCacheStats.hits++;
  touch(key, entry);
  return encode(entry, acceptEncoding);
}

function accepts(header: string | null, coding: string) {
  return !!header && header.split(",").some((part) => {
    const [name, ...params] = part.trim().split(";");
    if (name!.trim().toLowerCase() !== coding) return false;
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
    return q === undefined || Number(q) > 0;
  });
}

export function encode(entry: Entry, acceptEncoding: string | null): { body: Buffer; encoding: "br" | "gzip" | null } {
  if (entry.html.length < 1024) return { body: entry.html, encoding: null };
  if (accepts(acceptEncoding, "br")) {
    if (!entry.br) {
      entry.br = brotliCompressSync(entry.html, { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: entry.html.length } });
      entry.bytes += entry.br.length;
      totalBytes += entry.br.length;
    }
    return { body: entry.br, encoding: "br" };
  }
  if (accepts(acceptEncoding, "gzip")) {
    if (!entry.gzip) {
      entry.gzip = gzipSync(entry.html, { level: 6 });
      entry.bytes += entry.gzip.length;
      totalBytes += entry.gzip.length;
    }
    return { body: entry.gzip, encoding: "gzip" };
  }
  return { body: entry.html, encoding: null };
}

/** Stores a fresh render and answers it in the request's encoding, like a hit. */
export function storeAndEncode(key: string, html: Buffer, acceptEncoding: string | null) {
  storeRendered(key, html);
  return encode(cache.get(key) ?? { html, bytes: html.length }, acceptEncoding);
}
