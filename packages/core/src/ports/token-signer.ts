import type { HmacAlgorithm } from "../domain/user.js";
import type { Result } from "../errors.js";

/** The claims of an access token (SPEC §4). Times are Unix seconds. No `nbf`: Kong allows no skew. */
export interface AccessTokenClaims {
  /** The Kong credential key: Kong's jwt plugin finds the secret by it. */
  readonly iss: string;
  /** The user id. */
  readonly sub: string;
  readonly username: string;
  readonly iat: number;
  readonly exp: number;
  /** A random token id. */
  readonly jti: string;
  /** The refresh-token family (session) the token was issued in. */
  readonly sid: string;
}

/** What a token is signed and verified with: the user's Kong credential secret. */
export interface SigningKey {
  readonly secret: string;
  readonly algorithm: HmacAlgorithm;
}

/** Why a token was refused; `message` is for logs and clients, never a secret. */
export interface TokenError {
  readonly code: "invalid_token";
  readonly message: string;
}

/** Signs and verifies access tokens (compact JWS, header `typ: "JWT"`). */
export interface TokenSigner {
  sign(claims: AccessTokenClaims, key: SigningKey): Promise<string>;
  /**
   * Reads `iss` and `sub` without checking anything, only to choose the key to verify with.
   * Returns null when the token is not a decodable JWT.
   */
  peek(token: string): { readonly iss: unknown; readonly sub: unknown } | null;
  /**
   * Verifies the signature with `key` (the header's `alg` must equal `key.algorithm`), that
   * every claim of {@link AccessTokenClaims} is present and well typed, and that `exp` is after
   * `now` with no leeway, exactly as Kong checks it (`exp <= now` is expired).
   */
  verify(
    token: string,
    key: SigningKey,
    now: number,
  ): Promise<Result<AccessTokenClaims, TokenError>>;
}
