import { describe, expect, it } from "vitest";
import { decodeInvitationCode, formatCode, invitationCode } from "./invitation-code";

describe("invitation codes", () => {
  it("round-trips ids and is unique over a range", () => {
    const seen = new Set<string>();
    for (let id = 1; id <= 20_000; id++) {
      const code = invitationCode(id);
      expect(code).toMatch(/^[A-HJKMNP-Z2-9]{7}$/);
      expect(decodeInvitationCode(code)).toBe(id);
      seen.add(code);
    }
    expect(seen.size).toBe(20_000);
    expect(decodeInvitationCode(invitationCode(887_503_680))).toBe(887_503_680);
  });
  it("does not look sequential", () => {
    expect(invitationCode(1).slice(0, 4)).not.toBe(invitationCode(2).slice(0, 4));
  });
  it("accepts lower case, spaces and dashes", () => {
    const code = invitationCode(4242);
    expect(decodeInvitationCode(` ${formatCode(code).toLowerCase()} `)).toBe(4242);
  });
  it("rejects a mistyped code (check character) and non-codes", () => {
    const code = invitationCode(4242);
    const typo = code.slice(0, 2) + (code[2] === "A" ? "B" : "A") + code.slice(3);
    expect(decodeInvitationCode(typo)).toBeNull();
    expect(decodeInvitationCode("1234")).toBeNull();
    expect(decodeInvitationCode("ABCDEF0")).toBeNull();
    expect(decodeInvitationCode("")).toBeNull();
  });
});
