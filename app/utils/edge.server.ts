/**
 * The server's edge: what every request passes before Remix (app/server.ts puts it in front of
 * the request handler). In one place, each answered in milliseconds with a 4xx and a clear
 * message, never by reading more than the limit:
 * - forged cross-site requests: a state-changing request must carry an Origin (or Referer) of
 *   the app's own address (`originRefusal`), else 403;
 * - body limits (`limits.ts`): forms and JSON up to MAX_BODY_KB, read whole here and handed to
 *   Remix from memory, with their fields counted (413) and JSON nesting checked (400) before
 *   any parser runs; uploads (multipart POSTs to UPLOAD_PATHS) up to MAX_UPLOAD_MB, streamed
 *   through a counter of bytes and parts; a declared Content-Length over the limit is refused
 *   before one byte is read (413);
 * - the client's address (`clientAddress`, X-Forwarded-For only behind TRUST_PROXY proxies),
 *   passed to the actions as `context.ip`.
 * The rules themselves are pure functions in `edge-rules.server.ts` and `limits.ts`; the body
 * readers of the actions (`readForm`, `readJson`) apply the same limits again, for routes
 * called without this server.
 */
import { Transform, type Readable } from "node:stream";
import { createReadableStreamFromReadable, createRequestHandler, writeReadableStreamToWritable, type AppLoadContext, type ServerBuild } from "@remix-run/node";
import type { NextFunction, Request as XRequest, RequestHandler, Response as XResponse } from "express";
import type { Env } from "./env.server";
import { bodyKind, clientAddress, DelimiterCounter, multipartBoundary, originRefusal, requestHost } from "./edge-rules.server";
import { bodyLimits, countUrlencodedFields, formatBytes, jsonTooDeep, MAX_DEPTH, MAX_FIELDS, MAX_UPLOAD_PARTS, UPLOAD_PATHS, type BodyLimits } from "./limits";

export interface EdgeOptions extends BodyLimits {
  /** TRUST_PROXY: how many reverse proxies to believe in X-Forwarded-For/-Host/-Proto */
  trustProxy: number;
  /** PUBLIC_URL's origin, or null: compare with the Host header */
  publicOrigin: string | null;
  uploadPaths: readonly string[];
  /** how long the rest of a refused body is read and dropped (so the client sees the answer) before the connection is cut */
  drainMs: number;
}

export function edgeOptions(env: Env): EdgeOptions {
  return { ...bodyLimits(env), trustProxy: env.TRUST_PROXY, publicOrigin: env.PUBLIC_URL ?? null, uploadPaths: UPLOAD_PATHS, drainMs: 10_000 };
}

/** What each refusal says, in English and Chinese (the answer comes before the app knows the user's language). */
const MESSAGES = {
  no_origin: (): [string, string] => [
    "Refused: this request carries neither Origin nor Referer, so it cannot be told apart from a forged cross-site request. Send it from the app's own pages.",
    "已拒绝：请求既没有 Origin 也没有 Referer，无法确认它来自本系统的页面。请在本系统的页面中提交。",
  ],
  cross_origin: (): [string, string] => ["Refused: a cross-origin request.", "已拒绝：跨站请求。"],
  wrong_host: (): [string, string] => [
    "Refused: the request was not sent to the app's public address (PUBLIC_URL).",
    "已拒绝：请求没有发往本系统的公开地址（PUBLIC_URL）。",
  ],
  payload_too_large: (limit: number): [string, string] => [
    `Refused: the request body is larger than the server accepts (${formatBytes(limit)}).`,
    `已拒绝：请求内容超过服务器接受的上限（${formatBytes(limit)}）。`,
  ],
  too_many_fields: (): [string, string] => [
    `Refused: the form has more than ${MAX_FIELDS} fields.`,
    `已拒绝：表单字段超过 ${MAX_FIELDS} 个。`,
  ],
  too_many_parts: (): [string, string] => [
    `Refused: the upload has more than ${MAX_UPLOAD_PARTS} parts.`,
    `已拒绝：上传内容超过 ${MAX_UPLOAD_PARTS} 个部分。`,
  ],
  too_deep: (): [string, string] => [
    `Refused: the JSON body nests deeper than ${MAX_DEPTH} levels.`,
    `已拒绝：JSON 嵌套超过 ${MAX_DEPTH} 层。`,
  ],
};
export type EdgeRefusal = keyof typeof MESSAGES;

const wantsJson = (req: XRequest) =>
  bodyKind(req.get("content-type")) === "json" || (/application\/json/.test(req.get("accept") ?? "") && !/text\/html/.test(req.get("accept") ?? ""));

/**
 * Answers a refusal at once, then reads and drops what is left of the body for at most
 * `drainMs` (a client still sending would otherwise see a reset instead of the answer) and cuts
 * the connection if the body has not ended by then.
 */
export function refuse(req: XRequest, res: XResponse, status: number, error: EdgeRefusal, opts: { drainMs: number }, limit = 0) {
  if (!res.headersSent) {
    const [en, zh] = MESSAGES[error](limit);
    res.status(status).set("Cache-Control", "no-store");
    if (wantsJson(req)) res.json({ ok: false, error, message: en, formError: `common:errors.request${status}` });
    else res.type("text/plain; charset=utf-8").send(`${en}\n${zh}\n`);
  }
  if (req.complete || req.destroyed) return;
  setImmediate(() => {
    req.unpipe();
    req.resume();
  });
  const cut = setTimeout(() => req.socket.destroy(), opts.drainMs);
  cut.unref();
  req.once("end", () => clearTimeout(cut));
  req.once("close", () => clearTimeout(cut));
}

/**
 * Paths called by machines, not browsers, that carry no Origin and prove themselves otherwise:
 * the SMS gateway's inbound replies, signed with SMS_WEBHOOK_SECRET (a request without a valid
 * signature is answered 401 by the route). Exact paths only.
 */
export const SIGNED_WEBHOOK_PATHS: readonly string[] = ["/webhooks/sms-inbound"];

/** CSRF: refuses a state-changing request that does not come from the app's own address (403). */
export function sameOriginOnly(opts: Pick<EdgeOptions, "trustProxy" | "publicOrigin" | "drainMs">): RequestHandler {
  return (req, res, next) => {
    if (req.method === "POST" && SIGNED_WEBHOOK_PATHS.includes(req.path)) return next();
    const refusal = originRefusal({
      method: req.method,
      origin: req.get("origin"),
      referer: req.get("referer"),
      host: requestHost(req.get("host"), req.get("x-forwarded-host"), opts.trustProxy),
      publicOrigin: opts.publicOrigin,
    });
    if (refusal) return refuse(req, res, 403, refusal, opts);
    next();
  };
}

const EDGE_BODY = Symbol("the body as the edge read it");
type WithBody = XRequest & { [EDGE_BODY]?: Buffer | Readable };

/** The body the edge read for this request: bytes in memory, an upload's limited stream, or undefined (no body). */
export function edgeBody(req: XRequest): Buffer | Readable | undefined {
  return (req as WithBody)[EDGE_BODY];
}

const hasBody = (req: XRequest) => req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;

/** What is wrong with a form or JSON body read whole, or null. */
function inspectBody(kind: ReturnType<typeof bodyKind>, body: Buffer, contentType: string | undefined): [number, EdgeRefusal] | null {
  if (kind === "urlencoded") {
    if (countUrlencodedFields(body.toString("latin1")) > MAX_FIELDS) return [413, "too_many_fields"];
  } else if (kind === "multipart") {
    const boundary = multipartBoundary(contentType);
    if (boundary) {
      const counter = new DelimiterCounter(boundary);
      if (counter.push(body) > MAX_FIELDS + 1) return [413, "too_many_fields"];
    }
  } else if (kind === "json") {
    if (jsonTooDeep(body.toString("utf8"))) return [400, "too_deep"];
  }
  return null;
}

/**
 * Body limits. A form, JSON or any other body is read whole (up to `bodyBytes`) and checked;
 * an upload is passed on as a stream that stops at `uploadBytes` or MAX_UPLOAD_PARTS parts.
 */
export function limitBodies(opts: EdgeOptions): RequestHandler {
  return (req: WithBody, res, next) => {
    if (!hasBody(req)) return next();
    const contentType = req.get("content-type");
    const kind = bodyKind(contentType);
    const upload = req.method === "POST" && kind === "multipart" && opts.uploadPaths.includes(req.path);
    const limit = upload ? opts.uploadBytes : opts.bodyBytes;
    const declared = req.get("content-length");
    if (declared !== undefined && Number(declared) > limit) return refuse(req, res, 413, "payload_too_large", opts, limit);
    if (upload) {
      req[EDGE_BODY] = limitedUpload(req, res, opts, multipartBoundary(contentType));
      return next();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = () => {
      settled = true;
      req.off("data", onData).off("end", onEnd).off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      settle();
      refuse(req, res, 413, "payload_too_large", opts, limit);
    };
    const onEnd = () => {
      if (settled) return;
      settle();
      const body = Buffer.concat(chunks, size);
      const problem = inspectBody(kind, body, contentType);
      if (problem) return refuse(req, res, problem[0], problem[1], opts);
      req[EDGE_BODY] = body;
      next();
    };
    const onError = () => {
      // The client went away mid-body: nobody to answer.
      if (!settled) settle();
      req.destroy();
    };
    req.on("data", onData).on("end", onEnd).on("error", onError);
  };
}

function limitedUpload(req: XRequest, res: XResponse, opts: EdgeOptions, boundary: string | null): Readable {
  const counter = boundary ? new DelimiterCounter(boundary) : null;
  let seen = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      const problem: EdgeRefusal | null = seen > opts.uploadBytes ? "payload_too_large"
        : counter && counter.push(chunk) > MAX_UPLOAD_PARTS + 1 ? "too_many_parts" : null;
      if (!problem) return callback(null, chunk);
      // The answer goes out now; the action reading the stream sees it break and its own
      // answer is dropped (remixHandler sends nothing once the edge has answered).
      refuse(req, res, 413, problem, opts, opts.uploadBytes);
      callback(Object.assign(new Error(`upload refused at the edge: ${problem}`), { refusedAtEdge: true }));
    },
  });
  req.pipe(limited);
  req.on("error", (e) => limited.destroy(e));
  return limited;
}

/** The client's address for this request (see `clientAddress`). */
export function clientOf(req: XRequest, opts: Pick<EdgeOptions, "trustProxy">): string {
  return clientAddress(req.socket.remoteAddress, req.get("x-forwarded-for"), opts.trustProxy);
}

/** The edge's middleware, in order: CSRF first (nothing of a forged request is read), then body limits. */
export function edge(opts: EdgeOptions): RequestHandler[] {
  return [sameOriginOnly(opts), limitBodies(opts)];
}

function remixHeaders(incoming: XRequest["headers"]): Headers {
  const headers = new Headers();
  for (const [key, values] of Object.entries(incoming)) {
    if (Array.isArray(values)) for (const v of values) headers.append(key, v);
    else if (values) headers.set(key, values);
  }
  return headers;
}

async function sendRemixResponse(res: XResponse, response: Response) {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) res.append(key, value);
  if (/text\/event-stream/i.test(response.headers.get("Content-Type") ?? "")) res.flushHeaders();
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

/**
 * Remix's request handler for Express (as @remix-run/express's), taking the body the edge read
 * (from memory, or the upload's limited stream) instead of the raw socket, and sending nothing
 * once the edge has answered a refusal.
 */
export function remixHandler({ build, mode, trustProxy, getLoadContext }: {
  build: ServerBuild;
  mode?: string;
  trustProxy: number;
  getLoadContext?: (req: XRequest, res: XResponse) => AppLoadContext | Promise<AppLoadContext>;
}): RequestHandler {
  const handle = createRequestHandler(build, mode);
  return async (req: WithBody, res: XResponse, next: NextFunction) => {
    try {
      const request = toWebRequest(req, res, trustProxy);
      const response = await handle(request, await getLoadContext?.(req, res));
      if (res.headersSent) {
        await response.body?.cancel().catch(() => {});
        return;
      }
      await sendRemixResponse(res, response);
    } catch (e) {
      if (res.headersSent) return;
      next(e);
    }
  };
}

function toWebRequest(req: WithBody, res: XResponse, trustProxy: number): Request {
  const host = requestHost(req.get("host"), req.get("x-forwarded-host"), trustProxy) ?? "localhost";
  let url: URL;
  try {
    url = new URL(`${req.protocol}://${host}${req.originalUrl}`);
  } catch {
    url = new URL(`${req.protocol}://localhost${req.originalUrl}`);
  }
  let controller: AbortController | null = new AbortController();
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers: remixHeaders(req.headers), signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    const body = req[EDGE_BODY];
    if (Buffer.isBuffer(body)) init.body = new Uint8Array(body.buffer, body.byteOffset, body.byteLength) as Uint8Array<ArrayBuffer>;
    else if (body || hasBody(req)) {
      init.body = createReadableStreamFromReadable(body ?? req);
      init.duplex = "half";
    }
  }
  // Abort loaders and actions once no answer can be written (closed without finishing).
  res.on("finish", () => (controller = null));
  res.on("close", () => controller?.abort());
  return new Request(url.href, init);
}
