/**
 * Refresh tokens are 32 random bytes, base64url: opaque, never JWTs, so one can never be
 * mistaken for an access token. Only their SHA-256 reaches the store. The successor of a
 * token is an HMAC of it under its family's key, so a replay within the grace window can be
 * answered with the same successor without ever storing a token in plaintext.
 */

/** Random bytes in a refresh token (256 bits). */
export const REFRESH_TOKEN_BYTES = 32;

/** Random bytes in a family's successor key. */
export const SUCCESSOR_KEY_BYTES = 32;

const REFRESH_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** True when the value could be a refresh token this service issued (43 base64url characters). */
export function isRefreshTokenShaped(value: unknown): value is string {
  return typeof value === "string" && REFRESH_TOKEN_SHAPE.test(value);
}
