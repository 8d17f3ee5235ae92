import { describe, expect, it, vi } from "vitest";
import { createFakeAuthDeps, createFakePasswordHasher } from "../../../testkit/src/index.js";
import { createAuth } from "../auth.js";
import { isUuidShaped } from "../domain/encoding.js";

const COMMON_PASSWORDS = ["password", "12345678", "qwertyuiop", "iloveyou"];
const PASSWORD = "correct horse battery staple";
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ADOPTED_ID = "a0000000-0000-4000-8000-000000000001";

function setup() {
  const deps = createFakeAuthDeps();
  const auth = createAuth(deps, { passwordPolicy: { commonPasswords: COMMON_PASSWORDS } });
  return { deps, auth };
}

/** Kong and the store hold nothing at all. */
function expectNothingCreated(deps: ReturnType<typeof setup>["deps"]): void {
  expect(deps.identity.consumers()).toEqual([]);
  expect(deps.identity.credentials()).toEqual([]);
  expect(deps.users.listUsers()).toEqual([]);
}

describe("signUp", () => {
  it("creates a Kong consumer, a JWT credential and the user row, and answers id and username", async () => {
    const { deps, auth } = setup();
    const result = await auth.signUp({ username: "alice", password: PASSWORD });
    if (!result.ok) throw new Error(result.error.code);
    expect(result.value).toEqual({ id: expect.stringMatching(UUID_V4), username: "alice" });

    const [user] = deps.users.listUsers();
    if (!user) throw new Error("no user stored");
    expect(user).toMatchObject({ id: result.value.id, username: "alice" });
    expect(deps.identity.consumers()).toEqual([{ id: user.consumerId, username: "alice" }]);
    expect(deps.identity.credentials()).toEqual([
      {
        id: user.credential.id,
        consumerId: user.consumerId,
        key: user.credential.key,
        secret: user.credential.secret,
        algorithm: "HS256",
      },
    ]);
    expect(user.credential.algorithm).toBe("HS256");
    expect(user.createdAt).toBe(deps.clock.now());
    expect(user.passwordHash).not.toContain(PASSWORD);
    await expect(deps.hasher.verify(user.passwordHash, PASSWORD)).resolves.toEqual({
      ok: true,
      value: true,
    });
  });

  it("creates credentials with the configured algorithm", async () => {
    const deps = createFakeAuthDeps();
    const auth = createAuth(deps, { algorithm: "HS512", passwordPolicy: { commonPasswords: [] } });
    await auth.signUp({ username: "alice", password: PASSWORD });
    expect(deps.identity.credentials()).toMatchObject([{ algorithm: "HS512" }]);
    expect(deps.users.listUsers()[0]?.credential.algorithm).toBe("HS512");
  });

  it("adopts a Kong consumer of that username that already exists", async () => {
    const { deps, auth } = setup();
    await deps.identity.createConsumer({ id: ADOPTED_ID, username: "alice" });
    await expect(auth.signUp({ username: "alice", password: PASSWORD })).resolves.toMatchObject({
      ok: true,
    });
    expect(deps.identity.consumers()).toEqual([{ id: ADOPTED_ID, username: "alice" }]);
    expect(deps.users.listUsers()[0]?.consumerId).toBe(ADOPTED_ID);
    expect(deps.identity.credentials()).toMatchObject([{ consumerId: ADOPTED_ID }]);
  });

  it("chooses a credential key that is never UUID-shaped and a 256-bit secret", async () => {
    for (let seed = 1; seed <= 20; seed += 1) {
      const deps = createFakeAuthDeps({ seed });
      const auth = createAuth(deps, { passwordPolicy: { commonPasswords: [] } });
      await auth.signUp({ username: "alice", password: PASSWORD });
      const [credential] = deps.identity.credentials();
      if (!credential) throw new Error("no credential");
      expect(isUuidShaped(credential.key)).toBe(false);
      expect(credential.key).toMatch(/^[A-Za-z0-9_-]{22}$/);
      // 43 base64url characters carry 258 bits, of which 256 are the random bytes.
      expect(credential.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  describe("username rules", () => {
    it.each([
      ["Alice", "alice"],
      ["ＡＬＩＣＥ", "alice"], // fullwidth letters: NFKC first, then lower case
      ["abc", "abc"],
      ["a".repeat(64), "a".repeat(64)],
      ["0day.user_name@example-host", "0day.user_name@example-host"],
      ["x-ray", "x-ray"],
    ])("accepts %j and stores it as %j", async (raw, stored) => {
      const { deps, auth } = setup();
      await expect(auth.signUp({ username: raw, password: PASSWORD })).resolves.toEqual({
        ok: true,
        value: { id: expect.any(String), username: stored },
      });
      expect(deps.identity.consumers()).toMatchObject([{ username: stored }]);
    });

    it.each([
      ["ab", "too short"],
      ["a".repeat(65), "too long"],
      ["al ice", "a space"],
      ["al/ice", "a slash"],
      ["alice!", "punctuation outside ._@-"],
      ["élise", "a letter outside a-z"],
      ["_alice", "a leading underscore"],
      [".alice", "a leading dot"],
      ["-alice", "a leading hyphen"],
      ["@alice", "a leading @"],
      ["123e4567-e89b-42d3-a456-426614174000", "a UUID"],
      ["123E4567-E89B-42D3-A456-426614174000", "an upper-case UUID"],
      ["00000000-0000-0000-0000-000000000000", "the nil UUID"],
      [42, "not a string"],
      [null, "null"],
    ])("refuses %j (%s) with invalid_request and touches nothing", async (username, _reason) => {
      const { deps, auth } = setup();
      const result = await auth.signUp({ username, password: PASSWORD });
      expect(result).toMatchObject({ ok: false, error: { code: "invalid_request" } });
      expectNothingCreated(deps);
    });
  });

  describe("password rules", () => {
    it.each([
      ["8 characters", "abcdefgh"],
      ["256 characters", "a".repeat(256)],
      ["8 code points that are 16 UTF-16 units", "🔑".repeat(8)],
      ["4 ligatures that NFKC makes 8 characters", "ﬁﬁﬁﬁ"],
      ["spaces and any characters, no composition rules", "        "],
    ])("accepts %s", async (_label, password) => {
      const { auth } = setup();
      await expect(auth.signUp({ username: "alice", password })).resolves.toMatchObject({
        ok: true,
      });
    });

    it.each([
      ["7 characters", "abcdefg"],
      ["257 characters", "a".repeat(257)],
      ["7 code points that are 14 UTF-16 units", "🔑".repeat(7)],
      ["the username", "alice-smith"],
      ["the username in other case", "ALICE-Smith"],
      ["a common password", "password"],
      ["a common password in other case", "PassWord"],
      ["a common password in fullwidth (NFKC)", "ｐａｓｓｗｏｒｄ"],
    ])("refuses %s with weak_password and touches nothing", async (_label, password) => {
      const { deps, auth } = setup();
      const result = await auth.signUp({ username: "alice-smith", password });
      expect(result).toMatchObject({ ok: false, error: { code: "weak_password" } });
      expectNothingCreated(deps);
    });

    it("refuses a password that is not a string with invalid_request", async () => {
      const { deps, auth } = setup();
      await expect(auth.signUp({ username: "alice", password: 12345678 })).resolves.toMatchObject({
        ok: false,
        error: { code: "invalid_request" },
      });
      expectNothingCreated(deps);
    });

    it("hashes the NFKC form of the password", async () => {
      const { deps, auth } = setup();
      await auth.signUp({ username: "alice", password: "ﬁﬁﬁﬁ" });
      const hash = deps.users.listUsers()[0]?.passwordHash ?? "";
      await expect(deps.hasher.verify(hash, "fifififi")).resolves.toEqual({
        ok: true,
        value: true,
      });
    });
  });

  it("answers username_taken for an existing user without calling Kong", async () => {
    const { deps, auth } = setup();
    await auth.signUp({ username: "alice", password: PASSWORD });
    const kongBefore = deps.identity.credentials();
    const calls = Object.keys(deps.identity)
      .filter((name) => !["consumers", "credentials"].includes(name))
      .map((name) => vi.spyOn(deps.identity, name as keyof typeof deps.identity));
    const result = await auth.signUp({ username: "ALICE", password: "another password" });
    expect(result).toMatchObject({ ok: false, error: { code: "username_taken" } });
    for (const spy of calls) expect(spy).not.toHaveBeenCalled();
    expect(deps.identity.credentials()).toEqual(kongBefore);
    expect(deps.users.listUsers()).toHaveLength(1);
  });

  describe("when Kong fails", () => {
    it.each([
      ["finding the consumer", "findConsumerByUsername", false],
      ["creating the consumer", "createConsumer", false],
      ["creating the consumer (answer lost after Kong created it)", "createConsumer", true],
      ["creating the credential", "createCredential", false],
      ["creating the credential (answer lost after Kong created it)", "createCredential", true],
    ] as const)(
      "answers identity_unavailable at %s and leaves nothing half-created",
      async (_step, method, lostResponse) => {
        const { deps, auth } = setup();
        deps.identity.failOn(method, 1, { lostResponse });
        const result = await auth.signUp({ username: "alice", password: PASSWORD });
        expect(result).toMatchObject({ ok: false, error: { code: "identity_unavailable" } });
        expectNothingCreated(deps);
      },
    );

    it.each([
      ["creating the credential", false],
      ["creating the credential (answer lost)", true],
    ])("keeps an adopted consumer but removes the credential when %s fails", async (_s, lost) => {
      const { deps, auth } = setup();
      await deps.identity.createConsumer({ id: ADOPTED_ID, username: "alice" });
      deps.identity.failOn("createCredential", 1, { lostResponse: lost });
      const result = await auth.signUp({ username: "alice", password: PASSWORD });
      expect(result).toMatchObject({ ok: false, error: { code: "identity_unavailable" } });
      expect(deps.identity.consumers()).toEqual([{ id: ADOPTED_ID, username: "alice" }]);
      expect(deps.identity.credentials()).toEqual([]);
      expect(deps.users.listUsers()).toEqual([]);
    });

    it("answers identity_unavailable when the consumer vanishes before the credential is made", async () => {
      const { deps, auth } = setup();
      const createCredential = deps.identity.createCredential;
      vi.spyOn(deps.identity, "createCredential").mockImplementationOnce(async (id, wanted) => {
        await deps.identity.deleteConsumer(id); // an operator deletes it meanwhile
        return createCredential(id, wanted);
      });
      const result = await auth.signUp({ username: "alice", password: PASSWORD });
      expect(result).toMatchObject({ ok: false, error: { code: "identity_unavailable" } });
      expectNothingCreated(deps);
    });

    it("succeeds on a retry after a failure", async () => {
      const { deps, auth } = setup();
      deps.identity.failOn("createCredential", 1, { lostResponse: true });
      await auth.signUp({ username: "alice", password: PASSWORD });
      await expect(auth.signUp({ username: "alice", password: PASSWORD })).resolves.toMatchObject({
        ok: true,
      });
      const [user] = deps.users.listUsers();
      expect(deps.identity.consumers()).toEqual([{ id: user?.consumerId, username: "alice" }]);
      expect(deps.identity.credentials()).toMatchObject([{ key: user?.credential.key }]);
    });
  });

  describe("when the store fails after the credential was created", () => {
    it("deletes the credential and the consumer it created, and rethrows", async () => {
      const { deps, auth } = setup();
      deps.users.failOn("insertUser");
      const failure = auth.signUp({ username: "alice", password: PASSWORD });
      await expect(failure).rejects.toThrow("could not save the new user");
      await expect(failure).rejects.toMatchObject({
        cause: expect.objectContaining({ message: "injected fault: users.insertUser" }),
      });
      expectNothingCreated(deps);
    });

    it("deletes the credential but keeps an adopted consumer", async () => {
      const { deps, auth } = setup();
      await deps.identity.createConsumer({ id: ADOPTED_ID, username: "alice" });
      deps.users.failOn("insertUser");
      await expect(auth.signUp({ username: "alice", password: PASSWORD })).rejects.toThrow(Error);
      expect(deps.identity.consumers()).toEqual([{ id: ADOPTED_ID, username: "alice" }]);
      expect(deps.identity.credentials()).toEqual([]);
    });

    it("succeeds on a retry once the store is back", async () => {
      const { deps, auth } = setup();
      deps.users.failOn("insertUser");
      await expect(auth.signUp({ username: "alice", password: PASSWORD })).rejects.toThrow(Error);
      await expect(auth.signUp({ username: "alice", password: PASSWORD })).resolves.toMatchObject({
        ok: true,
      });
      expect(deps.identity.consumers()).toHaveLength(1);
      expect(deps.identity.credentials()).toHaveLength(1);
    });
  });

  describe("concurrent signups of one username", () => {
    it("answers username_taken to the loser and deletes only its credential, keeping the consumer", async () => {
      const { deps, auth } = setup();
      const insertUser = deps.users.insertUser;
      const rivalId = "b0000000-0000-4000-8000-000000000002";
      let rivalKey = "";
      vi.spyOn(deps.users, "insertUser").mockImplementationOnce(async (user) => {
        // A rival signup of the same username adopted the consumer this call created, added
        // its own credential, and won the insert a moment earlier.
        const rival = await deps.identity.createCredential(user.consumerId, {
          key: "rival-credential-key01",
          secret: "rival-secret-rival-secret-rival-secret-0001",
          algorithm: "HS256",
        });
        if (!rival.ok || !rival.value) throw new Error("setup: no rival credential");
        rivalKey = rival.value.key;
        await insertUser({
          ...user,
          id: rivalId,
          credential: { ...user.credential, ...rival.value, algorithm: "HS256" },
        });
        return insertUser(user);
      });
      const result = await auth.signUp({ username: "alice", password: PASSWORD });
      expect(result).toMatchObject({ ok: false, error: { code: "username_taken" } });
      const [winner] = deps.users.listUsers();
      expect(winner?.id).toBe(rivalId);
      expect(deps.identity.consumers()).toEqual([{ id: winner?.consumerId, username: "alice" }]);
      expect(deps.identity.credentials().map((credential) => credential.key)).toEqual([rivalKey]);
    });

    it("leaves exactly one user, one consumer and the winner's credential when run in parallel", async () => {
      const { deps, auth } = setup();
      const results = await Promise.all([
        auth.signUp({ username: "alice", password: PASSWORD }),
        auth.signUp({ username: "alice", password: "another fine password" }),
      ]);
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect(results.filter((result) => !result.ok)).toMatchObject([
        { error: { code: "username_taken" } },
      ]);
      const [user] = deps.users.listUsers();
      expect(deps.users.listUsers()).toHaveLength(1);
      expect(deps.identity.consumers()).toEqual([{ id: user?.consumerId, username: "alice" }]);
      expect(deps.identity.credentials()).toMatchObject([{ key: user?.credential.key }]);
    });
  });

  it("hashes with the configured hasher, never storing the password", async () => {
    const deps = createFakeAuthDeps();
    const auth = createAuth(
      { ...deps, hasher: createFakePasswordHasher({ cost: 5 }) },
      { passwordPolicy: { commonPasswords: [] } },
    );
    await auth.signUp({ username: "alice", password: PASSWORD });
    const stored = deps.users.listUsers()[0]?.passwordHash;
    expect(stored).toMatch(/^fake\$v=5\$/);
    expect(stored).not.toContain(PASSWORD);
    expect(JSON.stringify(deps.users.listUsers())).not.toContain(PASSWORD);
  });
});
