import type { HmacAlgorithm } from "../domain/user.js";
import type { Result } from "../errors.js";

/** A Kong consumer, as far as the use cases need it. */
export interface Consumer {
  readonly id: string;
  readonly username: string | null;
}

/** A Kong JWT credential (`jwt_secrets` entity). */
export interface JwtCredential {
  readonly id: string;
  readonly consumerId: string;
  readonly key: string;
  readonly secret: string;
  /** Kong allows asymmetric algorithms too; this service only ever creates HMAC ones. */
  readonly algorithm: string;
}

/** What the service asks Kong to create: it chooses the key, so a retried create is idempotent. */
export interface NewJwtCredential {
  readonly key: string;
  readonly secret: string;
  readonly algorithm: HmacAlgorithm;
}

/** Kong could not be reached, timed out, or failed (5xx or an answer the client cannot use). */
export interface IdentityUnavailableError {
  readonly code: "identity_unavailable";
  readonly message: string;
  readonly cause?: unknown;
}

/** The answer of every gateway call. */
export type IdentityResult<T> = Promise<Result<T, IdentityUnavailableError>>;

/**
 * Kong's Admin API, reduced to what the use cases call. Absence is `null`, never an error;
 * every network or server fault is an `identity_unavailable` value, never a throw.
 */
export interface IdentityGateway {
  /** The consumer whose username is exactly `username`, or null. */
  findConsumerByUsername(username: string): IdentityResult<Consumer | null>;
  /**
   * Creates a consumer with a chosen id. When the username already exists the existing consumer
   * is returned with `created: false`; a retry after a lost response that finds the chosen id
   * reports `created: true`.
   */
  createConsumer(input: {
    readonly id: string;
    readonly username: string;
  }): IdentityResult<{ readonly consumer: Consumer; readonly created: boolean }>;
  /** Deletes a consumer and, in Kong, its credentials. Deleting a missing consumer succeeds. */
  deleteConsumer(consumerId: string): IdentityResult<void>;
  /** Every JWT credential of the consumer (all pages), or null when the consumer does not exist. */
  listCredentials(consumerId: string): IdentityResult<readonly JwtCredential[] | null>;
  /**
   * Creates a JWT credential with the given key and secret, or null when the consumer does not
   * exist. A credential with the same key already on this consumer (a retry) is returned as is.
   */
  createCredential(
    consumerId: string,
    credential: NewJwtCredential,
  ): IdentityResult<JwtCredential | null>;
  /** Deletes the consumer's credential with this key. Deleting a missing one succeeds. */
  deleteCredential(consumerId: string, key: string): IdentityResult<void>;
  /** Succeeds when the Admin API answers. */
  ping(): IdentityResult<void>;
}
