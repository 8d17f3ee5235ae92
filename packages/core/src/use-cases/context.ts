import type { PasswordPolicy } from "../domain/password-policy.js";
import type { HmacAlgorithm } from "../domain/user.js";
import type { Clock } from "../ports/clock.js";
import type { Digest } from "../ports/digest.js";
import type { IdentityGateway } from "../ports/identity-gateway.js";
import type { PasswordHasher } from "../ports/password-hasher.js";
import type { Random } from "../ports/random.js";
import type { TokenSigner } from "../ports/token-signer.js";
import type { UserStore } from "../ports/user-store.js";

/** The adapters an embedding service supplies: one per port. */
export interface AuthDeps {
  readonly users: UserStore;
  readonly identity: IdentityGateway;
  readonly tokens: TokenSigner;
  readonly hasher: PasswordHasher;
  readonly digest: Digest;
  readonly clock: Clock;
  readonly random: Random;
}

/** Validated settings (see `createAuth` for defaults). Durations are whole seconds. */
export interface AuthSettings {
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  /** How long a rotated refresh token may be replayed for the same successor; 0 disables replay. */
  readonly refreshReuseGrace: number;
  /** Algorithm of the Kong credentials the service creates and of the tokens it signs. */
  readonly algorithm: HmacAlgorithm;
  readonly passwordPolicy: PasswordPolicy;
}

/** Everything a use case may draw on; each narrows it with `Pick`. */
export interface AuthContext extends AuthDeps {
  readonly settings: AuthSettings;
}
