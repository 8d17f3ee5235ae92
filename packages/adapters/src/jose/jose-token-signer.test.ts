import type { AccessTokenClaims, SigningKey } from "@kong-jwt-auth/core";
import { describeTokenSignerContract } from "@kong-jwt-auth/testkit/contracts";
import { describe, expect, it } from "vitest";
import { createJoseTokenSigner } from "./jose-token-signer.js";

describeTokenSignerContract("jose token signer", async () => ({ signer: createJoseTokenSigner() }));

const NOW_S = 1_767_225_600;
const KEY: SigningKey = {
  secret: "a-256-bit-secret-of-43-base64url-characters",
  algorithm: "HS256",
};
const CLAIMS: AccessTokenClaims = {
  iss: "credential-key",
  sub: "user-id",
  username: "alice",
  iat: NOW_S,
  exp: NOW_S + 900,
  jti: "token-id",
  sid: "family-id",
};

describe("jose token signer reasons", () => {
  const signer = createJoseTokenSigner();

  it("says why a token is refused, in a short reason without the secret", async () => {
    const token = await signer.sign(CLAIMS, KEY);
    const cases: Array<[string, SigningKey, number, string]> = [
      [token, KEY, (NOW_S + 900) * 1000, "token expired"],
      [token, { ...KEY, secret: `${KEY.secret}x` }, NOW_S * 1000, "invalid signature"],
      [token, { ...KEY, algorithm: "HS512" }, NOW_S * 1000, "algorithm not allowed"],
      ["not-a-jwt", KEY, NOW_S * 1000, "malformed token"],
    ];
    for (const [candidate, key, now, reason] of cases) {
      const result = await signer.verify(candidate, key, now);
      expect(result).toEqual({ ok: false, error: { code: "invalid_token", message: reason } });
    }
  });

  it("writes no nbf claim, since Kong allows no clock skew", async () => {
    const token = await signer.sign(CLAIMS, KEY);
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());
    expect(payload).not.toHaveProperty("nbf");
  });

  it("keeps signing and verifying right for more users than its key cache holds", async () => {
    const keys = Array.from(
      { length: 1100 },
      (_, i): SigningKey => ({
        ...KEY,
        secret: `${KEY.secret}-${i}`,
      }),
    );
    const tokens = await Promise.all(keys.map((key) => signer.sign(CLAIMS, key)));
    // The first keys were evicted by now: they must be imported again, and still match.
    for (const i of [0, 1, 1099]) {
      const key = keys[i] ?? KEY;
      expect((await signer.verify(tokens[i] ?? "", key, NOW_S * 1000)).ok).toBe(true);
      const other = keys[(i + 1) % keys.length] ?? KEY;
      expect((await signer.verify(tokens[i] ?? "", other, NOW_S * 1000)).ok).toBe(false);
    }
  });

  it("tells the algorithms of one secret apart", async () => {
    const token = await signer.sign(CLAIMS, { ...KEY, algorithm: "HS384" });
    expect((await signer.verify(token, { ...KEY, algorithm: "HS384" }, NOW_S * 1000)).ok).toBe(
      true,
    );
    expect((await signer.verify(token, KEY, NOW_S * 1000)).ok).toBe(false);
  });
});
