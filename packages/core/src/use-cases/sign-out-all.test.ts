import { describe, expect, it } from "vitest";
import { aliceSignedUp } from "./alice.test-support.js";

const signedIn = () => aliceSignedUp();

describe("signOutAll", () => {
  it("revokes every refresh family of the user", async () => {
    const { auth, signIn } = await signedIn();
    const phone = await signIn();
    const laptop = await signIn();
    await expect(auth.signOutAll({ token: phone.accessToken })).resolves.toEqual({
      ok: true,
      value: undefined,
    });
    for (const session of [phone, laptop]) {
      await expect(auth.refresh({ refreshToken: session.refreshToken })).resolves.toMatchObject({
        ok: false,
        error: { code: "invalid_grant" },
      });
    }
  });

  it("rotates the Kong credential: the old one is gone, the new one is stored and live", async () => {
    const { deps, auth, signIn, stored } = await signedIn();
    const session = await signIn();
    const before = stored();
    await auth.signOutAll({ token: session.accessToken });
    const after = stored();
    expect(after.credential.key).not.toBe(before.credential.key);
    expect(after.credential.secret).not.toBe(before.credential.secret);
    expect(deps.identity.credentials()).toEqual([
      {
        id: after.credential.id,
        consumerId: before.consumerId,
        key: after.credential.key,
        secret: after.credential.secret,
        algorithm: "HS256",
      },
    ]);
  });

  it("makes every outstanding access token invalid_token, while a new signin works", async () => {
    const { auth, signIn } = await signedIn();
    const phone = await signIn();
    const laptop = await signIn();
    await auth.signOutAll({ token: phone.accessToken });
    for (const token of [phone.accessToken, laptop.accessToken]) {
      await expect(auth.verifyAccess({ token })).resolves.toMatchObject({
        ok: false,
        error: { code: "invalid_token" },
      });
    }
    const fresh = await signIn();
    await expect(auth.verifyAccess({ token: fresh.accessToken })).resolves.toMatchObject({
      ok: true,
    });
  });

  it("answers invalid_token for an invalid access token and revokes nothing", async () => {
    const { deps, auth, signIn, stored } = await signedIn();
    await signIn();
    const before = stored();
    await expect(auth.signOutAll({ token: "not-a-token" })).resolves.toMatchObject({
      ok: false,
      error: { code: "invalid_token" },
    });
    expect(stored()).toEqual(before);
    expect(deps.users.listRefreshTokens()).toMatchObject([{ revokedAt: null }]);
  });

  it("answers identity_unavailable when Kong cannot delete the old credential", async () => {
    const { deps, auth, signIn } = await signedIn();
    const session = await signIn();
    deps.identity.failOn("deleteCredential");
    await expect(auth.signOutAll({ token: session.accessToken })).resolves.toMatchObject({
      ok: false,
      error: { code: "identity_unavailable" },
    });
  });

  it("answers identity_unavailable when Kong cannot create the new credential, and the next signin heals", async () => {
    const { deps, auth, signIn, stored } = await signedIn();
    const session = await signIn();
    const before = stored();
    deps.identity.failOn("createCredential");
    await expect(auth.signOutAll({ token: session.accessToken })).resolves.toMatchObject({
      ok: false,
      error: { code: "identity_unavailable" },
    });
    // The old credential is gone from Kong either way: old access tokens are dead at the edge.
    expect(deps.identity.credentials()).toEqual([]);
    const fresh = await signIn();
    expect(stored().credential.key).not.toBe(before.credential.key);
    expect(deps.identity.credentials()).toMatchObject([{ key: stored().credential.key }]);
    await expect(auth.verifyAccess({ token: fresh.accessToken })).resolves.toMatchObject({
      ok: true,
    });
  });

  it("can be retried with the same access token after Kong failed", async () => {
    const { deps, auth, signIn, stored } = await signedIn();
    const session = await signIn();
    const before = stored();
    deps.identity.failOn("createCredential");
    await auth.signOutAll({ token: session.accessToken });
    await expect(auth.signOutAll({ token: session.accessToken })).resolves.toEqual({
      ok: true,
      value: undefined,
    });
    expect(stored().credential.key).not.toBe(before.credential.key);
    expect(deps.identity.credentials()).toMatchObject([{ key: stored().credential.key }]);
    await expect(auth.verifyAccess({ token: session.accessToken })).resolves.toMatchObject({
      ok: false,
      error: { code: "invalid_token" },
    });
  });
});
