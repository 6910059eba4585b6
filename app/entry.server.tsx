import { Writable } from "node:stream";
import "~/utils/i18n-resources.server";
import type { EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { NamespaceTracker, stopTracking } from "~/utils/i18n";
import { cachedRendered, renderCacheKey, storeAndEncode } from "~/utils/render-cache.server";

const ABORT_DELAY = 5_000;

/**
 * Renders the whole page, then answers it in one piece. No route defers data, so streaming
 * the shell first would send nothing sooner; one piece lets the compressor see the whole page
 * (Remix flushes the compressor after every chunk it writes: React's ~100 small chunks made the
 * board's gzip 40 KB instead of 12 KB) and gives the answer a Content-Length.
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  // A page whose route keeps its render (the board): the same loader data, URL and status give
  // the same HTML, already compressed (app/utils/render-cache.server.ts).
  const key = renderCacheKey(request, responseStatusCode, remixContext);
  const acceptEncoding = request.headers.get("accept-encoding");
  const answer = (body: Buffer, encoding: "br" | "gzip" | null) => {
    responseHeaders.set("Content-Type", "text/html; charset=utf-8");
    responseHeaders.set("X-Content-Type-Options", "nosniff");
    responseHeaders.set("Referrer-Policy", "same-origin");
    responseHeaders.set("X-Frame-Options", "DENY");
    if (key) responseHeaders.append("Vary", "Accept-Encoding");
    if (encoding) responseHeaders.set("Content-Encoding", encoding);
    return new Response(body as unknown as BodyInit, { headers: responseHeaders, status: responseStatusCode });
  };
  if (key) {
    const hit = cachedRendered(key, acceptEncoding);
    if (hit) return Promise.resolve(answer(hit.body, hit.encoding));
  }
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const chunks: Buffer[] = [];
    // the catalogs' namespaces this page used: the browser loads those before it hydrates (decision 027)
    const used = new Set<string>(["common"]);
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
      final(done) {
        stopTracking(used);
        const html = withNamespaces(Buffer.concat(chunks), used);
        if (key && responseStatusCode === 200) {
          const fresh = storeAndEncode(key, html, acceptEncoding);
          resolve(answer(fresh.body, fresh.encoding));
        } else resolve(answer(html, null));
        done();
      },
    });
    const { pipe, abort } = renderToPipeableStream(
      <NamespaceTracker.Provider value={used}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
      </NamespaceTracker.Provider>,
      {
        onAllReady() {
          shellRendered = true;
          pipe(sink);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

/** The page with its namespaces as a script before </body> (a page without a body stays as it is). */
function withNamespaces(html: Buffer, used: Set<string>): Buffer {
  const at = html.lastIndexOf("</body>");
  if (at < 0) return html;
  const script = `<script>window.__I18N_NS=${JSON.stringify([...used].sort())}</script>`;
  return Buffer.concat([html.subarray(0, at), Buffer.from(script), html.subarray(at)]);
}
