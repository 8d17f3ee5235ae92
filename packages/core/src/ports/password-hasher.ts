import type { Result } from "../errors.js";

/** A stored hash that could not be read (corrupt, or of an unknown scheme). */
export interface InvalidHashError {
  readonly code: "invalid_hash";
  readonly message: string;
}

/** Slow, salted password hashing (argon2id in production). */
export interface PasswordHasher {
  /** Hashes a normalised password with fresh salt; the result never contains the password. */
  hash(password: string): Promise<string>;
  /** Checks a password against a stored hash; a malformed hash is an error value, never a throw. */
  verify(hash: string, password: string): Promise<Result<boolean, InvalidHashError>>;
  /** True when the hash was made with other parameters than the current ones. */
  needsRehash(hash: string): boolean;
}
