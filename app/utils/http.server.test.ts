import { describe, expect, it, vi } from "vitest";
import { safeRedirect, STORAGE_UNAVAILABLE, storageFailure, storageFailurePage, submittedValues } from "./http.server";

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
