import { createHash, createHmac } from "node:crypto";
import type { Digest } from "@kong-jwt-auth/core";

/**
 * The {@link Digest} over node:crypto: SHA-256 and HMAC-SHA-256 of UTF-8 text, as unpadded
 * base64url. Both are microseconds of work, so they run inline rather than on the thread pool.
 */
export function createNodeDigest(): Digest {
  return {
    async sha256(input) {
      return createHash("sha256").update(input, "utf8").digest("base64url");
    },
    async hmacSha256(key, input) {
      return createHmac("sha256", Buffer.from(key, "utf8"))
        .update(input, "utf8")
        .digest("base64url");
    },
  };
}
