/**
 * The rules the server's edge applies before Remix sees a request, as pure functions (the
 * Express side is `edge.server.ts`): who the client is, and whether a state-changing request
 * comes from the app's own pages.
 */

/** Trimmed, without brackets or the IPv4-mapped prefix (`::ffff:10.0.0.1` is 10.0.0.1), at most 64 characters. */
export function normalizeAddress(raw: string): string {
  let a = raw.trim();
  if (a.startsWith("[") && a.includes("]")) a = a.slice(1, a.indexOf("]"));
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a)) a = a.slice(7);
  return a.slice(0, 64);
}

/**
 * The client's address. The socket's peer unless `trustProxy` (TRUST_PROXY) says how many
 * reverse proxies stand in front of the server: then the address that many hops back in
 * `X-Forwarded-For`, counting the socket's peer as the nearest proxy — each proxy appends the
 * address it received the request from, so only the entries the trusted proxies appended are
 * believed, never what the client wrote itself (Express's `trust proxy = N`). Without a
 * socket (a route called directly in a test) the peer is "local".
 */
export function clientAddress(remote: string | null | undefined, forwardedFor: string | null | undefined, trustProxy: number): string {
  const peer = normalizeAddress(remote ?? "") || "local";
  if (trustProxy <= 0 || !forwardedFor) return peer;
  const chain = [...forwardedFor.split(",").map(normalizeAddress).filter(Boolean), peer];
  return chain[Math.max(0, chain.length - 1 - trustProxy)]!;
}

/** The host a proxy forwarded (first of X-Forwarded-Host), believed only behind a trusted proxy. */
export function requestHost(host: string | null | undefined, forwardedHost: string | null | undefined, trustProxy: number): string | null {
  const forwarded = trustProxy > 0 ? forwardedHost?.split(",")[0]?.trim() : undefined;
  return forwarded || host || null;
}

export const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

export type OriginRefusal = "no_origin" | "cross_origin" | "wrong_host";

/** `host` as a URL with `protocol` would read it ("Example.com:443" with https: → "example.com"), or null when it is not a host. */
function hostFor(protocol: string, host: string): string | null {
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) return null;
  try {
    return new URL(`${protocol}//${host}`).host;
  } catch {
    return null;
  }
}

/**
 * Why a state-changing request (not GET/HEAD/OPTIONS) is refused as a possible cross-site
 * forgery, or null when it may go on. Browsers send Origin on every form POST and fetch (and
 * Referer when Origin is left out by an older one); a request with neither did not come from
 * the app's pages. With `publicOrigin` (PUBLIC_URL) the Origin — scheme, host and port — and
 * the Host the request was sent to must both be the public address; without it, the Origin's
 * host and port must be the Host the request was sent to.
 */
export function originRefusal({ method, origin, referer, host, publicOrigin }: {
  method: string;
  origin: string | null | undefined;
  referer: string | null | undefined;
  /** Host (or a trusted X-Forwarded-Host) */
  host: string | null | undefined;
  /** PUBLIC_URL's origin, e.g. "https://campaigns.example.com" */
  publicOrigin: string | null | undefined;
}): OriginRefusal | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  const claimed = origin || referer;
  if (!claimed) return "no_origin";
  let source: URL;
  try {
    source = new URL(claimed); // "null" (a sandboxed frame, a data: page) does not parse
  } catch {
    return "cross_origin";
  }
  if (source.protocol !== "http:" && source.protocol !== "https:") return "cross_origin";
  if (publicOrigin) {
    if (source.origin !== publicOrigin) return "cross_origin";
    const expected = new URL(publicOrigin);
    if (!host || hostFor(expected.protocol, host) !== expected.host) return "wrong_host";
    return null;
  }
  if (!host || hostFor(source.protocol, host) !== source.host) return "cross_origin";
  return null;
}

/** The kind of body a Content-Type announces. */
export function bodyKind(contentType: string | null | undefined): "urlencoded" | "multipart" | "json" | "other" {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") return "urlencoded";
  if (type === "multipart/form-data") return "multipart";
  if (type === "application/json" || /^application\/[\w.+-]+\+json$/.test(type)) return "json";
  return "other";
}

/** The boundary of a multipart Content-Type, or null. */
export function multipartBoundary(contentType: string | null | undefined): string | null {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType ?? "");
  return m ? (m[1] ?? m[2])! : null;
}

/**
 * Counts the delimiters (`--boundary`) of a multipart body as it streams by, across chunk
 * edges, in linear time: a body of N parts has N + 1 (the closing `--boundary--` is one too).
 */
export class DelimiterCounter {
  private readonly delimiter: Buffer;
  private tail: Buffer = Buffer.alloc(0);
  count = 0;

  constructor(boundary: string) {
    this.delimiter = Buffer.from(`--${boundary}`, "latin1");
  }

  push(chunk: Buffer): number {
    const data = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    let from = 0;
    for (let i = data.indexOf(this.delimiter, from); i !== -1; i = data.indexOf(this.delimiter, from)) {
      this.count++;
      from = i + this.delimiter.length;
    }
    // Keep what could be the start of a delimiter cut by the chunk's end (and not part of one counted).
    const keep = Math.min(this.delimiter.length - 1, data.length - from);
    this.tail = Buffer.from(data.subarray(data.length - keep));
    return this.count;
  }
}
