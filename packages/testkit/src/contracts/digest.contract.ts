import type { Digest } from "@kong-jwt-auth/core";
import { expect, it } from "vitest";
import { describeContract } from "./harness.js";

const BASE64URL_SHA256 = /^[A-Za-z0-9_-]{43}$/;

/**
 * The {@link Digest} contract: SHA-256 and HMAC-SHA-256 of UTF-8 input, as unpadded base64url
 * of the 32-byte digest, checked against the NIST and RFC 4231 vectors.
 */
export function describeDigestContract(
  name: string,
  setup: () => Promise<{ digest: Digest; close?: () => Promise<void> }>,
): void {
  describeContract(name, setup, (subject) => {
    it('matches the NIST SHA-256 vector for "abc"', async () => {
      // ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 96177a9c b410ff61 f20015ad
      await expect(subject().digest.sha256("abc")).resolves.toBe(
        "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0",
      );
    });

    it("matches the SHA-256 vector for the empty string", async () => {
      // e3b0c442 98fc1c14 9afbf4c8 996fb924 27ae41e4 649b934c a495991b 7852b855
      await expect(subject().digest.sha256("")).resolves.toBe(
        "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU",
      );
    });

    it("hashes the UTF-8 bytes of non-ASCII input", async () => {
      // sha256(UTF-8 "é🔑") = ee1c8b63 0ef33b3a 3cc8886f 49597e19 93756b36 82285a58 368cac98 3f239e69
      await expect(subject().digest.sha256("é🔑")).resolves.toBe(
        "7hyLYw7zOzo8yIhvSVl-GZN1azaCKFpYNoysmD8jnmk",
      );
    });

    it('matches RFC 4231 test case 2 for HMAC-SHA-256 (key "Jefe")', async () => {
      // 5bdcc146 bf60754e 6a042426 089575c7 5a003f08 9d273983 9dec58b9 64ec3843
      await expect(
        subject().digest.hmacSha256("Jefe", "what do ya want for nothing?"),
      ).resolves.toBe("W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM");
    });

    it("answers unpadded base64url of 32 bytes (43 characters)", async () => {
      const { digest } = subject();
      for (const value of [
        await digest.sha256("a refresh token"),
        await digest.hmacSha256("a family key", "a refresh token"),
      ]) {
        expect(value).toMatch(BASE64URL_SHA256);
      }
    });

    it("keys the HMAC: another key gives another digest, and it differs from the plain hash", async () => {
      const { digest } = subject();
      const a = await digest.hmacSha256("key-a", "token");
      const b = await digest.hmacSha256("key-b", "token");
      expect(a).not.toBe(b);
      expect(a).not.toBe(await digest.sha256("token"));
      await expect(digest.hmacSha256("key-a", "token")).resolves.toBe(a);
    });
  });
}
