import { describe, expect, it } from "vitest";
import {
  bodyLimits, countUrlencodedFields, DEFAULT_BODY_BYTES, DEFAULT_UPLOAD_BYTES, formatBytes, formCountProblem, jsonTooDeep, MAX_DEPTH, MAX_FIELDS, MAX_REPEATS,
} from "./limits";
import { MAX_UPLOAD_BYTES } from "~/models/import.schema";

describe("request limits", () => {
  it("forms and JSON default to 1 MB; uploads to every import file at its largest; both set from the environment", () => {
    expect(bodyLimits({})).toEqual({ bodyBytes: DEFAULT_BODY_BYTES, uploadBytes: DEFAULT_UPLOAD_BYTES });
    expect(DEFAULT_BODY_BYTES).toBe(1024 * 1024);
    expect(DEFAULT_UPLOAD_BYTES).toBeGreaterThan(MAX_UPLOAD_BYTES);
    expect(bodyLimits({ MAX_BODY_KB: 64, MAX_UPLOAD_MB: 5 })).toEqual({ bodyBytes: 64 * 1024, uploadBytes: 5 * 1024 * 1024 });
    expect(formatBytes(1024 * 1024)).toBe("1 MB");
    expect(formatBytes(512 * 1024)).toBe("512 KB");
  });

  it("counts urlencoded fields without decoding, stopping past the limit", () => {
    expect(countUrlencodedFields("")).toBe(0);
    expect(countUrlencodedFields("a=1")).toBe(1);
    expect(countUrlencodedFields("a=1&b=2&b=3")).toBe(3);
    expect(countUrlencodedFields(Array(20_000).fill("z=1").join("&"))).toBe(MAX_FIELDS + 1);
  });

  it("finds JSON nested too deep by a scan that skips strings", () => {
    expect(jsonTooDeep(`{"a":[1,{"b":2}]}`)).toBe(false);
    expect(jsonTooDeep("[".repeat(MAX_DEPTH) + "]".repeat(MAX_DEPTH))).toBe(false);
    expect(jsonTooDeep("[".repeat(MAX_DEPTH + 1) + "]".repeat(MAX_DEPTH + 1))).toBe(true);
    expect(jsonTooDeep("[".repeat(20_000) + "]".repeat(20_000))).toBe(true);
    // brackets inside strings, escaped quotes included, do not count
    expect(jsonTooDeep(JSON.stringify({ note: "[".repeat(100) + '\\"{{{' }))).toBe(false);
  });

  it("counts fields and repeats of one name", () => {
    expect(formCountProblem(["a", "b", "b"])).toBeNull();
    expect(formCountProblem(Array(MAX_REPEATS).fill("z"))).toBeNull();
    expect(formCountProblem(Array(MAX_REPEATS + 1).fill("z"))).toBe("too_many_repeats");
    expect(formCountProblem(Array.from({ length: MAX_FIELDS + 1 }, (_, i) => `f${i}`))).toBe("too_many_fields");
  });
});
