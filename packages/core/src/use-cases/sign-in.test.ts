import { describe, expect, it, vi } from "vitest";
import { createFakeAuthDeps, createFakePasswordHasher } from "../../../testkit/src/index.js";
import { createAuth } from "../auth.js";
import type { User } from "../domain/user.js";
import { aliceSignedUp, PASSWORD } from "./alice.test-support.js";

const ADOPTED_ID = "a0000000-0000-4000-8000-000000000001";

async function signedUp(options: { refreshTokenTtl?: number } = {}) {
  const { deps, auth, stored } = await aliceSignedUp({ ...options, commonPasswords: ["password"] });
  return { deps, auth, user: stored(), stored };
}

describe("signIn", () => {
  it("answers a Bearer access token and a refresh token with their lifetimes", async () => {
    const { deps, auth, user } = await signedUp();
    const result = await auth.signIn({ username: "alice", password: PASSWORD });
    if (!result.ok) throw new Error(result.error.code);
    expect(result.value).toEqual({
      accessToken: expect.any(String),
      tokenType: "Bearer",
      expiresIn: 900,
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      refreshExpiresIn: 604_800,
    });

    const nowS = deps.clock.now() / 1000;
    const [family] = deps.users.listRefreshTokens();
    const verified = await deps.tokens.verify(
      result.value.accessToken,
      user.credential,
      deps.clock.now(),
    );
    expect(verified).toEqual({
      ok: true,
      value: {
        iss: user.credential.key,
        sub: user.id,
        username: "alice",
        iat: nowS,
        exp: nowS + 900,
        jti: expect.any(String),
        sid: family?.familyId,
      },
    });
  });

  it("stores only the SHA-256 of the refresh token, in a new family that expires after the TTL", async () => {
    const { deps, auth, user } = await signedUp();
    const result = await auth.signIn({ username: "alice", password: PASSWORD });
    if (!result.ok) throw new Error(result.error.code);
    expect(deps.users.listRefreshTokens()).toEqual([
      expect.objectContaining({
        tokenHash: await deps.digest.sha256(result.value.refreshToken),
        parentHash: null,
        userId: user.id,
        expiresAt: deps.clock.now() + 604_800_000,
        usedAt: null,
        revokedAt: null,
      }),
    ]);
    expect(JSON.stringify(deps.users.listRefreshTokens())).not.toContain(result.value.refreshToken);
  });

  it("uses the configured refresh TTL", async () => {
    const { auth } = await signedUp({ refreshTokenTtl: 60 });
    await expect(auth.signIn({ username: "alice", password: PASSWORD })).resolves.toMatchObject({
      ok: true,
      value: { refreshExpiresIn: 60 },
    });
  });

  it("accepts the username in any case and the password in any NFKC-equivalent form", async () => {
    const deps = createFakeAuthDeps();
    const auth = createAuth(deps, { passwordPolicy: { commonPasswords: [] } });
    await auth.signUp({ username: "alice", password: "ﬁﬁﬁﬁ" });
    await expect(auth.signIn({ username: "ALICE", password: "fifififi" })).resolves.toMatchObject({
      ok: true,
    });
  });

  it("answers an unknown user and a wrong password with the same invalid_credentials error", async () => {
    const { auth } = await signedUp();
    const wrongPassword = await auth.signIn({ username: "alice", password: "wrong password" });
    const unknownUser = await auth.signIn({ username: "bob", password: PASSWORD });
    const invalidName = await auth.signIn({ username: "x", password: PASSWORD });
    expect(wrongPassword).toMatchObject({ ok: false, error: { code: "invalid_credentials" } });
    expect(unknownUser).toEqual(wrongPassword);
    expect(invalidName).toEqual(wrongPassword);
  });

  it("verifies the password against a dummy hash for an unknown user", async () => {
    const { deps, auth } = await signedUp();
    const verify = vi.spyOn(deps.hasher, "verify");
    await auth.signIn({ username: "bob", password: PASSWORD });
    await auth.signIn({ username: "x", password: PASSWORD });
    expect(verify).toHaveBeenCalledTimes(2);
    expect(verify).toHaveBeenCalledWith(expect.stringMatching(/^fake\$/), PASSWORD);
  });

  it("answers invalid_credentials when the stored hash is unreadable", async () => {
    const { deps, auth, user } = await signedUp();
    await deps.users.updateUser(user.id, { passwordHash: "garbage", updatedAt: 0 });
    await expect(auth.signIn({ username: "alice", password: PASSWORD })).resolves.toMatchObject({
      ok: false,
      error: { code: "invalid_credentials" },
    });
  });

  it("refuses an overlong password with invalid_credentials without any hashing", async () => {
    const { deps, auth } = await signedUp();
    const verify = vi.spyOn(deps.hasher, "verify");
    const hash = vi.spyOn(deps.hasher, "hash");
    await expect(
      auth.signIn({ username: "alice", password: "a".repeat(257) }),
    ).resolves.toMatchObject({ ok: false, error: { code: "invalid_credentials" } });
    expect(verify).not.toHaveBeenCalled();
    expect(hash).not.toHaveBeenCalled();
  });

  it("refuses a password with a lone surrogate, which another one would match once encoded", async () => {
    const { deps, auth } = await signedUp();
    const verify = vi.spyOn(deps.hasher, "verify");
    await expect(
      auth.signIn({ username: "alice", password: `${PASSWORD.slice(0, -1)}\ud800` }),
    ).resolves.toMatchObject({ ok: false, error: { code: "invalid_credentials" } });
    expect(verify).not.toHaveBeenCalled();
  });

  it("answers invalid_request when the username or password is not a string", async () => {
    const { auth } = await signedUp();
    await expect(auth.signIn({ username: "alice", password: null })).resolves.toMatchObject({
      ok: false,
      error: { code: "invalid_request" },
    });
    await expect(auth.signIn({ username: 7, password: PASSWORD })).resolves.toMatchObject({
      ok: false,
      error: { code: "invalid_request" },
    });
  });

  it("does not start a session or call Kong after a wrong password", async () => {
    const { deps, auth } = await signedUp();
    const list = vi.spyOn(deps.identity, "listCredentials");
    await auth.signIn({ username: "alice", password: "wrong password" });
    expect(list).not.toHaveBeenCalled();
    expect(deps.users.listRefreshTokens()).toEqual([]);
  });

  describe("self-healing of the Kong credential", () => {
    const expectTokenValidAtKong = async (
      deps: Awaited<ReturnType<typeof signedUp>>["deps"],
      user: User,
      accessToken: string,
    ): Promise<void> => {
      const claims = deps.tokens.peek(accessToken);
      const live = deps.identity.credentials().find((credential) => credential.key === claims?.iss);
      if (!live) throw new Error("the token's iss is no credential in Kong");
      expect(live.consumerId).toBe(user.consumerId);
      expect(live.key).toBe(user.credential.key);
      expect(live.secret).toBe(user.credential.secret);
      await expect(
        deps.tokens.verify(
          accessToken,
          { secret: live.secret, algorithm: "HS256" },
          deps.clock.now(),
        ),
      ).resolves.toMatchObject({ ok: true });
    };

    it("leaves a live credential alone", async () => {
      const { deps, auth, user, stored } = await signedUp();
      await auth.signIn({ username: "alice", password: PASSWORD });
      expect(stored()).toEqual(user);
      expect(deps.identity.credentials()).toHaveLength(1);
    });

    it("recreates and stores a credential deleted in Kong; the token's iss is the new key", async () => {
      const { deps, auth, user, stored } = await signedUp();
      await deps.identity.deleteCredential(user.consumerId, user.credential.key);
      const result = await auth.signIn({ username: "alice", password: PASSWORD });
      if (!result.ok) throw new Error(result.error.code);
      const healed = stored();
      expect(healed.credential.key).not.toBe(user.credential.key);
      expect(healed.consumerId).toBe(user.consumerId);
      expect(deps.tokens.peek(result.value.accessToken)?.iss).toBe(healed.credential.key);
      expect(deps.identity.credentials()).toHaveLength(1);
      await expectTokenValidAtKong(deps, healed, result.value.accessToken);
    });

    it("recreates one credential for concurrent signins after it was deleted, and every token verifies", async () => {
      const { deps, auth, user, stored } = await signedUp();
      await deps.identity.deleteCredential(user.consumerId, user.credential.key);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => auth.signIn({ username: "alice", password: PASSWORD })),
      );
      expect(deps.identity.credentials()).toHaveLength(1);
      for (const result of results) {
        if (!result.ok) throw new Error(result.error.code);
        await expectTokenValidAtKong(deps, stored(), result.value.accessToken);
        await expect(auth.verifyAccess({ token: result.value.accessToken })).resolves.toMatchObject(
          { ok: true },
        );
      }
    });

    it("keeps the credential an earlier signin just recreated when a slower one read the user before it", async () => {
      const { deps, auth, user, stored } = await signedUp();
      await deps.identity.deleteCredential(user.consumerId, user.credential.key);
      const verify = deps.hasher.verify.bind(deps.hasher);
      let release = (): void => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let calls = 0;
      vi.spyOn(deps.hasher, "verify").mockImplementation(async (hash, password) => {
        calls += 1;
        if (calls === 2) await gate;
        return verify(hash, password);
      });
      const first = auth.signIn({ username: "alice", password: PASSWORD });
      const slower = auth.signIn({ username: "alice", password: PASSWORD });
      const firstResult = await first;
      release();
      await slower;
      if (!firstResult.ok) throw new Error(firstResult.error.code);
      expect(deps.identity.credentials()).toHaveLength(1);
      await expect(
        auth.verifyAccess({ token: firstResult.value.accessToken }),
      ).resolves.toMatchObject({ ok: true });
      await expectTokenValidAtKong(deps, stored(), firstResult.value.accessToken);
    });

    it("recreates the consumer by username when it was deleted in Kong", async () => {
      const { deps, auth, user, stored } = await signedUp();
      await deps.identity.deleteConsumer(user.consumerId);
      const result = await auth.signIn({ username: "alice", password: PASSWORD });
      if (!result.ok) throw new Error(result.error.code);
      const healed = stored();
      expect(healed.consumerId).not.toBe(user.consumerId);
      expect(deps.identity.consumers()).toEqual([{ id: healed.consumerId, username: "alice" }]);
      await expectTokenValidAtKong(deps, healed, result.value.accessToken);
    });

    it("adopts a consumer someone else recreated under the username", async () => {
      const { deps, auth, user, stored } = await signedUp();
      await deps.identity.deleteConsumer(user.consumerId);
      await deps.identity.createConsumer({ id: ADOPTED_ID, username: "alice" });
      const result = await auth.signIn({ username: "alice", password: PASSWORD });
      if (!result.ok) throw new Error(result.error.code);
      expect(stored().consumerId).toBe(ADOPTED_ID);
      expect(deps.identity.consumers()).toEqual([{ id: ADOPTED_ID, username: "alice" }]);
      await expectTokenValidAtKong(deps, stored(), result.value.accessToken);
    });

    it.each([
      ["secret", { secret: "edited-by-an-operator-edited-by-an-operator" }],
      ["algorithm", { algorithm: "HS512" }],
    ])("replaces a credential whose %s was edited in Kong", async (_field, edit) => {
      const { deps, auth, user, stored } = await signedUp();
      deps.identity.editCredential(user.credential.key, edit);
      const result = await auth.signIn({ username: "alice", password: PASSWORD });
      if (!result.ok) throw new Error(result.error.code);
      const healed = stored();
      expect(healed.credential.key).not.toBe(user.credential.key);
      expect(deps.identity.credentials()).toHaveLength(1);
      await expectTokenValidAtKong(deps, healed, result.value.accessToken);
    });

    it.each(["listCredentials", "createCredential", "findConsumerByUsername"] as const)(
      "answers identity_unavailable when Kong fails at %s, and starts no session",
      async (method) => {
        const { deps, auth, user } = await signedUp();
        await deps.identity.deleteConsumer(user.consumerId); // so every step is needed
        deps.identity.failOn(method, Number.POSITIVE_INFINITY);
        await expect(auth.signIn({ username: "alice", password: PASSWORD })).resolves.toMatchObject(
          { ok: false, error: { code: "identity_unavailable" } },
        );
        expect(deps.users.listRefreshTokens()).toEqual([]);
        deps.identity.clearFailures();
        await expect(auth.signIn({ username: "alice", password: PASSWORD })).resolves.toMatchObject(
          { ok: true },
        );
      },
    );
  });

  describe("rehashing", () => {
    it("rehashes a password hashed with old parameters on a successful signin", async () => {
      const { deps, user, stored } = await signedUp();
      const stronger = createFakePasswordHasher({ cost: 2 });
      const auth = createAuth(
        { ...deps, hasher: stronger },
        { passwordPolicy: { commonPasswords: [] } },
      );
      deps.clock.advance(1000);
      await expect(auth.signIn({ username: "alice", password: PASSWORD })).resolves.toMatchObject({
        ok: true,
      });
      const rehashed = stored();
      expect(rehashed.passwordHash).not.toBe(user.passwordHash);
      expect(stronger.needsRehash(rehashed.passwordHash)).toBe(false);
      expect(rehashed.updatedAt).toBe(deps.clock.now());
      await expect(stronger.verify(rehashed.passwordHash, PASSWORD)).resolves.toEqual({
        ok: true,
        value: true,
      });
    });

    it("keeps a current hash as it is", async () => {
      const { auth, user, stored } = await signedUp();
      await auth.signIn({ username: "alice", password: PASSWORD });
      expect(stored().passwordHash).toBe(user.passwordHash);
    });
  });
});
