/**
 * Page renders take turns in a worker; writes do not wait for them (docs/decisions/024).
 *
 * A worker runs one JavaScript thread. With twenty board loads in flight, each rendering in
 * ~10 ms slices, a card move (a few ms of work over several awaits) would get one slice in
 * twenty-one at every await and wait behind all of them. Here GET and HEAD requests that reach
 * Remix (pages and loader data) enter a small per-worker queue — at most RENDER_CONCURRENCY of
 * them run at once, the others wait their turn without using the CPU — while POST, PUT, PATCH
 * and DELETE (moves, attempts, every form) start at once. A slot is given back as soon as the
 * answer's headers are written (a long download does not hold it) or the connection ends, and
 * the next page starts on the event loop's next turn: started from inside the last one's write,
 * every waiting page would run in one turn, back to back, and a move's request would not even be
 * read until they were all done.
 */
import type { NextFunction, Request, Response } from "express";

export function renderQueue(concurrency: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  const next = () => {
    running--;
    const go = waiting.shift();
    if (go) {
      running++;
      setImmediate(go); // after the sockets that are ready have been read (a move among them)
    }
  };
  return (req: Request, res: Response, nextMiddleware: NextFunction) => {
    if (concurrency <= 0 || (req.method !== "GET" && req.method !== "HEAD")) return nextMiddleware();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      next();
    };
    const start = () => {
      if (res.writableEnded || res.destroyed) return release(); // the client left while it waited
      const writeHead = res.writeHead;
      res.writeHead = function (this: Response, ...args: Parameters<typeof writeHead>) {
        release();
        return writeHead.apply(this, args);
      } as typeof writeHead;
      res.once("finish", release);
      res.once("close", release);
      nextMiddleware();
    };
    if (running < concurrency) {
      running++;
      start();
    } else waiting.push(start);
  };
}
