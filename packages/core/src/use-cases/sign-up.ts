import { checkNewPassword } from "../domain/password-policy.js";
import type { User } from "../domain/user.js";
import { normalizeUsername } from "../domain/username.js";
import { type AuthError, authError, err, ok, type Result } from "../errors.js";
import type { AuthContext } from "./context.js";
import { newId } from "./ids.js";
import { ensureConsumer, newCredential, toStoredCredential, unavailable } from "./kong-identity.js";

/** Signup input as received; the use case validates it. */
export interface SignUpInput {
  readonly username: unknown;
  readonly password: unknown;
}

/** The public view of a new account. */
export interface SignedUp {
  readonly id: string;
  readonly username: string;
}

export type SignUpDeps = Pick<
  AuthContext,
  "users" | "identity" | "hasher" | "clock" | "random" | "settings"
>;

/**
 * Creates an account: consumer → credential → user row, a small saga (SPEC §6). When a later
 * step fails, what this call did in Kong is undone — the credential it created is deleted, and
 * the consumer too if this call created it — so nothing half-created remains and a retry works.
 */
export async function signUp(
  deps: SignUpDeps,
  input: SignUpInput,
): Promise<
  Result<
    SignedUp,
    AuthError<"invalid_request" | "weak_password" | "username_taken" | "identity_unavailable">
  >
> {
  const username = normalizeUsername(input.username);
  if (!username.ok) return username;
  if (typeof input.password !== "string") {
    return err(authError("invalid_request", "password must be a string"));
  }
  const password = checkNewPassword(deps.settings.passwordPolicy, input.password, username.value);
  if (!password.ok) return password;

  if (await deps.users.findUserByUsername(username.value)) {
    return err(authError("username_taken", "that username is taken"));
  }
  const passwordHash = await deps.hasher.hash(password.value);

  // Step 1: the consumer. An existing one of that username (someone else's, or an earlier
  // failed attempt's) is adopted; a failed create is undone by the id it chose.
  const ensured = await ensureConsumer(deps, username.value);
  if (!ensured.ok) return ensured;
  const { consumer } = ensured.value;
  let consumerCreated = ensured.value.created;

  // Step 2: the credential, with a key chosen here, so a create whose answer was lost can
  // still be undone by that key.
  const wanted = newCredential(deps);
  const undoCredential = async (): Promise<void> => {
    await deps.identity.deleteCredential(consumer.id, wanted.key);
    if (consumerCreated) await deps.identity.deleteConsumer(consumer.id);
  };
  const credential = await deps.identity.createCredential(consumer.id, wanted);
  if (!credential.ok || !credential.value) {
    await undoCredential();
    return err(
      credential.ok
        ? authError("identity_unavailable", "the Kong consumer was deleted during signup; retry")
        : unavailable(credential.error),
    );
  }

  // Step 3: the user row.
  const now = deps.clock.now();
  const user: User = {
    id: newId(deps.random),
    username: username.value,
    passwordHash,
    consumerId: consumer.id,
    credential: toStoredCredential(credential.value, deps.settings.algorithm),
    createdAt: now,
    updatedAt: now,
  };
  let inserted: Awaited<ReturnType<typeof deps.users.insertUser>>;
  try {
    inserted = await deps.users.insertUser(user);
  } catch (cause) {
    await undoCredential();
    throw new Error("could not save the new user; its Kong identity was rolled back", { cause });
  }
  if (!inserted.ok) {
    // A concurrent signup of the same username won the insert and now uses this consumer:
    // take back only our credential.
    consumerCreated = false;
    await undoCredential();
    return err(authError("username_taken", "that username is taken"));
  }
  return ok({ id: user.id, username: user.username });
}
