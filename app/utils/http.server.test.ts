import { describe, expect, it, vi } from "vitest";
import { clientIp, readForm, readJson, safeRedirect, STORAGE_UNAVAILABLE, storageFailure, storageFailurePage, submittedValues } from "./http.server";
import { DEFAULT_BODY_BYTES, MAX_FIELDS, MAX_REPEATS } from "./limits";

describe("safeRedirect", () => {
  it.each([
    ["/campaigns?x=1", "/campaigns?x=1"],
    ["//evil.com", "/"],
    ["/\\evil.com", "/"],
    ["https://evil.com", "/"],
    ["javascript:alert(1)", "/"],
    ["/ok\r\nSet-Cookie: x", "/"],
    ["", "/"],
    [null, "/"],
    // a Location header carries only visible ASCII: the rest is percent-encoded, once
    ["/customers?q=王 五", "/customers?q=%E7%8E%8B%20%E4%BA%94"],
    ["/customers?q=%E7%8E%8B", "/customers?q=%E7%8E%8B"],
    ["/a\u0000b", "/"],
    ["/a\ud800b", "/"],
  ])("%j → %s", (input, expected) => expect(safeRedirect(input as string | null)).toBe(expected));
});

describe("storage failures", () => {
  const readonly = Object.assign(new Error("attempt to write a readonly database"), { code: "SQLITE_READONLY" });

  it("become the action's failure body with status 503 and the form-level message, logged once without a stack", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const res = storageFailure(readonly, { errors: {}, values: { name: "王小明" } });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ errors: {}, values: { name: "王小明" }, formError: STORAGE_UNAVAILABLE });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/SQLITE_READONLY/);
    expect(String(warn.mock.calls[0]![0])).not.toMatch(/\n\s+at /);
  });

  it("rethrow anything else", () => {
    const other = Object.assign(new Error("UNIQUE constraint failed"), { code: "SQLITE_CONSTRAINT_UNIQUE" });
    expect(() => storageFailure(other, {})).toThrow(other);
    expect(() => storageFailurePage(other)).toThrow(other);
  });

  it("without a form: a thrown 503 for the error page", () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      storageFailurePage(Object.assign(new Error("no space"), { code: "53100" }));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Response);
      expect((e as Response).status).toBe(503);
    }
  });

  it("submittedValues keeps repeated names and never a password", () => {
    const fd = new FormData();
    fd.append("email", "a@b.test");
    fd.append("password", "secret");
    fd.append("indicators", "x");
    fd.append("indicators", "y");
    fd.append("lines.0.actual", "12.50");
    expect(submittedValues(fd)).toEqual({ email: "a@b.test", indicators: ["x", "y"], "lines.0.actual": "12.50" });
  });
});

describe("request bodies within the limits", () => {
  const post = (body: BodyInit | null, type?: string, headers: Record<string, string> = {}) =>
    new Request("http://localhost/x", { method: "POST", body, headers: { ...(type ? { "Content-Type": type } : {}), ...headers }, duplex: "half" } as RequestInit);
  const FORM = "application/x-www-form-urlencoded";
  async function refusal(p: Promise<unknown>) {
    try {
      await p;
    } catch (e) {
      if (e instanceof Response) return { status: e.status, body: await e.json() };
      throw e;
    }
    throw new Error("not refused");
  }
  /** A body with no Content-Length: a stream of `n` chunks of `size` bytes. */
  const stream = (n: number, size: number) => new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < n; i++) c.enqueue(new Uint8Array(size).fill(0x61));
      c.close();
    },
  });

  it("readForm reads an urlencoded or multipart form", async () => {
    const form = await readForm(post("a=1&b=%E7%8E%8B&b=2", FORM));
    expect([...form.entries()]).toEqual([["a", "1"], ["b", "王"], ["b", "2"]]);
    const fd = new FormData();
    fd.append("name", "x");
    expect((await readForm(new Request("http://localhost/x", { method: "POST", body: fd }))).get("name")).toBe("x");
  });

  it("readForm: not a form is a 415", async () => {
    expect((await refusal(readForm(post("a=1", "text/plain")))).status).toBe(415);
    expect((await refusal(readForm(post("{}", "application/json")))).status).toBe(415);
    expect((await refusal(readForm(post("x", "multipart/form-data")))).status).toBe(415);
    expect((await refusal(readForm(post(null)))).status).toBe(415);
  });

  it("readForm: over the size limit is a 413, declared or streamed", async () => {
    const big = `a=${"x".repeat(DEFAULT_BODY_BYTES)}`;
    const declared = await refusal(readForm(post(big, FORM)));
    expect(declared).toMatchObject({ status: 413, body: { error: "payload_too_large", formError: "common:errors.request413" } });
    expect(declared.body.message).toContain("1 MB");
    expect((await refusal(readForm(post(stream(50, 64 * 1024), FORM)))).status).toBe(413);
  });

  it("readForm: 20,000 repeated fields, or too many values of one name, are a 413 before any field is decoded", async () => {
    expect(await refusal(readForm(post(Array(20_000).fill("z=1").join("&"), FORM)))).toMatchObject({ status: 413, body: { error: "too_many_fields" } });
    expect(await refusal(readForm(post(Array(MAX_REPEATS + 1).fill("z=1").join("&"), FORM)))).toMatchObject({ status: 413, body: { error: "too_many_repeats" } });
    const many = new FormData();
    for (let i = 0; i <= MAX_FIELDS; i++) many.append(`f${i}`, "1");
    expect((await refusal(readForm(new Request("http://localhost/x", { method: "POST", body: many })))).status).toBe(413);
  });

  it("readJson: application/json only (415), within the size limit (413); not JSON or nested too deep is null", async () => {
    expect(await readJson(post(`{"a":[1,2]}`, "application/json; charset=utf-8"))).toEqual({ a: [1, 2] });
    expect((await refusal(readJson(post(`{"a":1}`, "text/plain")))).status).toBe(415);
    expect((await refusal(readJson(post(`{"a":1}`, FORM)))).status).toBe(415);
    expect((await refusal(readJson(post(`"${"x".repeat(DEFAULT_BODY_BYTES)}"`, "application/json")))).status).toBe(413);
    expect(await readJson(post("{not json", "application/json"))).toBeNull();
    expect(await readJson(post("[".repeat(20_000) + "]".repeat(20_000), "application/json"))).toBeNull();
  });

  it("clientIp believes X-Forwarded-For only behind TRUST_PROXY; the server's context wins", () => {
    const req = post(null, undefined, { "X-Forwarded-For": "6.6.6.6" });
    const before = process.env.TRUST_PROXY;
    try {
      delete process.env.TRUST_PROXY;
      expect(clientIp(req)).toBe("local");
      process.env.TRUST_PROXY = "1";
      expect(clientIp(req)).toBe("6.6.6.6");
      expect(clientIp(req, { ip: "10.0.0.9" })).toBe("10.0.0.9");
    } finally {
      if (before === undefined) delete process.env.TRUST_PROXY;
      else process.env.TRUST_PROXY = before;
    }
  });
});
