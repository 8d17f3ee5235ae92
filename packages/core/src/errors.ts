/**
 * Expected failures are values: every use case returns a {@link Result}, and an
 * {@link AuthError} carries a stable snake_case `code` that the HTTP shell maps to a status.
 * Bugs and broken invariants are thrown as `Error` with a `cause`.
 *
 * @module
 */

/** Every expected failure a use case can report. Adding one must be mapped by the server to compile. */
export type AuthErrorCode =
  | "invalid_request"
  | "weak_password"
  | "username_taken"
  | "invalid_credentials"
  | "invalid_grant"
  | "invalid_token"
  | "identity_unavailable";

/** An expected failure: a stable code, a human-readable message, and optionally what caused it. */
export interface AuthError<C extends AuthErrorCode = AuthErrorCode> {
  readonly code: C;
  readonly message: string;
  readonly cause?: unknown;
}

/** Success or an expected failure. */
export type Result<T, E = AuthError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

/** Wraps a success. */
export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

/** Wraps an expected failure. */
export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}

/** Builds an {@link AuthError}. */
export function authError<C extends AuthErrorCode>(
  code: C,
  message: string,
  cause?: unknown,
): AuthError<C> {
  return cause === undefined ? { code, message } : { code, message, cause };
}
