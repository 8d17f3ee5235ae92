import { describe, expect, it, vi } from "vitest";
import type { User } from "../domain/user.js";
import { aliceSignedUp, PASSWORD } from "./alice.test-support.js";

async function signedIn() {
  const { deps, auth, signIn, stored } = await aliceSignedUp();
  const session = await signIn();
  return { deps, auth, token: session.accessToken, user: stored() };
}

/** Re-signs the claims of `token` with other claims or another key. */
async function resign(
  deps: Awaited<ReturnType<typeof signedIn>>["deps"],
  user: User,
  changes: Record<string, unknown> = {},
  key: { secret: string; algorithm: "HS256" | "HS384" | "HS512" } = user.credential,
): Promise<string> {
  const nowS = Math.floor(deps.clock.now() / 1000);
  return deps.tokens.sign(
    {
      iss: user.credential.key,
      sub: user.id,
      username: user.username,
      iat: nowS,
      exp: nowS + 900,
      jti: "a-token-id",
      sid: "a-session",
      ...changes,
    },
    key,
  );
}

const INVALID_TOKEN = { ok: false, error: { code: "invalid_token" } };

describe("verifyAccess", () => {
  it("answers invalid_token for a sub that is no user id without asking the store", async () => {
    const { deps, auth, user } = await signedIn();
    const find = vi.spyOn(deps.users, "findUserById");
    // A NUL is what PostgreSQL refuses in a text parameter: the lookup would throw, not miss.
    const forged = await resign(deps, user, { sub: "a\u0000b" });
    await expect(auth.verifyAccess({ token: forged })).resolves.toMatchObject(INVALID_TOKEN);
    expect(find).not.toHaveBeenCalled();
  });

  it("returns the verified identity behind a valid token", async () => {
    const { deps, auth, token, user } = await signedIn();
    const nowS = deps.clock.now() / 1000;
    await expect(auth.verifyAccess({ token })).resolves.toEqual({
      ok: true,
      value: {
        username: "alice",
        userId: user.id,
        consumerId: user.consumerId,
        credentialKey: user.credential.key,
        sessionId: deps.users.listRefreshTokens()[0]?.familyId,
        issuedAt: nowS,
        expiresAt: nowS + 900,
      },
    });
  });

  it("accepts a token until its exp, and answers invalid_token from exp on", async () => {
    const { deps, auth, token } = await signedIn();
    deps.clock.advance(899_999);
    await expect(auth.verifyAccess({ token })).resolves.toMatchObject({ ok: true });
    deps.clock.advance(1);
    await expect(auth.verifyAccess({ token })).resolves.toMatchObject(INVALID_TOKEN);
  });

  it("answers invalid_token for a token signed with another secret", async () => {
    const { deps, auth, user } = await signedIn();
    const forged = await resign(
      deps,
      user,
      {},
      {
        secret: "not-the-secret-not-the-secret-not-the-secre",
        algorithm: "HS256",
      },
    );
    await expect(auth.verifyAccess({ token: forged })).resolves.toMatchObject(INVALID_TOKEN);
  });

  it("answers invalid_token for a token signed with the secret but another algorithm", async () => {
    const { deps, auth, user } = await signedIn();
    const other = await resign(
      deps,
      user,
      {},
      { secret: user.credential.secret, algorithm: "HS512" },
    );
    await expect(auth.verifyAccess({ token: other })).resolves.toMatchObject(INVALID_TOKEN);
  });

  it("answers invalid_token when iss is not the user's current credential key", async () => {
    const { deps, auth, token, user } = await signedIn();
    const otherIss = await resign(deps, user, { iss: "some-other-key" });
    await expect(auth.verifyAccess({ token: otherIss })).resolves.toMatchObject(INVALID_TOKEN);
    // After the credential is rotated (here: healed at signin), the old key is not current.
    await deps.identity.deleteCredential(user.consumerId, user.credential.key);
    await auth.signIn({ username: "alice", password: PASSWORD });
    await expect(auth.verifyAccess({ token })).resolves.toMatchObject(INVALID_TOKEN);
  });

  it("answers invalid_token for a token of an unknown user", async () => {
    const { deps, auth, user } = await signedIn();
    const ghost = await resign(deps, user, { sub: "00000000-0000-4000-8000-00000000dead" });
    await expect(auth.verifyAccess({ token: ghost })).resolves.toMatchObject(INVALID_TOKEN);
  });

  it.each([
    ["missing", null],
    ["empty", ""],
    ["garbage", "garbage"],
    ["three garbage segments", "a.b.c"],
  ])("answers invalid_token for a %s token", async (_label, token) => {
    const { auth } = await signedIn();
    await expect(auth.verifyAccess({ token })).resolves.toMatchObject(INVALID_TOKEN);
  });

  describe("Kong's forwarded headers", () => {
    it("accepts headers that agree with the token", async () => {
      const { auth, token, user } = await signedIn();
      await expect(
        auth.verifyAccess({
          token,
          forwarded: {
            consumerId: user.consumerId,
            consumerUsername: "alice",
            credentialIdentifier: user.credential.key,
          },
        }),
      ).resolves.toMatchObject({ ok: true });
    });

    it.each([
      ["X-Consumer-ID", { consumerId: "00000000-0000-4000-8000-000000000bad" }],
      ["X-Consumer-Username", { consumerUsername: "bob" }],
      ["X-Credential-Identifier", { credentialIdentifier: "another-key" }],
      ["X-Anonymous-Consumer", { anonymousConsumer: "true" }],
    ])("answers invalid_token when %s disagrees with the token", async (_header, forwarded) => {
      const { auth, token } = await signedIn();
      await expect(auth.verifyAccess({ token, forwarded })).resolves.toMatchObject(INVALID_TOKEN);
    });

    it("answers invalid_token to forged headers that come without a token", async () => {
      const { auth, user } = await signedIn();
      await expect(
        auth.verifyAccess({
          token: null,
          forwarded: {
            consumerId: user.consumerId,
            consumerUsername: "alice",
            credentialIdentifier: user.credential.key,
          },
        }),
      ).resolves.toMatchObject(INVALID_TOKEN);
    });
  });
});
