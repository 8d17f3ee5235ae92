import { isRefreshTokenShaped } from "../domain/refresh-token.js";
import { type AuthError, authError, err, ok, type Result } from "../errors.js";
import type { RefreshTokenRecord } from "../ports/user-store.js";
import type { AuthContext } from "./context.js";
import { signAccessToken, type TokenPair, tokenPair } from "./issue-tokens.js";

/** Refresh input as received. */
export interface RefreshInput {
  readonly refreshToken: unknown;
}

export type RefreshDeps = Pick<
  AuthContext,
  "users" | "tokens" | "digest" | "clock" | "random" | "settings"
>;

const INVALID_GRANT = "refresh token is invalid, expired or revoked";

/**
 * Exchanges a refresh token for a new access token and its successor (SPEC §3.3):
 * - rotation: the presented token is used up; its successor keeps the family's absolute expiry;
 * - replay grace: the same token again within `refreshReuseGrace` seconds of its rotation, while
 *   its successor is still the live token, answers with that same successor;
 * - reuse detection: any other use of a rotated token revokes the whole family.
 */
export async function refresh(
  deps: RefreshDeps,
  input: RefreshInput,
): Promise<Result<TokenPair, AuthError<"invalid_grant">>> {
  const token = input.refreshToken;
  if (!isRefreshTokenShaped(token)) return err(authError("invalid_grant", INVALID_GRANT));
  const now = deps.clock.now();
  const tokenHash = await deps.digest.sha256(token);
  let record = await deps.users.findRefreshToken(tokenHash);
  if (!record || record.revokedAt !== null || record.expiresAt <= now) {
    return err(authError("invalid_grant", INVALID_GRANT));
  }

  const successor = await deps.digest.hmacSha256(record.successorKey, token);
  const successorHash = await deps.digest.sha256(successor);
  if (record.usedAt === null) {
    if (
      await deps.users.rotateRefreshToken({
        parentHash: tokenHash,
        childHash: successorHash,
        at: now,
      })
    ) {
      return issue(deps, record, successor, now);
    }
    // A concurrent refresh rotated it first: judge this one as a replay of a rotated token.
    record = await deps.users.findRefreshToken(tokenHash);
    if (!record || record.revokedAt !== null) return err(authError("invalid_grant", INVALID_GRANT));
  }

  if (await isGraceReplay(deps, record, successorHash, now)) {
    return issue(deps, record, successor, now);
  }
  await deps.users.revokeRefreshFamily(record.familyId, now);
  return err(authError("invalid_grant", INVALID_GRANT));
}

/** A replay of the immediate parent of the live token, within the grace window. */
async function isGraceReplay(
  deps: Pick<RefreshDeps, "users" | "settings">,
  record: RefreshTokenRecord,
  successorHash: string,
  now: number,
): Promise<boolean> {
  const grace = deps.settings.refreshReuseGrace * 1000;
  if (grace === 0 || record.usedAt === null || now - record.usedAt > grace) return false;
  const child = await deps.users.findRefreshToken(successorHash);
  return child !== null && child.usedAt === null && child.revokedAt === null;
}

async function issue(
  deps: RefreshDeps,
  record: RefreshTokenRecord,
  successor: string,
  now: number,
): Promise<Result<TokenPair, AuthError<"invalid_grant">>> {
  const user = await deps.users.findUserById(record.userId);
  if (!user) return err(authError("invalid_grant", INVALID_GRANT));
  const accessToken = await signAccessToken(deps, user, record.familyId, now);
  return ok(tokenPair(deps, accessToken, successor, record.expiresAt, now));
}
