import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkNewPassword, type PasswordPolicy } from "./password-policy.js";

const policy: PasswordPolicy = {
  minLength: 8,
  maxLength: 20,
  commonPasswords: new Set(["password", "letmein123", "qwertyuiop"]),
};
const USERNAME = "alice-smith";

describe("checkNewPassword", () => {
  it("returns the NFKC form of an accepted password", () => {
    expect(checkNewPassword(policy, "ﬁﬁﬁﬁ", USERNAME)).toEqual({ ok: true, value: "fifififi" });
  });

  it("refuses a password holding a lone surrogate, which would hash like any other one", () => {
    expect(checkNewPassword(policy, "\ud800".repeat(9), USERNAME)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: "weak_password" }),
    });
    expect(checkNewPassword(policy, "ok-😀-password", USERNAME)).toMatchObject({ ok: true });
  });

  it("property: accepts exactly the passwords of allowed length that are neither common nor the username", () => {
    const candidate = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 24 }),
      fc.string({ unit: "binary", maxLength: 24 }),
      fc
        .constantFrom(...policy.commonPasswords, USERNAME)
        .chain((word) => fc.constantFrom(word, word.toUpperCase(), word.normalize("NFKD"))),
    );
    fc.assert(
      fc.property(candidate, (password) => {
        const normalized = password.normalize("NFKC");
        const length = [...normalized].length;
        const folded = normalized.toLowerCase();
        const acceptable =
          !/\p{Surrogate}/u.test(normalized) &&
          length >= policy.minLength &&
          length <= policy.maxLength &&
          folded !== USERNAME &&
          !policy.commonPasswords.has(folded);
        const result = checkNewPassword(policy, password, USERNAME);
        expect(result).toEqual(
          acceptable
            ? { ok: true, value: normalized }
            : { ok: false, error: expect.objectContaining({ code: "weak_password" }) },
        );
      }),
      { numRuns: 1000 },
    );
  });

  it("never puts the password in its error message", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 2, maxLength: 7 }).map((s) => `pw${s}`),
        (password) => {
          const result = checkNewPassword(policy, password, USERNAME);
          if (!result.ok) expect(result.error.message).not.toContain(password);
        },
      ),
    );
  });
});
