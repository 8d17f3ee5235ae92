import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  type PasswordPolicy,
} from "./domain/password-policy.js";
import type { HmacAlgorithm } from "./domain/user.js";
import { checkReadiness, type Readiness } from "./use-cases/check-readiness.js";
import type { AuthContext, AuthDeps, AuthSettings } from "./use-cases/context.js";
import { type RefreshInput, refresh } from "./use-cases/refresh.js";
import { type SignInInput, signIn } from "./use-cases/sign-in.js";
import { type SignOutInput, signOut } from "./use-cases/sign-out.js";
import { signOutAll } from "./use-cases/sign-out-all.js";
import { type SignUpInput, signUp } from "./use-cases/sign-up.js";
import { type VerifyAccessInput, verifyAccess } from "./use-cases/verify-access.js";

/** Options of {@link createAuth}. Durations are whole seconds. */
export interface AuthOptions {
  /** Access-token lifetime; default 900. Keep it ≤ the jwt plugin's `maximum_expiration`. */
  readonly accessTokenTtl?: number;
  /** Absolute lifetime of a refresh family from its signin; default 604800 (7 days). */
  readonly refreshTokenTtl?: number;
  /** Replay window of a rotated refresh token; default 10, 0 disables replay. */
  readonly refreshReuseGrace?: number;
  /** Algorithm of new Kong credentials and of access tokens; default HS256. */
  readonly algorithm?: HmacAlgorithm;
  readonly passwordPolicy: {
    /** Common passwords to refuse, compared case-insensitively (at least the 10,000 most common). */
    readonly commonPasswords: Iterable<string>;
    /** Default 8. */
    readonly minLength?: number;
    /** Default 256. */
    readonly maxLength?: number;
  };
}

/** The use cases, bound to their adapters and settings. */
export interface Auth {
  readonly settings: AuthSettings;
  signUp(input: SignUpInput): ReturnType<typeof signUp>;
  signIn(input: SignInInput): ReturnType<typeof signIn>;
  refresh(input: RefreshInput): ReturnType<typeof refresh>;
  signOut(input: SignOutInput): ReturnType<typeof signOut>;
  signOutAll(input: VerifyAccessInput): ReturnType<typeof signOutAll>;
  verifyAccess(input: VerifyAccessInput): ReturnType<typeof verifyAccess>;
  checkReadiness(): Promise<Readiness>;
}

const ALGORITHMS: readonly HmacAlgorithm[] = ["HS256", "HS384", "HS512"];

function seconds(name: string, value: number | undefined, fallback: number, min: number): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < min) {
    throw new TypeError(`"${name}" option must be a whole number of seconds ≥ ${min}`);
  }
  return resolved;
}

/** Validates options and fills in defaults. Throws a `TypeError` naming the first bad option. */
export function resolveSettings(options: AuthOptions): AuthSettings {
  const algorithm = options.algorithm ?? "HS256";
  if (!ALGORITHMS.includes(algorithm)) {
    throw new TypeError(`"algorithm" option must be one of ${ALGORITHMS.join(", ")}`);
  }
  const policy = options.passwordPolicy;
  const minLength = policy.minLength ?? PASSWORD_MIN_LENGTH;
  const maxLength = policy.maxLength ?? PASSWORD_MAX_LENGTH;
  if (!Number.isSafeInteger(minLength) || minLength < 1) {
    throw new TypeError('"passwordPolicy.minLength" option must be a positive whole number');
  }
  if (!Number.isSafeInteger(maxLength) || maxLength < minLength) {
    throw new TypeError('"passwordPolicy.maxLength" option must be a whole number ≥ minLength');
  }
  const commonPasswords: PasswordPolicy["commonPasswords"] = new Set(
    Array.from(policy.commonPasswords, (password) => password.normalize("NFKC").toLowerCase()),
  );
  return Object.freeze({
    accessTokenTtl: seconds("accessTokenTtl", options.accessTokenTtl, 900, 1),
    refreshTokenTtl: seconds("refreshTokenTtl", options.refreshTokenTtl, 604_800, 1),
    refreshReuseGrace: seconds("refreshReuseGrace", options.refreshReuseGrace, 10, 0),
    algorithm,
    passwordPolicy: Object.freeze({ minLength, maxLength, commonPasswords }),
  });
}

/**
 * The entry point for an embedding service: binds every use case to the given adapters.
 *
 * @example
 * ```ts
 * const auth = createAuth(
 *   { users, identity, tokens, hasher, digest, clock, random },
 *   { passwordPolicy: { commonPasswords } },
 * );
 * const result = await auth.signIn({ username: "alice", password: "correct horse battery" });
 * if (!result.ok) console.log(result.error.code); // "invalid_credentials", …
 * ```
 */
export function createAuth(deps: AuthDeps, options: AuthOptions): Auth {
  const settings = resolveSettings(options);
  const context: AuthContext = { ...deps, settings };
  return Object.freeze({
    settings,
    signUp: (input: SignUpInput) => signUp(context, input),
    signIn: (input: SignInInput) => signIn(context, input),
    refresh: (input: RefreshInput) => refresh(context, input),
    signOut: (input: SignOutInput) => signOut(context, input),
    signOutAll: (input: VerifyAccessInput) => signOutAll(context, input),
    verifyAccess: (input: VerifyAccessInput) => verifyAccess(context, input),
    checkReadiness: () => checkReadiness(context),
  });
}
