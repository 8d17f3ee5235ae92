import { isUuidShaped } from "../domain/encoding.js";
import { type AuthError, authError, err, ok, type Result } from "../errors.js";
import type { AuthContext } from "./context.js";

/**
 * What Kong's jwt plugin forwards upstream after it authenticated a request. Absent headers are
 * undefined; present ones must agree with the verified token.
 */
export interface ForwardedIdentity {
  readonly consumerId?: string | undefined;
  readonly consumerUsername?: string | undefined;
  readonly credentialIdentifier?: string | undefined;
  readonly anonymousConsumer?: string | undefined;
}

/** Input of {@link verifyAccess}: the bearer token (null when absent) and Kong's headers. */
export interface VerifyAccessInput {
  readonly token: string | null;
  readonly forwarded?: ForwardedIdentity;
}

/** The verified identity behind an access token (SPEC §3.4). Times are Unix seconds. */
export interface AccessInfo {
  readonly username: string;
  readonly userId: string;
  readonly consumerId: string;
  readonly credentialKey: string;
  readonly sessionId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export type VerifyAccessDeps = Pick<AuthContext, "users" | "tokens" | "clock">;

/**
 * Verifies an access token the way the gateway does, and more: the service never trusts
 * `X-Consumer-*` headers on their own. The token must be signed with the user's current
 * credential secret, unexpired, and its `iss` must be that credential's key; Kong's headers,
 * when present, must name the same consumer, username and credential, and not the anonymous one.
 */
export async function verifyAccess(
  deps: VerifyAccessDeps,
  input: VerifyAccessInput,
): Promise<Result<AccessInfo, AuthError<"invalid_token">>> {
  if (!input.token) return err(authError("invalid_token", "a bearer token is required"));
  const peeked = deps.tokens.peek(input.token);
  // User ids are UUIDs: anything else in an unverified `sub` is not looked up (PostgreSQL
  // refuses a NUL in a text parameter, which would turn a forged token into a 500).
  if (
    !peeked ||
    typeof peeked.sub !== "string" ||
    !isUuidShaped(peeked.sub) ||
    typeof peeked.iss !== "string"
  ) {
    return err(authError("invalid_token", "the access token is malformed"));
  }
  const user = await deps.users.findUserById(peeked.sub);
  if (!user || user.credential.key !== peeked.iss) {
    return err(
      authError("invalid_token", "the access token is not valid for any current credential"),
    );
  }
  const verified = await deps.tokens.verify(
    input.token,
    { secret: user.credential.secret, algorithm: user.credential.algorithm },
    deps.clock.now(),
  );
  if (!verified.ok) return err(authError("invalid_token", verified.error.message));
  const claims = verified.value;

  const forwarded = input.forwarded ?? {};
  const disagrees =
    forwarded.anonymousConsumer !== undefined ||
    (forwarded.consumerId !== undefined && forwarded.consumerId !== user.consumerId) ||
    (forwarded.consumerUsername !== undefined && forwarded.consumerUsername !== user.username) ||
    (forwarded.credentialIdentifier !== undefined &&
      forwarded.credentialIdentifier !== user.credential.key);
  if (disagrees) {
    return err(authError("invalid_token", "the gateway's identity headers do not match the token"));
  }
  return ok({
    username: user.username,
    userId: user.id,
    consumerId: user.consumerId,
    credentialKey: user.credential.key,
    sessionId: claims.sid,
    issuedAt: claims.iat,
    expiresAt: claims.exp,
  });
}
