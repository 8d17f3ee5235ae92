/**
 * `@kong-jwt-auth/core`: the use cases of a username/password service behind Kong, over ports.
 * Pure: no I/O, no `node:*`, no dependencies. Adapters live in `@kong-jwt-auth/adapters`.
 *
 * @module
 */

export { type Auth, type AuthOptions, createAuth, resolveSettings } from "./auth.js";
export { isUuidShaped, toBase64Url, uuidV4FromBytes } from "./domain/encoding.js";
export {
  checkNewPassword,
  normalizePassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  type PasswordPolicy,
} from "./domain/password-policy.js";
export { isRefreshTokenShaped, REFRESH_TOKEN_BYTES } from "./domain/refresh-token.js";
export type { HmacAlgorithm, StoredCredential, User } from "./domain/user.js";
export { normalizeUsername, USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH } from "./domain/username.js";
export {
  type AuthError,
  type AuthErrorCode,
  authError,
  err,
  ok,
  type Result,
} from "./errors.js";
export type { Clock } from "./ports/clock.js";
export type { Digest } from "./ports/digest.js";
export type {
  Consumer,
  IdentityGateway,
  IdentityResult,
  IdentityUnavailableError,
  JwtCredential,
  NewJwtCredential,
} from "./ports/identity-gateway.js";
export type { InvalidHashError, PasswordHasher } from "./ports/password-hasher.js";
export type { Random } from "./ports/random.js";
export type {
  AccessTokenClaims,
  SigningKey,
  TokenError,
  TokenSigner,
} from "./ports/token-signer.js";
export type {
  RefreshFamily,
  RefreshTokenRecord,
  Rotation,
  UsernameTakenError,
  UserStore,
  UserUpdate,
} from "./ports/user-store.js";
export { checkReadiness, type Readiness } from "./use-cases/check-readiness.js";
export type { AuthContext, AuthDeps, AuthSettings } from "./use-cases/context.js";
export type { TokenPair } from "./use-cases/issue-tokens.js";
export { type RefreshDeps, type RefreshInput, refresh } from "./use-cases/refresh.js";
export { type SignInDeps, type SignInInput, signIn } from "./use-cases/sign-in.js";
export { type SignOutDeps, type SignOutInput, signOut } from "./use-cases/sign-out.js";
export { type SignOutAllDeps, signOutAll } from "./use-cases/sign-out-all.js";
export { type SignedUp, type SignUpDeps, type SignUpInput, signUp } from "./use-cases/sign-up.js";
export {
  type AccessInfo,
  type ForwardedIdentity,
  type VerifyAccessDeps,
  type VerifyAccessInput,
  verifyAccess,
} from "./use-cases/verify-access.js";
