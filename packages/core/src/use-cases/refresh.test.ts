import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { AuthOptions } from "../auth.js";
import { toBase64Url } from "../domain/encoding.js";
import { aliceSignedUp } from "./alice.test-support.js";

const DAY_MS = 86_400_000;

async function signedIn(options: Omit<AuthOptions, "passwordPolicy"> = {}, seed?: number) {
  const { deps, auth, signIn } = await aliceSignedUp({
    ...options,
    ...(seed === undefined ? {} : { seed }),
  });
  const first = await signIn();
  const refreshOk = async (refreshToken: string) => {
    const result = await auth.refresh({ refreshToken });
    if (!result.ok) throw new Error(`expected a refresh to succeed, got ${result.error.code}`);
    return result.value;
  };
  /** Tokens of the family that are neither used nor revoked nor expired. */
  const liveTokens = () =>
    deps.users
      .listRefreshTokens()
      .filter(
        (token) =>
          token.usedAt === null && token.revokedAt === null && token.expiresAt > deps.clock.now(),
      );
  return { deps, auth, first, refreshOk, liveTokens };
}

const INVALID_GRANT = { ok: false, error: { code: "invalid_grant" } };

describe("refresh", () => {
  it("answers invalid_grant for a live token whose user no longer exists", async () => {
    const { deps, auth, first } = await signedIn();
    vi.spyOn(deps.users, "findUserById").mockResolvedValue(null);
    await expect(auth.refresh({ refreshToken: first.refreshToken })).resolves.toMatchObject(
      INVALID_GRANT,
    );
  });

  it("exchanges a valid refresh token for a new access token and a new refresh token", async () => {
    const { deps, auth, first } = await signedIn();
    const result = await auth.refresh({ refreshToken: first.refreshToken });
    if (!result.ok) throw new Error(result.error.code);
    expect(result.value).toEqual({
      accessToken: expect.any(String),
      tokenType: "Bearer",
      expiresIn: 900,
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      refreshExpiresIn: 604_800,
    });
    expect(result.value.refreshToken).not.toBe(first.refreshToken);
    const access = await auth.verifyAccess({ token: result.value.accessToken });
    const original = await auth.verifyAccess({ token: first.accessToken });
    expect(access).toMatchObject({ ok: true, value: { username: "alice" } });
    // Same session: the access token carries the same family id.
    expect(access.ok && access.value.sessionId).toBe(original.ok && original.value.sessionId);
    expect(deps.users.listRefreshTokens()).toHaveLength(2);
  });

  it("keeps the family's absolute expiry: refresh_expires_in shrinks as time passes", async () => {
    const { deps, first, refreshOk } = await signedIn();
    deps.clock.advance(1000 * 1000);
    const second = await refreshOk(first.refreshToken);
    expect(second.refreshExpiresIn).toBe(604_800 - 1000);
    deps.clock.advance(DAY_MS);
    const third = await refreshOk(second.refreshToken);
    expect(third.refreshExpiresIn).toBe(604_800 - 1000 - 86_400);
    const expiries = new Set(deps.users.listRefreshTokens().map((token) => token.expiresAt));
    expect(expiries.size).toBe(1);
  });

  it("answers invalid_grant once the family has expired, and not a millisecond before", async () => {
    const { deps, auth, first, refreshOk } = await signedIn();
    deps.clock.advance(7 * DAY_MS - 1);
    const last = await refreshOk(first.refreshToken);
    expect(last.refreshExpiresIn).toBe(1);
    deps.clock.advance(1);
    await expect(auth.refresh({ refreshToken: last.refreshToken })).resolves.toMatchObject(
      INVALID_GRANT,
    );
  });

  it.each([
    ["an unknown token", toBase64Url(new Uint8Array(32).fill(7))],
    ["garbage", "garbage"],
    ["an empty string", ""],
    ["a number", 42],
    ["null", null],
    ["a 44-character token", "a".repeat(44)],
  ])("answers invalid_grant for %s", async (_label, refreshToken) => {
    const { auth } = await signedIn();
    await expect(auth.refresh({ refreshToken })).resolves.toEqual({
      ok: false,
      error: { code: "invalid_grant", message: expect.any(String) },
    });
  });

  it("answers invalid_grant for an access token presented as a refresh token", async () => {
    const { auth, first } = await signedIn();
    await expect(auth.refresh({ refreshToken: first.accessToken })).resolves.toMatchObject(
      INVALID_GRANT,
    );
  });

  describe("replay grace", () => {
    it("answers a replay within the grace window with the same successor", async () => {
      const { deps, first, refreshOk } = await signedIn();
      const rotated = await refreshOk(first.refreshToken);
      deps.clock.advance(10_000); // exactly the default grace of 10 s
      const replayed = await refreshOk(first.refreshToken);
      expect(replayed.refreshToken).toBe(rotated.refreshToken);
      // The successor still works: the replay changed nothing.
      await expect(refreshOk(rotated.refreshToken)).resolves.toMatchObject({ tokenType: "Bearer" });
    });

    it("treats a replay after the grace window as reuse: invalid_grant and the whole family revoked", async () => {
      const { deps, auth, first, refreshOk, liveTokens } = await signedIn();
      const rotated = await refreshOk(first.refreshToken);
      deps.clock.advance(10_001);
      await expect(auth.refresh({ refreshToken: first.refreshToken })).resolves.toMatchObject(
        INVALID_GRANT,
      );
      await expect(auth.refresh({ refreshToken: rotated.refreshToken })).resolves.toMatchObject(
        INVALID_GRANT,
      );
      expect(liveTokens()).toEqual([]);
      expect(deps.users.listRefreshTokens().every((token) => token.revokedAt !== null)).toBe(true);
    });

    it("treats a replay of a grand-parent as reuse, even within the grace window", async () => {
      const { auth, first, refreshOk, liveTokens } = await signedIn();
      const second = await refreshOk(first.refreshToken);
      const third = await refreshOk(second.refreshToken);
      await expect(auth.refresh({ refreshToken: first.refreshToken })).resolves.toMatchObject(
        INVALID_GRANT,
      );
      await expect(auth.refresh({ refreshToken: third.refreshToken })).resolves.toMatchObject(
        INVALID_GRANT,
      );
      expect(liveTokens()).toEqual([]);
    });

    it("treats any replay as reuse when the grace is 0", async () => {
      const { auth, first, refreshOk } = await signedIn({ refreshReuseGrace: 0 });
      const rotated = await refreshOk(first.refreshToken);
      await expect(auth.refresh({ refreshToken: first.refreshToken })).resolves.toMatchObject(
        INVALID_GRANT,
      );
      await expect(auth.refresh({ refreshToken: rotated.refreshToken })).resolves.toMatchObject(
        INVALID_GRANT,
      );
    });

    it("honours a configured grace window", async () => {
      const { deps, auth, first, refreshOk } = await signedIn({ refreshReuseGrace: 60 });
      const rotated = await refreshOk(first.refreshToken);
      deps.clock.advance(60_000);
      await expect(refreshOk(first.refreshToken)).resolves.toMatchObject({
        refreshToken: rotated.refreshToken,
      });
      deps.clock.advance(1);
      await expect(auth.refresh({ refreshToken: first.refreshToken })).resolves.toMatchObject(
        INVALID_GRANT,
      );
    });
  });

  it("answers invalid_grant for a token of a revoked family", async () => {
    const { auth, first } = await signedIn();
    await auth.signOut({ refreshToken: first.refreshToken });
    await expect(auth.refresh({ refreshToken: first.refreshToken })).resolves.toMatchObject(
      INVALID_GRANT,
    );
  });

  it("gives every one of N parallel refreshes of one token the same successor", async () => {
    const { auth, first, liveTokens } = await signedIn();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => auth.refresh({ refreshToken: first.refreshToken })),
    );
    const successors = new Set(results.map((result) => result.ok && result.value.refreshToken));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(successors.size).toBe(1);
    expect(liveTokens()).toHaveLength(1);
  });

  it("treats parallel refreshes as reuse when the grace is 0: one rotation wins, then the family is revoked", async () => {
    const { auth, first, liveTokens } = await signedIn({ refreshReuseGrace: 0 });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => auth.refresh({ refreshToken: first.refreshToken })),
    );
    const successes = results.filter((result) => result.ok);
    expect(successes).toHaveLength(1);
    expect(
      results.filter((result) => !result.ok && result.error.code === "invalid_grant"),
    ).toHaveLength(9);
    // With replay disabled the duplicates are reuse: nothing of the family stays live.
    expect(liveTokens()).toHaveLength(0);
  });

  describe("property: a family never has two live tokens", () => {
    type Step =
      | { readonly kind: "refresh"; readonly pick: number }
      | { readonly kind: "advance"; readonly ms: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant("refresh" as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 15_000 }) }),
    );

    it("holds under random sequences of refreshes, replays and clock advances", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(step, { maxLength: 25 }),
          fc.integer({ min: 0, max: 12 }),
          async (steps, grace) => {
            const { deps, auth, first, liveTokens } = await signedIn({
              refreshReuseGrace: grace,
              refreshTokenTtl: 60,
            });
            const issued = [first.refreshToken];
            for (const s of steps) {
              if (s.kind === "advance") {
                deps.clock.advance(s.ms);
              } else {
                const presented = issued[s.pick % issued.length] ?? first.refreshToken;
                const result = await auth.refresh({ refreshToken: presented });
                if (result.ok) {
                  if (!issued.includes(result.value.refreshToken)) {
                    issued.push(result.value.refreshToken);
                  }
                  // A successful answer always hands out the one live token.
                  const live = liveTokens();
                  expect(live).toHaveLength(1);
                  expect(live[0]?.tokenHash).toBe(
                    await deps.digest.sha256(result.value.refreshToken),
                  );
                }
              }
              expect(liveTokens().length).toBeLessThanOrEqual(1);
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  });
});
