/**
 * A small SMS/WeCom gateway for tests, on 127.0.0.1 (node:http): it records every request,
 * verifies its HMAC signature, delivers each idempotency key once (a repeat is answered as the
 * first delivery), and can fail the first K requests (503) or answer every one with a status.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verifySignature } from "~/models/outbox-senders.server";

export interface GatewayRequest {
  key: string | null;
  signatureOk: boolean;
  body: { idempotency_key: string; phone: string; text: string; kind: string; channel: string };
  at: number;
}

export interface FakeGateway {
  url: string;
  requests: GatewayRequest[];
  /** idempotency key → how many times it was delivered (always 1 with dedupe) */
  deliveries: Map<string, number>;
  failFirst: number;
  /** answer every request with this status (e.g. 400 for a permanent refusal) */
  alwaysStatus: number | null;
  /** called when a request arrives, before it is answered */
  onRequest: ((r: GatewayRequest) => void | Promise<void>) | null;
  close(): Promise<void>;
}

export async function startFakeGateway({ secret }: { secret: string }): Promise<FakeGateway> {
  const gw: FakeGateway = {
    url: "", requests: [], deliveries: new Map(), failFirst: 0, alwaysStatus: null, onRequest: null,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  let n = 0;
  // A path of its own: a dispatcher still running from another test file that happens to reach
  // this port (the OS reuses a closed gateway's port) is answered 404 and not counted here.
  const path = `/send/${crypto.randomBytes(6).toString("hex")}`;
  const server = http.createServer((req, res) => {
    if (req.url !== path) {
      req.resume();
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const r: GatewayRequest = {
        key: (req.headers[IDEMPOTENCY_HEADER.toLowerCase()] as string | undefined) ?? null,
        signatureOk: verifySignature(secret, raw, req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined),
        body: JSON.parse(raw || "{}"), at: Date.now(),
      };
      gw.requests.push(r);
      await gw.onRequest?.(r);
      const answer = (status: number, body: unknown) => { res.writeHead(status, { "Content-Type": "application/json" }); res.end(JSON.stringify(body)); };
      if (!r.signatureOk) return answer(401, { error: "bad signature" });
      if (gw.alwaysStatus) return answer(gw.alwaysStatus, { error: `refused ${gw.alwaysStatus}` });
      if (n++ < gw.failFirst) return answer(503, { error: "busy" });
      if (!r.key) return answer(400, { error: "no key" });
      const seen = gw.deliveries.get(r.key);
      if (!seen) gw.deliveries.set(r.key, 1);
      answer(200, { id: `gw-${r.key}`, duplicate: !!seen });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  gw.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return gw;
}
