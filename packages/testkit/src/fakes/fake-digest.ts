import { createHash, createHmac } from "node:crypto";
import type { Digest } from "@kong-jwt-auth/core";

/** A {@link Digest} over node:crypto: SHA-256 and HMAC-SHA-256 of UTF-8 input, unpadded base64url. */
export function createFakeDigest(): Digest {
  return {
    sha256: async (input) => createHash("sha256").update(input, "utf8").digest("base64url"),
    hmacSha256: async (key, input) =>
      createHmac("sha256", Buffer.from(key, "utf8")).update(input, "utf8").digest("base64url"),
  };
}
