import { describePasswordHasherContract } from "@kong-jwt-auth/testkit/contracts";
import { describe, expect, it } from "vitest";
import {
  ARGON2_OWASP_DEFAULTS,
  createArgon2PasswordHasher,
  parseArgon2Hash,
} from "./argon2-password-hasher.js";

/** Tiny costs: the contract checks behaviour, not strength. */
const TEST_PARAMS = { memoryCost: 256, timeCost: 1, parallelism: 1 };

describePasswordHasherContract("argon2id password hasher (test parameters)", async () => ({
  hasher: createArgon2PasswordHasher(TEST_PARAMS),
}));

describe("argon2id password hasher", () => {
  it("hashes with argon2id at the OWASP defaults when given no options", async () => {
    const hash = await createArgon2PasswordHasher().hash("correct horse battery staple");
    expect(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$")).toBe(true);
    expect(parseArgon2Hash(hash)).toEqual({
      variant: "argon2id",
      version: 19,
      ...ARGON2_OWASP_DEFAULTS,
    });
  });

  it("asks to rehash a hash made with other parameters, and not one made with the same", async () => {
    const weak = createArgon2PasswordHasher(TEST_PARAMS);
    const stronger = createArgon2PasswordHasher({ ...TEST_PARAMS, timeCost: 2 });
    const hash = await weak.hash("correct horse battery staple");
    expect(weak.needsRehash(hash)).toBe(false);
    expect(stronger.needsRehash(hash)).toBe(true);
    // The stronger hasher still verifies the old hash: the parameters travel in the PHC string.
    await expect(stronger.verify(hash, "correct horse battery staple")).resolves.toEqual({
      ok: true,
      value: true,
    });
  });

  it("asks to rehash an argon2i hash or anything it cannot read", () => {
    const hasher = createArgon2PasswordHasher(TEST_PARAMS);
    expect(hasher.needsRehash("$argon2i$v=19$m=256,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo")).toBe(
      true,
    );
    expect(hasher.needsRehash("$2b$12$abcdefghijklmnopqrstuv")).toBe(true);
  });

  it("answers a bcrypt hash or a hash with a broken salt with invalid_hash", async () => {
    const hasher = createArgon2PasswordHasher(TEST_PARAMS);
    for (const stored of [
      "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
      "$argon2id$v=19$m=256,t=1,p=1$c2$aGFzaA",
    ]) {
      const result = await hasher.verify(stored, "password");
      expect(result).toMatchObject({ ok: false, error: { code: "invalid_hash" } });
    }
  });

  it("refuses out-of-range parameters with a TypeError naming the option", () => {
    expect(() => createArgon2PasswordHasher({ memoryCost: 4 })).toThrow(/'memoryCost'/);
    expect(() => createArgon2PasswordHasher({ timeCost: 0 })).toThrow(/'timeCost'/);
    expect(() => createArgon2PasswordHasher({ parallelism: 1.5 })).toThrow(/'parallelism'/);
  });
});
