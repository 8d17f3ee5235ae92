import { createHash, webcrypto } from "node:crypto";
import {
  type AccessTokenClaims,
  err,
  ok,
  type SigningKey,
  type TokenError,
  type TokenSigner,
} from "@kong-jwt-auth/core";
import { decodeJwt, errors, type JWTPayload, jwtVerify, SignJWT } from "jose";

const encoder = new TextEncoder();

/** How many imported keys to keep: one per active user, bounded so memory cannot grow. */
const KEY_CACHE_SIZE = 1024;

const HASH_OF: Record<SigningKey["algorithm"], string> = {
  HS256: "SHA-256",
  HS384: "SHA-384",
  HS512: "SHA-512",
};

/**
 * Imports HMAC keys once: jose would otherwise import the raw secret on every call, which
 * costs more than the HMAC itself (verification runs about 2.5 times faster with a cached key).
 * Entries are found by a digest of algorithm and secret, so no secret is kept as a map key, and
 * the oldest entry goes first once the cache is full.
 */
function createKeyCache(): (key: SigningKey) => Promise<webcrypto.CryptoKey> {
  const cache = new Map<string, Promise<webcrypto.CryptoKey>>();
  return (key) => {
    const id = createHash("sha256").update(`${key.algorithm}\0${key.secret}`).digest("base64url");
    let imported = cache.get(id);
    if (imported) {
      // Refresh its place: Map keeps insertion order, so the first entry is the least recent.
      cache.delete(id);
    } else {
      // Kong uses the secret as its UTF-8 bytes (`secret_is_base64: false`), and so must we.
      imported = webcrypto.subtle.importKey(
        "raw",
        encoder.encode(key.secret),
        { name: "HMAC", hash: HASH_OF[key.algorithm] },
        false,
        ["sign", "verify"],
      );
      imported.catch(() => cache.delete(id));
    }
    cache.set(id, imported);
    if (cache.size > KEY_CACHE_SIZE) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    return imported;
  };
}

function invalid(message: string): { readonly ok: false; readonly error: TokenError } {
  return err({ code: "invalid_token", message });
}

/** Short, secret-free reasons for jose's error codes. */
function reasonOf(error: errors.JOSEError): string {
  switch (error.code) {
    case "ERR_JWT_EXPIRED":
      return "token expired";
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return "invalid signature";
    case "ERR_JOSE_ALG_NOT_ALLOWED":
    case "ERR_JOSE_NOT_SUPPORTED":
      return "algorithm not allowed";
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      return error instanceof errors.JWTClaimValidationFailed
        ? `invalid '${error.claim}' claim`
        : "invalid claims";
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
      return "malformed token";
    default:
      return "invalid token";
  }
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/** The claims of SPEC §4, each present and typed, and nothing else. */
function accessClaims(payload: JWTPayload): AccessTokenClaims | null {
  const { iss, sub, username, iat, exp, jti, sid } = payload;
  if (!isNonEmptyString(iss) || !isNonEmptyString(sub) || !isNonEmptyString(username)) return null;
  if (!isNonEmptyString(jti) || !isNonEmptyString(sid)) return null;
  if (typeof iat !== "number" || !Number.isFinite(iat)) return null;
  if (typeof exp !== "number" || !Number.isFinite(exp)) return null;
  return { iss, sub, username, iat, exp, jti, sid };
}

/**
 * The {@link TokenSigner} over jose: compact JWS with header `{ alg, typ: "JWT" }`, HMAC
 * (HS256, HS384 or HS512) keyed with the UTF-8 bytes of the Kong credential secret, and the
 * claims of SPEC §4 (no `nbf`).
 *
 * `verify` checks what Kong's jwt plugin checks, the same way: the header's `alg` must be the
 * key's, the signature must match, and `exp` must be after now in whole seconds with no leeway
 * (`exp <= now` is expired). It also requires every claim to be present and well typed. Every
 * refusal is an `invalid_token` value with a short reason; nothing is thrown for bad input.
 */
export function createJoseTokenSigner(): TokenSigner {
  const cryptoKey = createKeyCache();
  return {
    async sign(claims, key) {
      const payload: JWTPayload = {
        iss: claims.iss,
        sub: claims.sub,
        username: claims.username,
        iat: claims.iat,
        exp: claims.exp,
        jti: claims.jti,
        sid: claims.sid,
      };
      return new SignJWT(payload)
        .setProtectedHeader({ alg: key.algorithm, typ: "JWT" })
        .sign(await cryptoKey(key));
    },

    peek(token) {
      try {
        const payload = decodeJwt(token);
        return { iss: payload.iss, sub: payload.sub };
      } catch {
        return null;
      }
    },

    async verify(token, key, now) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, await cryptoKey(key), {
          algorithms: [key.algorithm],
          currentDate: new Date(now),
          clockTolerance: 0,
        }));
      } catch (error) {
        if (error instanceof errors.JOSEError) return invalid(reasonOf(error));
        throw new Error("token verification failed unexpectedly", { cause: error });
      }
      const claims = accessClaims(payload);
      if (!claims) return invalid("missing or mistyped claims");
      // jose agrees today (exp <= floor(now / 1000) is expired); Kong's rule is restated so a
      // change of library default can never accept a token Kong would refuse.
      if (claims.exp <= Math.floor(now / 1000)) return invalid("token expired");
      return ok(claims);
    },
  };
}
