import { describe, expect, it } from "vitest";
import { toBase64Url } from "../domain/encoding.js";
import { aliceSignedUp } from "./alice.test-support.js";

const signedIn = () => aliceSignedUp();

describe("signOut", () => {
  it("revokes the token's family so that neither it nor its successor refreshes", async () => {
    const { auth, signIn } = await signedIn();
    const first = await signIn();
    const rotated = await auth.refresh({ refreshToken: first.refreshToken });
    if (!rotated.ok) throw new Error(rotated.error.code);
    await expect(auth.signOut({ refreshToken: first.refreshToken })).resolves.toEqual({
      ok: true,
      value: undefined,
    });
    for (const refreshToken of [first.refreshToken, rotated.value.refreshToken]) {
      await expect(auth.refresh({ refreshToken })).resolves.toMatchObject({
        ok: false,
        error: { code: "invalid_grant" },
      });
    }
  });

  it("leaves the user's other sessions alive", async () => {
    const { auth, signIn } = await signedIn();
    const phone = await signIn();
    const laptop = await signIn();
    await auth.signOut({ refreshToken: phone.refreshToken });
    await expect(auth.refresh({ refreshToken: laptop.refreshToken })).resolves.toMatchObject({
      ok: true,
    });
  });

  it("is idempotent and keeps the first revocation time", async () => {
    const { deps, auth, signIn } = await signedIn();
    const session = await signIn();
    await auth.signOut({ refreshToken: session.refreshToken });
    const revokedAt = deps.clock.now();
    deps.clock.advance(60_000);
    await expect(auth.signOut({ refreshToken: session.refreshToken })).resolves.toEqual({
      ok: true,
      value: undefined,
    });
    expect(deps.users.listRefreshTokens()).toMatchObject([{ revokedAt }]);
  });

  it.each([
    ["an unknown token", toBase64Url(new Uint8Array(32))],
    ["garbage", "garbage"],
    ["a number", 42],
    ["undefined", undefined],
  ])("succeeds for %s, revealing nothing", async (_label, refreshToken) => {
    const { deps, auth, signIn } = await signedIn();
    await signIn();
    await expect(auth.signOut({ refreshToken })).resolves.toEqual({ ok: true, value: undefined });
    expect(deps.users.listRefreshTokens()).toMatchObject([{ revokedAt: null }]);
  });
});
