import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isUuidShaped } from "./encoding.js";
import { normalizeUsername } from "./username.js";

const RULES = /^[a-z0-9][a-z0-9._@-]{2,63}$/;

describe("normalizeUsername", () => {
  it("NFKC-normalises, then lower-cases", () => {
    expect(normalizeUsername("Ｂｏｂ.Ｓｍｉｔｈ")).toEqual({ ok: true, value: "bob.smith" });
  });

  it("counts length after normalisation", () => {
    // "㎏" (U+338F) is one character that NFKC expands to "kg": two characters become three.
    expect(normalizeUsername("㎏a")).toEqual({ ok: true, value: "kga" });
    expect(normalizeUsername("ab")).toMatchObject({
      ok: false,
      error: { code: "invalid_request" },
    });
  });

  it("property: normalisation is idempotent and accepted usernames always follow the rules", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: "grapheme" }), fc.string(), fc.stringMatching(RULES)),
        (raw) => {
          const result = normalizeUsername(raw);
          if (!result.ok) {
            expect(result.error.code).toBe("invalid_request");
            return;
          }
          expect(result.value).toMatch(RULES);
          expect(isUuidShaped(result.value)).toBe(false);
          expect(normalizeUsername(result.value)).toEqual(result);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("property: every string of the allowed alphabet and length is accepted as is, unless UUID-shaped", () => {
    fc.assert(
      fc.property(fc.stringMatching(RULES), (raw) => {
        expect(normalizeUsername(raw)).toEqual(
          isUuidShaped(raw)
            ? { ok: false, error: expect.objectContaining({ code: "invalid_request" }) }
            : { ok: true, value: raw },
        );
      }),
    );
  });

  it("property: a UUID in any case is never accepted", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.boolean(), (uuid, upper) => {
        expect(normalizeUsername(upper ? uuid.toUpperCase() : uuid)).toMatchObject({ ok: false });
      }),
    );
  });
});
