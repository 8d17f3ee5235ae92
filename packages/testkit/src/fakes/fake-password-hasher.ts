import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { err, ok, type PasswordHasher } from "@kong-jwt-auth/core";

/** Options of {@link createFakePasswordHasher}. */
export interface FakePasswordHasherOptions {
  /** The "parameters" new hashes carry; a stored hash of another cost needs a rehash. Default 1. */
  readonly cost?: number;
}

const FORMAT = /^fake\$v=(\d+)\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/;

function digest(salt: string, password: string): string {
  return createHash("sha256").update(`${salt}:${password}`, "utf8").digest("base64url");
}

/**
 * A fast, salted {@link PasswordHasher}: `fake$v=<cost>$<salt>$<sha256(salt:password)>`.
 * Never the password, fresh salt per hash, malformed hashes are `invalid_hash` values — the same
 * contract as argon2id, at a cost tests can afford. Not for production: SHA-256 is not slow.
 */
export function createFakePasswordHasher(options: FakePasswordHasherOptions = {}): PasswordHasher {
  const cost = options.cost ?? 1;
  if (!Number.isSafeInteger(cost) || cost < 0) {
    throw new RangeError("fake password hasher: cost must be a whole number ≥ 0");
  }
  return {
    async hash(password) {
      const salt = randomBytes(16).toString("base64url");
      return `fake$v=${cost}$${salt}$${digest(salt, password)}`;
    },
    async verify(hash, password) {
      const parts = FORMAT.exec(hash);
      if (!parts?.[2] || !parts[3]) {
        return err({ code: "invalid_hash", message: "the stored password hash is malformed" });
      }
      const expected = Buffer.from(parts[3], "utf8");
      const actual = Buffer.from(digest(parts[2], password), "utf8");
      return ok(timingSafeEqual(expected, actual));
    },
    needsRehash(hash) {
      const parts = FORMAT.exec(hash);
      return !parts || Number(parts[1]) !== cost;
    },
  };
}
