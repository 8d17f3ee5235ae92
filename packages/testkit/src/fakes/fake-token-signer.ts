import { createHmac, timingSafeEqual } from "node:crypto";
import {
  type AccessTokenClaims,
  err,
  type HmacAlgorithm,
  ok,
  type TokenError,
  type TokenSigner,
} from "@kong-jwt-auth/core";

const HASH_BY_ALG: Readonly<Record<HmacAlgorithm, string>> = {
  HS256: "sha256",
  HS384: "sha384",
  HS512: "sha512",
};

const SEGMENT = /^[A-Za-z0-9_-]+$/;

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

function decodeJson(segment: string | undefined): unknown {
  if (segment === undefined || !SEGMENT.test(segment)) return undefined;
  try {
    return JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isHmacAlgorithm(value: unknown): value is HmacAlgorithm {
  return value === "HS256" || value === "HS384" || value === "HS512";
}

/** HMAC of the signing input with the UTF-8 bytes of the secret, as Kong's jwt plugin computes it. */
function signature(algorithm: HmacAlgorithm, secret: string, signingInput: string): Buffer {
  return createHmac(HASH_BY_ALG[algorithm], Buffer.from(secret, "utf8"))
    .update(signingInput, "utf8")
    .digest();
}

function invalid(message: string): { readonly ok: false; readonly error: TokenError } {
  return err({ code: "invalid_token", message });
}

function claimsOf(payload: Record<string, unknown>): AccessTokenClaims | null {
  const { iss, sub, username, iat, exp, jti, sid } = payload;
  if (
    typeof iss !== "string" ||
    typeof sub !== "string" ||
    typeof username !== "string" ||
    typeof jti !== "string" ||
    typeof sid !== "string" ||
    typeof iat !== "number" ||
    !Number.isFinite(iat) ||
    typeof exp !== "number" ||
    !Number.isFinite(exp)
  ) {
    return null;
  }
  return { iss, sub, username, iat, exp, jti, sid };
}

/**
 * A {@link TokenSigner} that makes real compact JWS (HS256/384/512, header `typ: "JWT"`) with
 * node:crypto, so its tokens are what Kong's jwt plugin (or the Kong emulator) accepts.
 */
export function createFakeTokenSigner(): TokenSigner {
  return {
    async sign(claims, key) {
      const header = encodeJson({ alg: key.algorithm, typ: "JWT" });
      const payload = encodeJson(claims);
      const signingInput = `${header}.${payload}`;
      const sig = signature(key.algorithm, key.secret, signingInput).toString("base64url");
      return `${signingInput}.${sig}`;
    },
    peek(token) {
      const parts = token.split(".");
      if (parts.length !== 3 || !isRecord(decodeJson(parts[0]))) return null;
      const payload = decodeJson(parts[1]);
      if (!isRecord(payload)) return null;
      return { iss: payload.iss, sub: payload.sub };
    },
    async verify(token, key, now) {
      const parts = token.split(".");
      const [headerPart, payloadPart, sigPart] = parts;
      if (parts.length !== 3 || headerPart === undefined || payloadPart === undefined) {
        return invalid("the token is not a compact JWS");
      }
      const header = decodeJson(headerPart);
      if (!isRecord(header)) return invalid("the token header is malformed");
      if (!isHmacAlgorithm(header.alg) || header.alg !== key.algorithm) {
        return invalid("the token algorithm is not the key's");
      }
      if (sigPart === undefined || !SEGMENT.test(sigPart)) {
        return invalid("the token signature is malformed");
      }
      const expected = signature(key.algorithm, key.secret, `${headerPart}.${payloadPart}`);
      const actual = Buffer.from(sigPart, "base64url");
      if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
        return invalid("the token signature does not verify");
      }
      const payload = decodeJson(payloadPart);
      const claims = isRecord(payload) ? claimsOf(payload) : null;
      if (!claims) return invalid("the token claims are missing or malformed");
      // Kong's rule, no leeway: a token whose exp is now is already expired.
      if (claims.exp * 1000 <= now) return invalid("the token has expired");
      return ok(claims);
    },
  };
}
