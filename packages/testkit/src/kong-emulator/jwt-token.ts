/**
 * Decoding and verification of a JWT exactly as Kong's `jwt_parser.lua` does it, including
 * its quirks: nginx's strict base64url decoder, the order of the decoding errors, raw R||S
 * ECDSA signatures of a fixed length, PS* only for 2048-bit keys.
 */
import { constants, createHmac, type KeyObject, verify } from "node:crypto";
import { JWT_ALGORITHMS } from "./constants.js";
import { loadPublicKey } from "./public-key.js";

/**
 * A Lua runtime error inside the plugin: Kong answers it with a 500. Thrown where Kong's
 * Lua code would raise (an `assert`, indexing a non-table, a DAO type check).
 */
export class KongRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KongRuntimeError";
  }
}

/**
 * nginx's base64url decoder after Kong pads the input to a multiple of 4: only
 * `[A-Za-z0-9_-]` before the first `=`, anything after it ignored, length % 4 == 1 refused.
 */
export function decodeBase64UrlLikeNginx(input: string): Buffer | null {
  const remainder = Buffer.byteLength(input) % 4;
  const padded = remainder > 0 ? input + "=".repeat(4 - remainder) : input;
  let length = 0;
  for (; length < padded.length; length += 1) {
    const ch = padded.charAt(length);
    if (ch === "=") break;
    if (!/[A-Za-z0-9_-]/.test(ch)) return null;
  }
  if (length % 4 === 1) return null;
  return Buffer.from(padded.slice(0, length), "base64url");
}

/** JSON value as cjson decodes it (objects, arrays, scalars). */
export type LuaJson = unknown;

/** A decoded token. `header` and `claims` are whatever JSON the segments held. */
export interface DecodedJwt {
  readonly headerSegment: string;
  readonly claimsSegment: string;
  readonly header: LuaJson;
  readonly claims: LuaJson;
  readonly signature: Buffer;
  readonly alg: string;
}

/** Why `decodeJwt` refused a token; Kong prefixes it with "Bad token; ". */
export type DecodeFailure = "invalid JSON" | "invalid alg" | "invalid claims" | "invalid signature";

const STRING_LIBRARY = new Set([
  "byte",
  "char",
  "dump",
  "find",
  "format",
  "gmatch",
  "gsub",
  "len",
  "lower",
  "match",
  "rep",
  "reverse",
  "sub",
  "upper",
]);

/**
 * Lua's `value[key]` on a decoded JSON value: tables give their field, strings give the
 * string library's function of that name (a non-string here), and numbers, booleans and
 * `null` raise an error.
 */
export function luaIndex(value: LuaJson, key: string): unknown {
  if (Array.isArray(value)) return /^\d+$/.test(key) ? value[Number(key) - 1] : undefined;
  if (typeof value === "object" && value !== null) {
    return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (typeof value === "string") return STRING_LIBRARY.has(key) ? { luaFunction: key } : undefined;
  throw new KongRuntimeError(
    `attempt to index a ${value === null ? "userdata" : typeof value} value`,
  );
}

function parseJson(bytes: Buffer | null): { ok: true; value: LuaJson } | { ok: false } {
  if (bytes === null) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(bytes.toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

/** `decode_token`: splits on the first two dots and decodes in Kong's order. */
export function decodeJwt(
  token: string,
): { ok: true; jwt: DecodedJwt } | { ok: false; reason: DecodeFailure } {
  const first = token.indexOf(".");
  const second = first === -1 ? -1 : token.indexOf(".", first + 1);
  if (second === -1) return { ok: false, reason: "invalid JSON" };
  const headerSegment = token.slice(0, first);
  const claimsSegment = token.slice(first + 1, second);
  const signatureSegment = token.slice(second + 1);
  const header = parseJson(decodeBase64UrlLikeNginx(headerSegment));
  const claims = parseJson(decodeBase64UrlLikeNginx(claimsSegment));
  if (!header.ok || !claims.ok) return { ok: false, reason: "invalid JSON" };
  const alg = luaIndex(header.value, "alg");
  if (typeof alg !== "string" || !(JWT_ALGORITHMS as readonly string[]).includes(alg)) {
    return { ok: false, reason: "invalid alg" };
  }
  if (claims.value === false) return { ok: false, reason: "invalid claims" };
  const signature = decodeBase64UrlLikeNginx(signatureSegment);
  if (signature === null) return { ok: false, reason: "invalid signature" };
  return {
    ok: true,
    jwt: {
      headerSegment,
      claimsSegment,
      header: header.value,
      claims: claims.value,
      signature,
      alg,
    },
  };
}

function loadKeyOrThrow(pem: string): KeyObject {
  const key = loadPublicKey(pem);
  // jwt_parser asserts the key loads: a stored key OpenSSL refuses is a runtime error.
  if (key === null) throw new KongRuntimeError("Consumer Public Key is Invalid");
  return key;
}

function safeVerify(run: () => boolean): boolean {
  try {
    return run();
  } catch {
    return false;
  }
}

const DIGEST: Record<string, string> = { "256": "sha256", "384": "sha384", "512": "sha512" };
const ES_SIGNATURE_LENGTH: Record<string, number> = { ES256: 64, ES384: 96, ES512: 132 };

/**
 * `verify_signature`: `key` is the HMAC secret (string or decoded bytes) for HS*, the PEM
 * text for the others. Throws {@link KongRuntimeError} where Kong's asserts fail.
 */
export function verifyJwtSignature(jwt: DecodedJwt, key: string | Buffer): boolean {
  const data = Buffer.from(`${jwt.headerSegment}.${jwt.claimsSegment}`, "utf8");
  const family = jwt.alg.slice(0, 2);
  const digest = DIGEST[jwt.alg.slice(2)] ?? "sha256";
  if (family === "HS") {
    const mac = createHmac(digest, key).update(data).digest();
    // Kong compares with a plain string equality.
    return mac.equals(jwt.signature);
  }
  const pem = typeof key === "string" ? key : key.toString("utf8");
  const publicKey = loadKeyOrThrow(pem);
  if (family === "RS") return safeVerify(() => verify(digest, data, publicKey, jwt.signature));
  if (family === "ES") {
    if (jwt.signature.length !== ES_SIGNATURE_LENGTH[jwt.alg]) {
      throw new KongRuntimeError(`Signature must be ${ES_SIGNATURE_LENGTH[jwt.alg]} bytes.`);
    }
    return safeVerify(() =>
      verify(digest, data, { key: publicKey, dsaEncoding: "ieee-p1363" }, jwt.signature),
    );
  }
  if (family === "PS") {
    if (jwt.signature.length !== 256) throw new KongRuntimeError("Signature must be 256 bytes");
    return safeVerify(() =>
      verify(
        digest,
        data,
        {
          key: publicKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_AUTO,
        },
        jwt.signature,
      ),
    );
  }
  return safeVerify(() => verify(null, data, publicKey, jwt.signature));
}

/** `verify_registered_claims`: errors keyed by claim, in the order the config lists them. */
export function verifyRegisteredClaims(
  jwt: DecodedJwt,
  claimsToVerify: readonly string[],
  nowSeconds: number,
): Record<string, string> | null {
  const errors: Record<string, string> = {};
  for (const name of claimsToVerify) {
    const value = luaIndex(jwt.claims, name);
    if (typeof value !== "number") errors[name] = "must be a number";
    else if (name === "exp" && value <= nowSeconds) errors[name] = "token expired";
    else if (name === "nbf" && value > nowSeconds) errors[name] = "token not valid yet";
  }
  return Object.keys(errors).length > 0 ? errors : null;
}

/** `check_maximum_expiration`. */
export function withinMaximumExpiration(
  jwt: DecodedJwt,
  maximum: number,
  nowSeconds: number,
): boolean {
  if (maximum <= 0) return true;
  const exp = luaIndex(jwt.claims, "exp");
  if (exp === undefined) return false;
  if (typeof exp !== "number") throw new KongRuntimeError("attempt to perform arithmetic on exp");
  return exp - nowSeconds <= maximum;
}
