import { createHash } from "node:crypto";
import type { RefreshFamily, User, UserStore } from "@kong-jwt-auth/core";
import { describe, expect, it } from "vitest";
import { describeContract } from "./harness.js";

const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z, epoch ms
const DAY = 86_400_000;

/** A UUID that SQL `uuid` columns accept; `kind` keeps users, consumers and families apart. */
function uuid(kind: number, n: number): string {
  return `${kind.toString(16).padStart(8, "0")}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

/** A token hash of the shape the core stores (SHA-256, base64url). */
function tokenHash(label: string): string {
  return createHash("sha256").update(label).digest("base64url");
}

function makeUser(n: number, overrides: Partial<User> = {}): User {
  return {
    id: uuid(1, n),
    username: `user-${n}`,
    passwordHash: `$argon2id$v=19$m=19456,t=2,p=1$c2FsdC0${n}$aGFzaC0${n}`,
    consumerId: uuid(2, n),
    credential: {
      id: uuid(3, n),
      key: `key-${n}-abcdefghijklmnop`.slice(0, 22),
      secret: tokenHash(`secret-${n}`),
      algorithm: "HS256",
    },
    createdAt: T0 + n,
    updatedAt: T0 + n,
    ...overrides,
  };
}

function makeFamily(
  n: number,
  userId: string,
  overrides: Partial<RefreshFamily> = {},
): RefreshFamily {
  return {
    id: uuid(4, n),
    userId,
    successorKey: tokenHash(`successor-key-${n}`),
    expiresAt: T0 + 7 * DAY,
    createdAt: T0,
    ...overrides,
  };
}

async function insert(store: UserStore, user: User): Promise<User> {
  const result = await store.insertUser(user);
  if (!result.ok) throw new Error(`setup: could not insert ${user.username}`);
  return result.value;
}

/**
 * The {@link UserStore} contract: users with unique, exactly compared usernames; refresh
 * families whose rotation is an atomic check-and-set (exactly one of N concurrent rotations of a
 * token wins); idempotent revocation that keeps the first time. Values are copied in and out.
 */
export function describeUserStoreContract(
  name: string,
  setup: () => Promise<{ store: UserStore; close?: () => Promise<void> }>,
): void {
  describeContract(name, setup, (subject) => {
    describe("users", () => {
      it("returns the inserted user and finds it by username and by id with every field", async () => {
        const { store } = subject();
        const user = makeUser(1, {
          credential: { ...makeUser(1).credential, algorithm: "HS512" },
        });
        await expect(store.insertUser(user)).resolves.toEqual({ ok: true, value: user });
        await expect(store.findUserByUsername(user.username)).resolves.toEqual(user);
        await expect(store.findUserById(user.id)).resolves.toEqual(user);
      });

      it("returns null for an unknown username or id", async () => {
        const { store } = subject();
        await insert(store, makeUser(1));
        await expect(store.findUserByUsername("nobody")).resolves.toBeNull();
        await expect(store.findUserById(uuid(1, 999))).resolves.toBeNull();
      });

      it("returns null, not a throw, for an id that is not a UUID (a forged token's sub)", async () => {
        const { store } = subject();
        await insert(store, makeUser(1));
        await expect(store.findUserById("not-a-uuid")).resolves.toBeNull();
        await expect(store.findUserById("")).resolves.toBeNull();
      });

      it("compares usernames exactly (the core normalises them before)", async () => {
        const { store } = subject();
        await insert(store, makeUser(1, { username: "alice" }));
        await expect(store.findUserByUsername("ALICE")).resolves.toBeNull();
        await expect(store.findUserByUsername("alice ")).resolves.toBeNull();
      });

      it("copies values: mutating an inserted or returned user does not change the store", async () => {
        const { store } = subject();
        const original = makeUser(1);
        const input = structuredClone(original);
        const inserted = await insert(store, input);
        Object.assign(input, { username: "changed-input" });
        Object.assign(input.credential, { secret: "changed-input" });
        Object.assign(inserted.credential, { secret: "changed-result" });
        const found = await store.findUserById(original.id);
        if (!found) throw new Error("the user vanished");
        Object.assign(found, { passwordHash: "changed-found" });
        Object.assign(found.credential, { key: "changed-found" });
        await expect(store.findUserById(original.id)).resolves.toEqual(original);
        await expect(store.findUserByUsername(original.username)).resolves.toEqual(original);
      });

      it("refuses a taken username with username_taken and leaves the first user untouched", async () => {
        const { store } = subject();
        const first = await insert(store, makeUser(1, { username: "alice" }));
        const second = makeUser(2, { username: "alice" });
        const result = await store.insertUser(second);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error.code).toBe("username_taken");
        await expect(store.findUserByUsername("alice")).resolves.toEqual(first);
        await expect(store.findUserById(second.id)).resolves.toBeNull();
      });

      it("keeps several users apart", async () => {
        const { store } = subject();
        const users = [makeUser(1), makeUser(2), makeUser(3)];
        for (const user of users) await insert(store, user);
        for (const user of users) {
          await expect(store.findUserByUsername(user.username)).resolves.toEqual(user);
        }
      });

      it("updates only the given fields", async () => {
        const { store } = subject();
        const user = await insert(store, makeUser(1));
        await store.updateUser(user.id, { passwordHash: "$new$hash", updatedAt: T0 + 1000 });
        const rehashed = { ...user, passwordHash: "$new$hash", updatedAt: T0 + 1000 };
        await expect(store.findUserById(user.id)).resolves.toEqual(rehashed);

        const credential = {
          id: uuid(3, 77),
          key: "rotated-key-0123456789",
          secret: tokenHash("s"),
          algorithm: "HS384" as const,
        };
        await store.updateUser(user.id, {
          consumerId: uuid(2, 77),
          credential,
          updatedAt: T0 + 2000,
        });
        const moved = { ...rehashed, consumerId: uuid(2, 77), credential, updatedAt: T0 + 2000 };
        await expect(store.findUserById(user.id)).resolves.toEqual(moved);
        await expect(store.findUserByUsername(user.username)).resolves.toEqual(moved);
      });

      it("treats updating a missing user as a no-op", async () => {
        const { store } = subject();
        await expect(
          store.updateUser(uuid(1, 404), { passwordHash: "x", updatedAt: T0 }),
        ).resolves.toBeUndefined();
        await expect(store.findUserById(uuid(1, 404))).resolves.toBeNull();
      });
    });

    describe("refresh families", () => {
      const withFamily = async (
        n = 1,
      ): Promise<{ store: UserStore; user: User; family: RefreshFamily; first: string }> => {
        const { store } = subject();
        const user = await insert(store, makeUser(n));
        const family = makeFamily(n, user.id);
        const first = tokenHash(`first-${n}`);
        await store.createRefreshFamily(family, first);
        return { store, user, family, first };
      };

      it("finds the first token of a new family, joined with the family", async () => {
        const { store, family, first } = await withFamily();
        await expect(store.findRefreshToken(first)).resolves.toEqual({
          tokenHash: first,
          parentHash: null,
          familyId: family.id,
          userId: family.userId,
          successorKey: family.successorKey,
          expiresAt: family.expiresAt,
          createdAt: family.createdAt,
          usedAt: null,
          revokedAt: null,
        });
      });

      it("returns null for an unknown token hash", async () => {
        const { store } = await withFamily();
        await expect(store.findRefreshToken(tokenHash("unknown"))).resolves.toBeNull();
      });

      it("rotates: marks the parent used and inserts the child in the family, expiry inherited", async () => {
        const { store, family, first } = await withFamily();
        const child = tokenHash("child");
        const at = T0 + 60_000;
        await expect(
          store.rotateRefreshToken({ parentHash: first, childHash: child, at }),
        ).resolves.toBe(true);
        await expect(store.findRefreshToken(first)).resolves.toMatchObject({
          usedAt: at,
          revokedAt: null,
        });
        await expect(store.findRefreshToken(child)).resolves.toEqual({
          tokenHash: child,
          parentHash: first,
          familyId: family.id,
          userId: family.userId,
          successorKey: family.successorKey,
          expiresAt: family.expiresAt,
          createdAt: at,
          usedAt: null,
          revokedAt: null,
        });
      });

      it("rotates down a chain of generations, keeping the family's expiry", async () => {
        const { store, family, first } = await withFamily();
        let parent = first;
        for (let generation = 1; generation <= 5; generation += 1) {
          const child = tokenHash(`generation-${generation}`);
          const at = T0 + generation * 1000;
          await expect(
            store.rotateRefreshToken({ parentHash: parent, childHash: child, at }),
          ).resolves.toBe(true);
          await expect(store.findRefreshToken(child)).resolves.toMatchObject({
            parentHash: parent,
            familyId: family.id,
            expiresAt: family.expiresAt,
          });
          parent = child;
        }
      });

      it("refuses to rotate a used parent: returns false and inserts nothing", async () => {
        const { store, first } = await withFamily();
        await store.rotateRefreshToken({
          parentHash: first,
          childHash: tokenHash("a"),
          at: T0 + 1,
        });
        await expect(
          store.rotateRefreshToken({ parentHash: first, childHash: tokenHash("b"), at: T0 + 2 }),
        ).resolves.toBe(false);
        await expect(store.findRefreshToken(tokenHash("b"))).resolves.toBeNull();
        await expect(store.findRefreshToken(first)).resolves.toMatchObject({ usedAt: T0 + 1 });
      });

      it("refuses to rotate the same parent into the same child twice", async () => {
        const { store, first } = await withFamily();
        const rotation = { parentHash: first, childHash: tokenHash("same"), at: T0 + 1 };
        await expect(store.rotateRefreshToken(rotation)).resolves.toBe(true);
        await expect(store.rotateRefreshToken({ ...rotation, at: T0 + 2 })).resolves.toBe(false);
        await expect(store.findRefreshToken(rotation.childHash)).resolves.toMatchObject({
          parentHash: first,
          createdAt: T0 + 1,
          usedAt: null,
        });
      });

      it("refuses to rotate a token of a revoked family: returns false and inserts nothing", async () => {
        const { store, family, first } = await withFamily();
        await store.revokeRefreshFamily(family.id, T0 + 1);
        await expect(
          store.rotateRefreshToken({ parentHash: first, childHash: tokenHash("c"), at: T0 + 2 }),
        ).resolves.toBe(false);
        await expect(store.findRefreshToken(tokenHash("c"))).resolves.toBeNull();
        await expect(store.findRefreshToken(first)).resolves.toMatchObject({ usedAt: null });
      });

      it("refuses to rotate an unknown parent", async () => {
        const { store } = await withFamily();
        await expect(
          store.rotateRefreshToken({
            parentHash: tokenHash("nope"),
            childHash: tokenHash("orphan"),
            at: T0,
          }),
        ).resolves.toBe(false);
        await expect(store.findRefreshToken(tokenHash("orphan"))).resolves.toBeNull();
      });

      it("lets exactly one of two concurrent rotations of one token win", async () => {
        const { store, first } = await withFamily();
        const results = await Promise.all([
          store.rotateRefreshToken({ parentHash: first, childHash: tokenHash("x"), at: T0 + 1 }),
          store.rotateRefreshToken({ parentHash: first, childHash: tokenHash("y"), at: T0 + 1 }),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        const children = await Promise.all([
          store.findRefreshToken(tokenHash("x")),
          store.findRefreshToken(tokenHash("y")),
        ]);
        expect(children.filter((child) => child !== null)).toHaveLength(1);
      });

      it("lets exactly one of ten concurrent rotations into distinct children win", async () => {
        const { store, first } = await withFamily();
        const children = Array.from({ length: 10 }, (_, i) => tokenHash(`racer-${i}`));
        const results = await Promise.all(
          children.map((childHash) =>
            store.rotateRefreshToken({ parentHash: first, childHash, at: T0 + 5 }),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = children[results.indexOf(true)];
        for (const childHash of children) {
          const found = await store.findRefreshToken(childHash);
          expect(found === null).toBe(childHash !== winner);
        }
      });

      it("lets exactly one of ten concurrent rotations into the same child win, without throwing", async () => {
        // The core derives the successor deterministically, so racing refreshes of one token
        // all ask for the same child: the losers must get false, not a unique-key error.
        const { store, first } = await withFamily();
        const childHash = tokenHash("the-successor");
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            store.rotateRefreshToken({ parentHash: first, childHash, at: T0 + 5 }),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        await expect(store.findRefreshToken(childHash)).resolves.toMatchObject({
          parentHash: first,
          usedAt: null,
        });
      });

      it("revokes every token of a family and keeps the first revocation time", async () => {
        const { store, family, first } = await withFamily();
        const child = tokenHash("child");
        await store.rotateRefreshToken({ parentHash: first, childHash: child, at: T0 + 1 });
        await store.revokeRefreshFamily(family.id, T0 + 10);
        await store.revokeRefreshFamily(family.id, T0 + 20);
        await expect(store.findRefreshToken(first)).resolves.toMatchObject({ revokedAt: T0 + 10 });
        await expect(store.findRefreshToken(child)).resolves.toMatchObject({ revokedAt: T0 + 10 });
      });

      it("revokes only the given family", async () => {
        const { store, user, family, first } = await withFamily();
        const other = makeFamily(2, user.id);
        await store.createRefreshFamily(other, tokenHash("other-first"));
        await store.revokeRefreshFamily(family.id, T0 + 10);
        await expect(store.findRefreshToken(first)).resolves.toMatchObject({ revokedAt: T0 + 10 });
        await expect(store.findRefreshToken(tokenHash("other-first"))).resolves.toMatchObject({
          revokedAt: null,
        });
      });

      it("treats revoking an unknown family as a no-op", async () => {
        const { store, first } = await withFamily();
        await expect(store.revokeRefreshFamily(uuid(4, 404), T0)).resolves.toBeUndefined();
        await expect(store.findRefreshToken(first)).resolves.toMatchObject({ revokedAt: null });
      });

      it("revokes every family of one user and no other user's", async () => {
        const { store, user, family, first } = await withFamily(1);
        const second = makeFamily(2, user.id);
        await store.createRefreshFamily(second, tokenHash("second-first"));
        const bob = await insert(store, makeUser(3));
        await store.createRefreshFamily(makeFamily(3, bob.id), tokenHash("bob-first"));
        await store.revokeRefreshFamily(family.id, T0 + 5);

        await store.revokeUserRefreshFamilies(user.id, T0 + 10);
        await expect(store.findRefreshToken(first)).resolves.toMatchObject({ revokedAt: T0 + 5 });
        await expect(store.findRefreshToken(tokenHash("second-first"))).resolves.toMatchObject({
          revokedAt: T0 + 10,
        });
        await expect(store.findRefreshToken(tokenHash("bob-first"))).resolves.toMatchObject({
          revokedAt: null,
        });
      });
    });

    it("answers ping", async () => {
      await expect(subject().store.ping()).resolves.toBeUndefined();
    });
  });
}
