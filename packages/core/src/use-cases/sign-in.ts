import { isWellFormedText, normalizePassword, passwordLength } from "../domain/password-policy.js";
import { normalizeUsername } from "../domain/username.js";
import { type AuthError, authError, err, ok, type Result } from "../errors.js";
import type { AuthContext } from "./context.js";
import { dummyHash } from "./dummy-hash.js";
import { startSession, type TokenPair } from "./issue-tokens.js";
import { ensureLiveCredential } from "./kong-identity.js";

/** Signin input as received; the use case validates it. */
export interface SignInInput {
  readonly username: unknown;
  readonly password: unknown;
}

export type SignInDeps = Pick<
  AuthContext,
  "users" | "identity" | "hasher" | "tokens" | "digest" | "clock" | "random" | "settings"
>;

const INVALID_CREDENTIALS = "invalid username or password";

/**
 * Checks a username and password and starts a session. An unknown user and a wrong password get
 * the same error after the same work (a dummy hash is verified). The user's Kong credential is
 * checked every time and recreated when it is gone, so the access token is always valid at Kong.
 */
export async function signIn(
  deps: SignInDeps,
  input: SignInInput,
): Promise<
  Result<TokenPair, AuthError<"invalid_request" | "invalid_credentials" | "identity_unavailable">>
> {
  if (typeof input.username !== "string" || typeof input.password !== "string") {
    return err(authError("invalid_request", "username and password must be strings"));
  }
  const password = normalizePassword(input.password);
  if (
    passwordLength(password) > deps.settings.passwordPolicy.maxLength ||
    !isWellFormedText(password)
  ) {
    // No account can have such a password; refuse before any hashing work.
    return err(authError("invalid_credentials", INVALID_CREDENTIALS));
  }
  const username = normalizeUsername(input.username);
  const user = username.ok ? await deps.users.findUserByUsername(username.value) : null;
  if (!user) {
    await deps.hasher.verify(await dummyHash(deps.hasher, deps.random), password);
    return err(authError("invalid_credentials", INVALID_CREDENTIALS));
  }
  const verified = await deps.hasher.verify(user.passwordHash, password);
  if (!verified.ok || !verified.value) {
    return err(authError("invalid_credentials", INVALID_CREDENTIALS));
  }

  const now = deps.clock.now();
  const live = await ensureLiveCredential(deps, user, now);
  if (!live.ok) return live;

  if (deps.hasher.needsRehash(user.passwordHash)) {
    await deps.users.updateUser(user.id, {
      passwordHash: await deps.hasher.hash(password),
      updatedAt: now,
    });
  }
  return ok(await startSession(deps, live.value, now));
}
