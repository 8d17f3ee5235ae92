import { describe, expect, it } from "vitest";
import { createFakeAuthDeps } from "../../testkit/src/index.js";
import { type AuthOptions, createAuth } from "./auth.js";

const base: AuthOptions = { passwordPolicy: { commonPasswords: [] } };

describe("createAuth", () => {
  it("fills in the defaults of SPEC §7", () => {
    const auth = createAuth(createFakeAuthDeps(), base);
    expect(auth.settings).toEqual({
      accessTokenTtl: 900,
      refreshTokenTtl: 604_800,
      refreshReuseGrace: 10,
      algorithm: "HS256",
      passwordPolicy: { minLength: 8, maxLength: 256, commonPasswords: new Set() },
    });
    expect(Object.isFrozen(auth.settings)).toBe(true);
  });

  it("accepts the smallest allowed values, a grace of 0 included", () => {
    const auth = createAuth(createFakeAuthDeps(), {
      ...base,
      accessTokenTtl: 1,
      refreshTokenTtl: 1,
      refreshReuseGrace: 0,
      algorithm: "HS384",
    });
    expect(auth.settings).toMatchObject({
      accessTokenTtl: 1,
      refreshTokenTtl: 1,
      refreshReuseGrace: 0,
      algorithm: "HS384",
    });
  });

  it("lower-cases and NFKC-normalises the common passwords it is given", () => {
    const auth = createAuth(createFakeAuthDeps(), {
      passwordPolicy: { commonPasswords: ["PassWord1", "ｑｗｅｒｔｙ１２３"] },
    });
    expect([...auth.settings.passwordPolicy.commonPasswords]).toEqual(["password1", "qwerty123"]);
  });

  it.each<[string, Partial<AuthOptions>]>([
    ["accessTokenTtl", { accessTokenTtl: 0 }],
    ["accessTokenTtl", { accessTokenTtl: 1.5 }],
    ["accessTokenTtl", { accessTokenTtl: Number.NaN }],
    ["refreshTokenTtl", { refreshTokenTtl: -1 }],
    ["refreshTokenTtl", { refreshTokenTtl: Number.POSITIVE_INFINITY }],
    ["refreshReuseGrace", { refreshReuseGrace: -1 }],
    ["refreshReuseGrace", { refreshReuseGrace: 0.5 }],
    ["algorithm", { algorithm: "RS256" as unknown as AuthOptions["algorithm"] }],
    ["passwordPolicy.minLength", { passwordPolicy: { commonPasswords: [], minLength: 0 } }],
    [
      "passwordPolicy.maxLength",
      { passwordPolicy: { commonPasswords: [], minLength: 10, maxLength: 9 } },
    ],
  ])("throws a TypeError naming %s when it is invalid", (option, bad) => {
    expect(() => createAuth(createFakeAuthDeps(), { ...base, ...bad })).toThrow(
      new RegExp(`"${option.replace(".", "\\.")}"`),
    );
    expect(() => createAuth(createFakeAuthDeps(), { ...base, ...bad })).toThrow(TypeError);
  });

  it("binds every use case to the given adapters", async () => {
    const deps = createFakeAuthDeps();
    const auth = createAuth(deps, base);
    await auth.signUp({ username: "alice", password: "correct horse battery staple" });
    expect(deps.users.listUsers()).toHaveLength(1);
    expect(deps.identity.consumers()).toHaveLength(1);
  });
});
