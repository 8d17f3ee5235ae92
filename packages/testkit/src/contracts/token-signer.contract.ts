import { createHmac } from "node:crypto";
import type {
  AccessTokenClaims,
  HmacAlgorithm,
  SigningKey,
  TokenSigner,
} from "@kong-jwt-auth/core";
import { describe, expect, it } from "vitest";
import { describeContract } from "./harness.js";

const NOW_S = 1_767_225_600; // 2026-01-01T00:00:00Z
const NOW_MS = NOW_S * 1000;
// Both secrets are 43 base64url characters, the shape of the 256-bit secrets the core creates.
const KEY: SigningKey = {
  secret: "kT9vQ2mXr7LbN4pZs8WcY1dHf6JuE3gA0iOeKqRtVwU",
  algorithm: "HS256",
};
const OTHER_KEY: SigningKey = {
  secret: "Zq1wX2ec3Rv4tB5yN6uM7iK8oL9pA0sD-fG_hJkLzXc",
  algorithm: "HS256",
};
const CLAIMS: AccessTokenClaims = {
  iss: "credential-key-22chars",
  sub: "4b0c7f4e-8d1a-4c8e-9f3b-2a6d5e7c9b10",
  username: "alice",
  iat: NOW_S,
  exp: NOW_S + 900,
  jti: "jti-value",
  sid: "0d7e6c5b-4a39-4281-b706-f5e4d3c2b1a0",
};

const HASH: Readonly<Record<string, string>> = {
  HS256: "sha256",
  HS384: "sha384",
  HS512: "sha512",
};

function segment(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

/** A JWT made by hand, the way Kong's jwt plugin checks one: HMAC with the secret's UTF-8 bytes. */
function handmade(header: Record<string, unknown>, payload: unknown, secret: string): string {
  const input = `${segment(header)}.${segment(payload)}`;
  const alg = typeof header.alg === "string" ? header.alg : "HS256";
  const sig = createHmac(HASH[alg] ?? "sha256", Buffer.from(secret, "utf8"))
    .update(input)
    .digest("base64url");
  return `${input}.${sig}`;
}

function decodeSegment(token: string, index: number): unknown {
  const part = token.split(".")[index] ?? "";
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

/**
 * The {@link TokenSigner} contract: compact JWS with `typ: "JWT"` and the key's HMAC algorithm,
 * verified exactly as Kong's jwt plugin does (signature with the UTF-8 secret, `exp` with no
 * leeway, `alg` pinned to the key), every claim present and typed; `peek` reads without checking.
 */
export function describeTokenSignerContract(
  name: string,
  setup: () => Promise<{ signer: TokenSigner; close?: () => Promise<void> }>,
): void {
  describeContract(name, setup, (subject) => {
    const expectInvalid = async (token: string, key: SigningKey, now = NOW_MS): Promise<void> => {
      const result = await subject().signer.verify(token, key, now);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe("invalid_token");
        expect(result.error.message).not.toContain(key.secret);
      }
    };

    it("round-trips: verify returns exactly the signed claims", async () => {
      const { signer } = subject();
      const token = await signer.sign(CLAIMS, KEY);
      await expect(signer.verify(token, KEY, NOW_MS)).resolves.toEqual({ ok: true, value: CLAIMS });
    });

    describe.each<HmacAlgorithm>(["HS256", "HS384", "HS512"])("with %s", (algorithm) => {
      const key: SigningKey = { ...KEY, algorithm };

      it("writes a compact JWS whose header has typ JWT and the key's alg", async () => {
        const token = await subject().signer.sign(CLAIMS, key);
        expect(token.split(".")).toHaveLength(3);
        expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
        expect(decodeSegment(token, 0)).toMatchObject({ alg: algorithm, typ: "JWT" });
        expect(decodeSegment(token, 1)).toEqual(CLAIMS);
      });

      it("signs with the UTF-8 bytes of the secret, as Kong verifies it", async () => {
        const token = await subject().signer.sign(CLAIMS, key);
        const [header, payload, sig] = token.split(".");
        const expected = createHmac(HASH[algorithm] ?? "", Buffer.from(key.secret, "utf8"))
          .update(`${header}.${payload}`)
          .digest("base64url");
        expect(sig).toBe(expected);
      });

      it("verifies a token made by another HMAC implementation", async () => {
        const token = handmade({ alg: algorithm, typ: "JWT" }, CLAIMS, key.secret);
        await expect(subject().signer.verify(token, key, NOW_MS)).resolves.toEqual({
          ok: true,
          value: CLAIMS,
        });
      });
    });

    it("refuses a token signed with another secret", async () => {
      await expectInvalid(await subject().signer.sign(CLAIMS, OTHER_KEY), KEY);
    });

    it("refuses a token whose payload was changed after signing", async () => {
      const [header, , sig] = (await subject().signer.sign(CLAIMS, KEY)).split(".");
      const forged = `${header}.${segment({ ...CLAIMS, sub: "someone-else" })}.${sig}`;
      await expectInvalid(forged, KEY);
    });

    it("refuses a token whose exp is now or earlier, with no leeway, and accepts exp = now + 1 s", async () => {
      const { signer } = subject();
      const atNow = await signer.sign({ ...CLAIMS, exp: NOW_S }, KEY);
      await expectInvalid(atNow, KEY, NOW_MS);
      await expectInvalid(atNow, KEY, NOW_MS + 500);
      await expectInvalid(await signer.sign({ ...CLAIMS, exp: NOW_S - 60 }, KEY), KEY, NOW_MS);
      const inOneSecond = await signer.sign({ ...CLAIMS, exp: NOW_S + 1 }, KEY);
      await expect(signer.verify(inOneSecond, KEY, NOW_MS)).resolves.toMatchObject({ ok: true });
      await expect(signer.verify(inOneSecond, KEY, NOW_MS + 999)).resolves.toMatchObject({
        ok: true,
      });
      await expectInvalid(inOneSecond, KEY, NOW_MS + 1000);
    });

    it("refuses a token whose alg is not the key's, even with the same secret", async () => {
      const hs384 = await subject().signer.sign(CLAIMS, { ...KEY, algorithm: "HS384" });
      await expectInvalid(hs384, KEY);
      const hs256 = await subject().signer.sign(CLAIMS, KEY);
      await expectInvalid(hs256, { ...KEY, algorithm: "HS512" });
    });

    it('refuses an unsigned token (alg "none")', async () => {
      const unsigned = `${segment({ alg: "none", typ: "JWT" })}.${segment(CLAIMS)}.`;
      await expectInvalid(unsigned, KEY);
      const withSignature = handmade({ alg: "none", typ: "JWT" }, CLAIMS, KEY.secret);
      await expectInvalid(withSignature, KEY);
    });

    it.each(["iss", "sub", "username", "iat", "exp", "jti", "sid"] as const)(
      "refuses a correctly signed token without the %s claim",
      async (claim) => {
        const { [claim]: _dropped, ...rest } = CLAIMS;
        await expectInvalid(handmade({ alg: "HS256", typ: "JWT" }, rest, KEY.secret), KEY);
      },
    );

    it("refuses a correctly signed token with a mistyped claim", async () => {
      for (const payload of [
        { ...CLAIMS, exp: String(CLAIMS.exp) },
        { ...CLAIMS, iat: "yesterday" },
        { ...CLAIMS, sub: 42 },
        { ...CLAIMS, iss: null },
      ]) {
        await expectInvalid(handmade({ alg: "HS256", typ: "JWT" }, payload, KEY.secret), KEY);
      }
    });

    it("refuses garbage with an error value, never a throw", async () => {
      for (const garbage of ["", "garbage", "a.b.c", "a.b", "...", `${segment(CLAIMS)}`]) {
        await expectInvalid(garbage, KEY);
      }
    });

    it("peeks at iss and sub without verifying anything", async () => {
      const { signer } = subject();
      const expired = await signer.sign({ ...CLAIMS, exp: NOW_S - 3600 }, OTHER_KEY);
      expect(signer.peek(expired)).toEqual({ iss: CLAIMS.iss, sub: CLAIMS.sub });
      const odd = handmade({ alg: "HS256", typ: "JWT" }, { iss: 7, sub: ["x"] }, "k");
      expect(signer.peek(odd)).toEqual({ iss: 7, sub: ["x"] });
    });

    it("peeks null at anything that is not a decodable JWT", () => {
      const { signer } = subject();
      for (const garbage of ["", "garbage", "a.b.c", "a.b", `${segment(CLAIMS)}`, "%%%.%%%.%%%"]) {
        expect(signer.peek(garbage)).toBeNull();
      }
    });
  });
}
