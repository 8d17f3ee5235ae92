import type { User } from "../domain/user.js";
import { type AuthError, authError, err, ok, type Result } from "../errors.js";
import type {
  Consumer,
  IdentityUnavailableError,
  JwtCredential,
  NewJwtCredential,
} from "../ports/identity-gateway.js";
import type { AuthContext } from "./context.js";
import { newId, randomToken } from "./ids.js";

/** Random bytes in a credential key: 128 bits, base64url, never UUID-shaped (22 characters). */
const CREDENTIAL_KEY_BYTES = 16;
/** Random bytes in a credential secret: 256 bits, as RFC 7518 §3.2 asks of an HS256 key. */
const CREDENTIAL_SECRET_BYTES = 32;

type IdentityDeps = Pick<AuthContext, "identity" | "random" | "settings">;

/** Lifts a gateway failure into the use cases' error union. */
export function unavailable(error: IdentityUnavailableError): AuthError<"identity_unavailable"> {
  return authError("identity_unavailable", error.message, error.cause);
}

/** A new credential: a random key (no personal data) and a 256-bit secret. */
export function newCredential(deps: Pick<AuthContext, "random" | "settings">): NewJwtCredential {
  return {
    key: randomToken(deps.random, CREDENTIAL_KEY_BYTES),
    secret: randomToken(deps.random, CREDENTIAL_SECRET_BYTES),
    algorithm: deps.settings.algorithm,
  };
}

/**
 * Finds the consumer by username, or creates it (adopting one that appears meanwhile). A new
 * consumer gets an id chosen here, so a create that failed after Kong applied it (its answer
 * lost) is undone by that id: nothing half-created remains.
 */
export async function ensureConsumer(
  deps: Pick<AuthContext, "identity" | "random">,
  username: string,
): Promise<Result<{ consumer: Consumer; created: boolean }, AuthError<"identity_unavailable">>> {
  const found = await deps.identity.findConsumerByUsername(username);
  if (!found.ok) return err(unavailable(found.error));
  if (found.value) return ok({ consumer: found.value, created: false });
  const id = newId(deps.random);
  const created = await deps.identity.createConsumer({ id, username });
  if (!created.ok) {
    await deps.identity.deleteConsumer(id);
    return err(unavailable(created.error));
  }
  return ok(created.value);
}

/**
 * Gives the user a fresh Kong credential and stores it. With a known consumer id the credential
 * is created there; when that consumer is gone (or no id is known) the consumer is found by
 * username or created first. Answers the user as now stored.
 */
export async function replaceCredential(
  deps: IdentityDeps & Pick<AuthContext, "users">,
  user: User,
  knownConsumerId: string | null,
  now: number,
): Promise<Result<User, AuthError<"identity_unavailable">>> {
  let consumer: Consumer | null = knownConsumerId
    ? { id: knownConsumerId, username: user.username }
    : null;
  // Two rounds at most: the known consumer may have been deleted behind the service's back.
  for (let round = 0; round < 2; round += 1) {
    if (!consumer) {
      const ensured = await ensureConsumer(deps, user.username);
      if (!ensured.ok) return ensured;
      consumer = ensured.value.consumer;
    }
    const created = await deps.identity.createCredential(consumer.id, newCredential(deps));
    if (!created.ok) return err(unavailable(created.error));
    if (created.value) {
      const replaced: User = {
        ...user,
        consumerId: consumer.id,
        credential: toStoredCredential(created.value, deps.settings.algorithm),
        updatedAt: now,
      };
      await deps.users.updateUser(user.id, {
        consumerId: replaced.consumerId,
        credential: replaced.credential,
        updatedAt: now,
      });
      return ok(replaced);
    }
    consumer = null;
  }
  return err(
    authError(
      "identity_unavailable",
      `Kong consumer of '${user.username}' vanished while provisioning`,
    ),
  );
}

type LiveCredential = Promise<Result<User, AuthError<"identity_unavailable">>>;

// The checks in flight, per store and user id. Concurrent signins of one user (two tabs, a
// retry) must share one check: each repairing on its own would create a credential per signin,
// store only the last, and hand out tokens that Kong accepts but the service no longer verifies.
const checksInFlight = new WeakMap<object, Map<string, LiveCredential>>();

/**
 * Makes sure the user's stored credential is live in Kong with the stored secret. When it is
 * missing or has drifted, a new one is created (and the consumer too, if need be) and saved, so
 * the token signed next is always accepted at the gateway. Concurrent calls for one user share
 * one check and one repair.
 */
export function ensureLiveCredential(
  deps: IdentityDeps & Pick<AuthContext, "users">,
  user: User,
  now: number,
): LiveCredential {
  let checks = checksInFlight.get(deps.users);
  if (!checks) {
    checks = new Map();
    checksInFlight.set(deps.users, checks);
  }
  const pending = checks.get(user.id);
  if (pending) return pending;
  const inFlight = checks;
  const check = checkLiveCredential(deps, user, now).finally(() => inFlight.delete(user.id));
  inFlight.set(user.id, check);
  return check;
}

async function checkLiveCredential(
  deps: IdentityDeps & Pick<AuthContext, "users">,
  snapshot: User,
  now: number,
): LiveCredential {
  // The caller's copy may predate a repair that finished a moment ago: repairing from it again
  // would replace the credential that repair just stored.
  const user = (await deps.users.findUserById(snapshot.id)) ?? snapshot;
  const listed = await deps.identity.listCredentials(user.consumerId);
  if (!listed.ok) return err(unavailable(listed.error));
  const stored = user.credential;
  const live = listed.value?.find((credential) => credential.key === stored.key);
  if (live && live.secret === stored.secret && live.algorithm === stored.algorithm) {
    return ok(user);
  }
  if (live) {
    // Same key, other secret or algorithm: someone edited it in Kong. It can never verify our
    // tokens again, so replace it; a failed delete only leaves a credential nobody signs for.
    await deps.identity.deleteCredential(user.consumerId, live.key);
  }
  return replaceCredential(deps, user, listed.value === null ? null : user.consumerId, now);
}

/** The stored form of a credential this service created. */
export function toStoredCredential(
  credential: JwtCredential,
  algorithm: AuthContext["settings"]["algorithm"],
): User["credential"] {
  return { id: credential.id, key: credential.key, secret: credential.secret, algorithm };
}
