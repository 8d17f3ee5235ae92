import { REFRESH_TOKEN_BYTES, SUCCESSOR_KEY_BYTES } from "../domain/refresh-token.js";
import type { User } from "../domain/user.js";
import type { AuthContext } from "./context.js";
import { newId, randomToken } from "./ids.js";

/** What signin and refresh answer (SPEC §3.2). Durations are seconds. */
export interface TokenPair {
  readonly accessToken: string;
  readonly tokenType: "Bearer";
  readonly expiresIn: number;
  readonly refreshToken: string;
  /** Seconds left until the family's absolute expiry: it shrinks with every refresh, never grows. */
  readonly refreshExpiresIn: number;
}

const JTI_BYTES = 16;

/** Signs an access token for the user's current credential, in refresh family `familyId`. */
export async function signAccessToken(
  deps: Pick<AuthContext, "tokens" | "random" | "settings">,
  user: User,
  familyId: string,
  now: number,
): Promise<string> {
  const iat = Math.floor(now / 1000);
  return deps.tokens.sign(
    {
      iss: user.credential.key,
      sub: user.id,
      username: user.username,
      iat,
      exp: iat + deps.settings.accessTokenTtl,
      jti: randomToken(deps.random, JTI_BYTES),
      sid: familyId,
    },
    { secret: user.credential.secret, algorithm: user.credential.algorithm },
  );
}

/** Assembles the answer for a refresh token that expires (absolutely) at `expiresAt`. */
export function tokenPair(
  deps: Pick<AuthContext, "settings">,
  accessToken: string,
  refreshToken: string,
  expiresAt: number,
  now: number,
): TokenPair {
  return {
    accessToken,
    tokenType: "Bearer",
    expiresIn: deps.settings.accessTokenTtl,
    refreshToken,
    refreshExpiresIn: Math.max(0, Math.ceil((expiresAt - now) / 1000)),
  };
}

/** Starts a refresh family for a fresh signin and answers with its first tokens. */
export async function startSession(
  deps: Pick<AuthContext, "users" | "tokens" | "digest" | "random" | "settings">,
  user: User,
  now: number,
): Promise<TokenPair> {
  const familyId = newId(deps.random);
  const expiresAt = now + deps.settings.refreshTokenTtl * 1000;
  const refreshToken = randomToken(deps.random, REFRESH_TOKEN_BYTES);
  await deps.users.createRefreshFamily(
    {
      id: familyId,
      userId: user.id,
      successorKey: randomToken(deps.random, SUCCESSOR_KEY_BYTES),
      expiresAt,
      createdAt: now,
    },
    await deps.digest.sha256(refreshToken),
  );
  const accessToken = await signAccessToken(deps, user, familyId, now);
  return tokenPair(deps, accessToken, refreshToken, expiresAt, now);
}
