import { describe, expect, it } from "vitest";
import { bodyKind, clientAddress, DelimiterCounter, multipartBoundary, normalizeAddress, originRefusal, requestHost } from "./edge-rules.server";

describe("the client's address", () => {
  it("is the socket's peer unless TRUST_PROXY says how many proxies to believe", () => {
    expect(clientAddress("::ffff:10.0.0.7", "6.6.6.6", 0)).toBe("10.0.0.7");
    expect(clientAddress(undefined, "6.6.6.6", 0)).toBe("local");
    // one proxy (the peer): the address it appended, the last entry — never what the client wrote first
    expect(clientAddress("10.0.0.1", "1.2.3.4, 203.0.113.9", 1)).toBe("203.0.113.9");
    // two proxies: one hop further back
    expect(clientAddress("10.0.0.1", "1.2.3.4, 203.0.113.9, 10.0.0.2", 2)).toBe("203.0.113.9");
    // fewer entries than trusted proxies: the furthest there is
    expect(clientAddress("10.0.0.1", "203.0.113.9", 3)).toBe("203.0.113.9");
    expect(clientAddress("10.0.0.1", undefined, 1)).toBe("10.0.0.1");
    expect(normalizeAddress(" [2001:db8::1] ")).toBe("2001:db8::1");
    expect(normalizeAddress("x".repeat(100))).toHaveLength(64);
  });

  it("X-Forwarded-Host counts only behind a trusted proxy", () => {
    expect(requestHost("app:3000", "evil.example", 0)).toBe("app:3000");
    expect(requestHost("app:3000", "campaigns.example, other", 1)).toBe("campaigns.example");
    expect(requestHost(undefined, undefined, 1)).toBeNull();
  });
});

describe("cross-site request refusal", () => {
  const post = (o: Partial<Parameters<typeof originRefusal>[0]>) =>
    originRefusal({ method: "POST", origin: undefined, referer: undefined, host: "127.0.0.1:3000", publicOrigin: null, ...o });

  it("lets reads through", () => {
    for (const method of ["GET", "HEAD", "OPTIONS", "get"]) expect(originRefusal({ method, origin: null, referer: null, host: null, publicOrigin: null })).toBeNull();
  });

  it("refuses a state-changing request with neither Origin nor Referer", () => {
    expect(post({})).toBe("no_origin");
    expect(post({ origin: "" })).toBe("no_origin");
    for (const method of ["PUT", "PATCH", "DELETE"]) expect(post({ method })).toBe("no_origin");
  });

  it("without PUBLIC_URL: the Origin's (or Referer's) host and port must be the Host", () => {
    expect(post({ origin: "http://127.0.0.1:3000" })).toBeNull();
    expect(post({ referer: "http://127.0.0.1:3000/login?x=1" })).toBeNull();
    expect(post({ origin: "http://127.0.0.1:3001" })).toBe("cross_origin");
    expect(post({ origin: "https://evil.example" })).toBe("cross_origin");
    expect(post({ origin: "http://127.0.0.1:3000.evil.example" })).toBe("cross_origin");
    expect(post({ origin: "null" })).toBe("cross_origin");
    expect(post({ origin: "file:///x" })).toBe("cross_origin");
    expect(post({ referer: "https://evil.example/page" })).toBe("cross_origin");
    // the Origin wins over a Referer
    expect(post({ origin: "https://evil.example", referer: "http://127.0.0.1:3000/" })).toBe("cross_origin");
    expect(post({ origin: "http://127.0.0.1:3000", host: undefined })).toBe("cross_origin");
    expect(post({ origin: "http://Example.com", host: "example.com:80" })).toBeNull();
  });

  it("with PUBLIC_URL: scheme, host and port of the Origin, and the Host, must be the public address", () => {
    const publicOrigin = "https://campaigns.example";
    expect(post({ publicOrigin, origin: "https://campaigns.example", host: "campaigns.example" })).toBeNull();
    expect(post({ publicOrigin, referer: "https://campaigns.example/board", host: "campaigns.example:443" })).toBeNull();
    expect(post({ publicOrigin, origin: "http://campaigns.example", host: "campaigns.example" })).toBe("cross_origin");
    expect(post({ publicOrigin, origin: "https://campaigns.example:8443", host: "campaigns.example" })).toBe("cross_origin");
    // DNS rebinding: an attacker's name pointed at the server; Origin and Host agree, but are not the public address
    expect(post({ publicOrigin, origin: "http://rebind.evil.example", host: "rebind.evil.example" })).toBe("cross_origin");
    expect(post({ publicOrigin, origin: "https://campaigns.example", host: "rebind.evil.example" })).toBe("wrong_host");
    expect(post({ publicOrigin, origin: "https://campaigns.example", host: "campaigns.example/x" })).toBe("wrong_host");
  });
});

describe("bodies", () => {
  it("kind and boundary from the Content-Type", () => {
    expect(bodyKind("application/x-www-form-urlencoded;charset=UTF-8")).toBe("urlencoded");
    expect(bodyKind("multipart/form-data; boundary=x")).toBe("multipart");
    expect(bodyKind("application/json")).toBe("json");
    expect(bodyKind("application/merge-patch+json")).toBe("json");
    expect(bodyKind("text/plain")).toBe("other");
    expect(bodyKind(undefined)).toBe("other");
    expect(multipartBoundary("multipart/form-data; boundary=----abc")).toBe("----abc");
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe("a b");
    expect(multipartBoundary("multipart/form-data")).toBeNull();
  });

  it("multipart delimiters are counted across chunk edges", () => {
    const body = Buffer.from("--XyZ\r\na\r\n--XyZ\r\nb\r\n--XyZ--\r\n");
    for (let cut = 0; cut <= body.length; cut++) {
      const counter = new DelimiterCounter("XyZ");
      counter.push(body.subarray(0, cut));
      expect(counter.push(body.subarray(cut)), `cut at ${cut}`).toBe(3);
    }
    const byte = new DelimiterCounter("XyZ");
    for (const b of body) byte.push(Buffer.from([b]));
    expect(byte.count).toBe(3);
  });
});
