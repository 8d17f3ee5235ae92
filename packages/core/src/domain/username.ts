import { type AuthError, authError, err, ok, type Result } from "../errors.js";
import { isUuidShaped } from "./encoding.js";

/** Shortest and longest username, in characters. */
export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 64;

const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]*$/;

/**
 * Normalises a username (NFKC, then lower case) and checks SPEC §5.1: 3–64 characters of
 * `[a-z0-9._@-]`, starting with a letter or digit, and never UUID-shaped — Kong resolves a
 * UUID-looking path segment as a consumer id, so such a username could never be looked up.
 */
export function normalizeUsername(raw: unknown): Result<string, AuthError<"invalid_request">> {
  if (typeof raw !== "string") {
    return err(authError("invalid_request", "username must be a string"));
  }
  const username = raw.normalize("NFKC").toLowerCase();
  const length = [...username].length;
  if (length < USERNAME_MIN_LENGTH || length > USERNAME_MAX_LENGTH) {
    return err(
      authError(
        "invalid_request",
        `username must be ${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} characters long`,
      ),
    );
  }
  if (!USERNAME_PATTERN.test(username)) {
    return err(
      authError(
        "invalid_request",
        "username may contain only a-z, 0-9, '.', '_', '@' and '-', and must start with a letter or digit",
      ),
    );
  }
  if (isUuidShaped(username)) {
    return err(authError("invalid_request", "username must not look like a UUID"));
  }
  return ok(username);
}
