import { isRefreshTokenShaped } from "../domain/refresh-token.js";
import { ok, type Result } from "../errors.js";
import type { AuthContext } from "./context.js";

/** Signout input as received. */
export interface SignOutInput {
  readonly refreshToken: unknown;
}

export type SignOutDeps = Pick<AuthContext, "users" | "digest" | "clock">;

/**
 * Revokes the family of a refresh token: that session ends on every device that shares it.
 * Idempotent, and an unknown token succeeds too, so the answer reveals nothing.
 */
export async function signOut(
  deps: SignOutDeps,
  input: SignOutInput,
): Promise<Result<void, never>> {
  if (!isRefreshTokenShaped(input.refreshToken)) return ok(undefined);
  const record = await deps.users.findRefreshToken(await deps.digest.sha256(input.refreshToken));
  if (record && record.revokedAt === null) {
    await deps.users.revokeRefreshFamily(record.familyId, deps.clock.now());
  }
  return ok(undefined);
}
