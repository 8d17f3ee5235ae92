import { describe, expect, it } from "vitest";
import { decodeBase64UrlLikeNginx, decodeJwt, verifyRegisteredClaims } from "./jwt-token.js";
import { signJwt } from "./test-support.js";

describe("Kong's JWT parser", () => {
  it("decodes base64url like nginx: padding optional, text after '=' ignored, length % 4 == 1 refused", () => {
    expect(decodeBase64UrlLikeNginx("YWJj")?.toString()).toBe("abc");
    expect(decodeBase64UrlLikeNginx("YWI")?.toString()).toBe("ab");
    expect(decodeBase64UrlLikeNginx("YWI=junk")?.toString()).toBe("ab");
    expect(decodeBase64UrlLikeNginx("YWJjZ")).toBeNull();
    expect(decodeBase64UrlLikeNginx("a+b/")).toBeNull();
  });

  it("accepts a missing or lowercase typ and refuses alg foo", () => {
    const [, claims, signature] = signJwt({ iss: "k" }, "s").split(".");
    const header = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    expect(decodeJwt(`${header({ alg: "HS256" })}.${claims}.${signature}`).ok).toBe(true);
    expect(decodeJwt(`${header({ alg: "HS256", typ: "jwt" })}.${claims}.${signature}`).ok).toBe(
      true,
    );
    expect(decodeJwt(`${header({ alg: "foo" })}.${claims}.${signature}`)).toEqual({
      ok: false,
      reason: "invalid alg",
    });
  });

  it("checks registered claims with no leeway", () => {
    const decode = (claims: object) => {
      const result = decodeJwt(signJwt(claims as Record<string, unknown>, "s"));
      if (!result.ok) throw new Error(result.reason);
      return result.jwt;
    };
    const now = 1_700_000_000;
    expect(verifyRegisteredClaims(decode({}), ["exp", "nbf"], now)).toEqual({
      exp: "must be a number",
      nbf: "must be a number",
    });
    expect(verifyRegisteredClaims(decode({ exp: "1" }), ["exp"], now)).toEqual({
      exp: "must be a number",
    });
    expect(verifyRegisteredClaims(decode({ exp: now }), ["exp"], now)).toEqual({
      exp: "token expired",
    });
    expect(verifyRegisteredClaims(decode({ exp: now + 1 }), ["exp"], now)).toBeNull();
    expect(verifyRegisteredClaims(decode({ nbf: now + 10 }), ["nbf"], now)).toEqual({
      nbf: "token not valid yet",
    });
    expect(verifyRegisteredClaims(decode({ nbf: now }), ["nbf"], now)).toBeNull();
  });
});
