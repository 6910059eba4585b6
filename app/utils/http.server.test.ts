import { describe, expect, it } from "vitest";
import { safeRedirect } from "./http.server";

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
  ])("%j → %s", (input, expected) => expect(safeRedirect(input as string | null)).toBe(expected));
});
