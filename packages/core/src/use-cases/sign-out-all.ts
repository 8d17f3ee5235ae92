import { type AuthError, authError, err, ok, type Result } from "../errors.js";
import type { AuthContext } from "./context.js";
import { replaceCredential, unavailable } from "./kong-identity.js";
import { type VerifyAccessInput, verifyAccess } from "./verify-access.js";

export type SignOutAllDeps = Pick<
  AuthContext,
  "users" | "identity" | "tokens" | "clock" | "random" | "settings"
>;

/**
 * Ends every session of the caller: revokes all refresh families, then rotates the Kong JWT
 * credential — the old one is deleted first, so Kong rejects every outstanding access token at
 * once, with no introspection per request. If creating the new credential fails, the next signin
 * creates one.
 */
export async function signOutAll(
  deps: SignOutAllDeps,
  input: VerifyAccessInput,
): Promise<Result<void, AuthError<"invalid_token" | "identity_unavailable">>> {
  const access = await verifyAccess(deps, input);
  if (!access.ok) return access;
  const user = await deps.users.findUserById(access.value.userId);
  if (!user) return err(authError("invalid_token", "the account no longer exists"));
  const now = deps.clock.now();
  await deps.users.revokeUserRefreshFamilies(user.id, now);

  const deleted = await deps.identity.deleteCredential(user.consumerId, user.credential.key);
  if (!deleted.ok) return err(unavailable(deleted.error));
  const replaced = await replaceCredential(deps, user, user.consumerId, now);
  if (!replaced.ok) return replaced;
  return ok(undefined);
}
