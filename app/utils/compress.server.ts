/**
 * Which answers `compression` encodes (app/server.ts). Everything its default filter takes
 * (HTML, JSON, JS, CSS…), except the JSON answer to a write (POST, PUT, PATCH, DELETE): a card
 * move's answer is a few hundred bytes to a couple of KB, and gzip or brotli runs on libuv's
 * thread pool, so every step of it waits for the event loop — under twenty board loads, that
 * wait was most of a move's time (decision 024). A write answered with a page (a form posted
 * without JavaScript) is still compressed.
 */
import compression from "compression";
import type { Request, Response } from "express";

export function shouldCompress(req: Request, res: Response): boolean {
  const isWrite = req.method !== "GET" && req.method !== "HEAD";
  if (isWrite && /^application\/json\b/i.test(String(res.getHeader("Content-Type") ?? ""))) return false;
  return compression.filter(req, res);
}
