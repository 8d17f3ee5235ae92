import { type AuthError, authError, err, ok, type Result } from "../errors.js";

/** The password rules of SPEC §5.2 (NIST SP 800-63B, OWASP ASVS 5): length and a blocklist, no composition rules. */
export interface PasswordPolicy {
  /** Fewest characters (code points, after NFKC). */
  readonly minLength: number;
  /** Most characters; bounds the work a signin can ask of the hasher. */
  readonly maxLength: number;
  /** Common passwords, lower-cased; a password found here (case-insensitively) is refused. */
  readonly commonPasswords: ReadonlySet<string>;
}

/** Default bounds; the blocklist has no default because the core imports no data. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

/** NFKC-normalises a password: the form that is checked, hashed and verified. */
export function normalizePassword(password: string): string {
  return password.normalize("NFKC");
}

// A lone surrogate is no character: encoded as UTF-8 for hashing it becomes U+FFFD, so every
// such password would hash like any other of the same length.
const LONE_SURROGATE = /\p{Surrogate}/u;

/** True when the text is well-formed Unicode: no lone surrogate (a proper pair is fine). */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Counts characters as NIST does: one per code point. */
export function passwordLength(password: string): number {
  return [...password].length;
}

/**
 * Checks a new password against the policy and returns its normalised form.
 * Every failure, length included, is `weak_password`, so a client can say what to change.
 */
export function checkNewPassword(
  policy: PasswordPolicy,
  password: string,
  username: string,
): Result<string, AuthError<"weak_password">> {
  const normalized = normalizePassword(password);
  if (!isWellFormedText(normalized)) {
    return err(authError("weak_password", "password must be valid Unicode text"));
  }
  const length = passwordLength(normalized);
  if (length < policy.minLength) {
    return err(
      authError("weak_password", `password must be at least ${policy.minLength} characters long`),
    );
  }
  if (length > policy.maxLength) {
    return err(
      authError("weak_password", `password must be at most ${policy.maxLength} characters long`),
    );
  }
  const folded = normalized.toLowerCase();
  if (folded === username) {
    return err(authError("weak_password", "password must not be the username"));
  }
  if (policy.commonPasswords.has(folded)) {
    return err(
      authError("weak_password", "password is too common; choose one that is harder to guess"),
    );
  }
  return ok(normalized);
}
