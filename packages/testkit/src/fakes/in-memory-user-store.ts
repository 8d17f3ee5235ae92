import {
  err,
  ok,
  type RefreshFamily,
  type RefreshTokenRecord,
  type User,
  type UserStore,
} from "@kong-jwt-auth/core";
import { createFaultPlan, type FaultInjection } from "./faults.js";

/** The methods of {@link UserStore}, which {@link InMemoryUserStore.failOn} can make throw. */
export type UserStoreMethod = keyof UserStore;

/**
 * A {@link UserStore} in memory, plus test hooks: injected faults (the method throws an
 * `Error`, as a driver would) and read-only views of what it holds.
 */
export interface InMemoryUserStore extends UserStore, FaultInjection<UserStoreMethod> {
  /** Every user, as stored (copies). */
  listUsers(): readonly User[];
  /** Every refresh token joined with its family (copies), in insertion order. */
  listRefreshTokens(): readonly RefreshTokenRecord[];
}

interface StoredFamily {
  readonly family: RefreshFamily;
  revokedAt: number | null;
}

interface StoredToken {
  readonly tokenHash: string;
  readonly parentHash: string | null;
  readonly familyId: string;
  readonly createdAt: number;
  usedAt: number | null;
}

/**
 * Creates an empty in-memory store with the same rules as the SQL ones: unique usernames
 * (compared exactly), unique ids and token hashes, values copied in and out, and an atomic
 * check-and-set rotation.
 */
export function createInMemoryUserStore(): InMemoryUserStore {
  const users = new Map<string, User>();
  const idByUsername = new Map<string, string>();
  const families = new Map<string, StoredFamily>();
  const tokens = new Map<string, StoredToken>();
  const faults = createFaultPlan<UserStoreMethod>();

  /** Runs a store operation in one synchronous step (a transaction), honouring injected faults. */
  function run<T>(method: UserStoreMethod, operation: () => T): Promise<T> {
    return faults.run(method, operation, (tookEffect) => {
      throw new Error(
        tookEffect
          ? `injected fault after the write: users.${method}`
          : `injected fault: users.${method}`,
      );
    });
  }

  function record(token: StoredToken): RefreshTokenRecord {
    const stored = families.get(token.familyId);
    if (!stored) throw new Error(`refresh token of a missing family ${token.familyId}`);
    return {
      tokenHash: token.tokenHash,
      parentHash: token.parentHash,
      familyId: token.familyId,
      userId: stored.family.userId,
      successorKey: stored.family.successorKey,
      expiresAt: stored.family.expiresAt,
      createdAt: token.createdAt,
      usedAt: token.usedAt,
      revokedAt: stored.revokedAt,
    };
  }

  function revoke(stored: StoredFamily, at: number): void {
    if (stored.revokedAt === null) stored.revokedAt = at;
  }

  return {
    failOn: faults.failOn,
    clearFailures: faults.clearFailures,
    findUserByUsername: (username) =>
      run("findUserByUsername", () => {
        const id = idByUsername.get(username);
        const user = id === undefined ? undefined : users.get(id);
        return user ? structuredClone(user) : null;
      }),
    findUserById: (id) =>
      run("findUserById", () => {
        const user = users.get(id);
        return user ? structuredClone(user) : null;
      }),
    insertUser: (user) =>
      run("insertUser", () => {
        if (idByUsername.has(user.username)) {
          return err({ code: "username_taken" as const, message: "that username is taken" });
        }
        if (users.has(user.id)) throw new Error(`duplicate user id ${user.id}`);
        const copy = structuredClone(user);
        users.set(copy.id, copy);
        idByUsername.set(copy.username, copy.id);
        return ok(structuredClone(copy));
      }),
    updateUser: (id, update) =>
      run("updateUser", () => {
        const user = users.get(id);
        if (!user) return;
        const { passwordHash, consumerId, credential, updatedAt } = structuredClone(update);
        users.set(id, {
          ...user,
          ...(passwordHash === undefined ? {} : { passwordHash }),
          ...(consumerId === undefined ? {} : { consumerId }),
          ...(credential === undefined ? {} : { credential }),
          updatedAt,
        });
      }),
    createRefreshFamily: (family, firstTokenHash) =>
      run("createRefreshFamily", () => {
        if (!users.has(family.userId)) throw new Error(`refresh family of a missing user`);
        if (families.has(family.id)) throw new Error(`duplicate refresh family ${family.id}`);
        if (tokens.has(firstTokenHash)) throw new Error("duplicate refresh token hash");
        families.set(family.id, { family: structuredClone(family), revokedAt: null });
        tokens.set(firstTokenHash, {
          tokenHash: firstTokenHash,
          parentHash: null,
          familyId: family.id,
          createdAt: family.createdAt,
          usedAt: null,
        });
      }),
    findRefreshToken: (tokenHash) =>
      run("findRefreshToken", () => {
        const token = tokens.get(tokenHash);
        return token ? record(token) : null;
      }),
    rotateRefreshToken: ({ parentHash, childHash, at }) =>
      run("rotateRefreshToken", () => {
        // Check and set in one synchronous step: of concurrent rotations, the first wins.
        const parent = tokens.get(parentHash);
        if (!parent || parent.usedAt !== null) return false;
        if (families.get(parent.familyId)?.revokedAt !== null) return false;
        if (tokens.has(childHash)) throw new Error("duplicate refresh token hash");
        parent.usedAt = at;
        tokens.set(childHash, {
          tokenHash: childHash,
          parentHash,
          familyId: parent.familyId,
          createdAt: at,
          usedAt: null,
        });
        return true;
      }),
    revokeRefreshFamily: (familyId, at) =>
      run("revokeRefreshFamily", () => {
        const stored = families.get(familyId);
        if (stored) revoke(stored, at);
      }),
    revokeUserRefreshFamilies: (userId, at) =>
      run("revokeUserRefreshFamilies", () => {
        for (const stored of families.values()) {
          if (stored.family.userId === userId) revoke(stored, at);
        }
      }),
    ping: () => run("ping", () => undefined),
    listUsers: () => Array.from(users.values(), (user) => structuredClone(user)),
    listRefreshTokens: () => Array.from(tokens.values(), record),
  };
}
