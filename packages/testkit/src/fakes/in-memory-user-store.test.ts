import type { User } from "@kong-jwt-auth/core";
import { describe, expect, it } from "vitest";
import { describeUserStoreContract } from "../contracts/index.js";
import { createInMemoryUserStore } from "./in-memory-user-store.js";

describeUserStoreContract("in-memory user store", async () => ({
  store: createInMemoryUserStore(),
}));

const user: User = {
  id: "00000001-0000-4000-8000-000000000001",
  username: "alice",
  passwordHash: "fake$hash",
  consumerId: "00000002-0000-4000-8000-000000000001",
  credential: { id: "c", key: "k", secret: "s", algorithm: "HS256" },
  createdAt: 1,
  updatedAt: 1,
};

describe("in-memory user store hooks", () => {
  it("starts empty", () => {
    const store = createInMemoryUserStore();
    expect(store.listUsers()).toEqual([]);
    expect(store.listRefreshTokens()).toEqual([]);
  });

  it("throws from a method told to fail, the given number of times, then works again", async () => {
    const store = createInMemoryUserStore();
    store.failOn("insertUser", 2);
    await expect(store.insertUser(user)).rejects.toThrow("injected fault: users.insertUser");
    await expect(store.insertUser(user)).rejects.toThrow("injected fault");
    expect(store.listUsers()).toEqual([]);
    await expect(store.insertUser(user)).resolves.toMatchObject({ ok: true });
  });

  it("applies the write and still throws when the response is lost", async () => {
    const store = createInMemoryUserStore();
    store.failOn("insertUser", 1, { lostResponse: true });
    await expect(store.insertUser(user)).rejects.toThrow("after the write");
    expect(store.listUsers()).toEqual([user]);
  });

  it("fails until cleared when told to fail Infinity times", async () => {
    const store = createInMemoryUserStore();
    store.failOn("ping", Number.POSITIVE_INFINITY);
    for (let i = 0; i < 5; i += 1) await expect(store.ping()).rejects.toThrow("injected");
    store.clearFailures();
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it("lists copies: changing a listed user does not change the store", async () => {
    const store = createInMemoryUserStore();
    await store.insertUser(user);
    const [listed] = store.listUsers();
    if (listed) Object.assign(listed, { username: "mallory" });
    expect(store.listUsers()).toEqual([user]);
  });

  it("refuses a refresh family of a missing user, as a foreign key would", async () => {
    const store = createInMemoryUserStore();
    await expect(
      store.createRefreshFamily(
        { id: "f", userId: "nobody", successorKey: "k", expiresAt: 2, createdAt: 1 },
        "hash",
      ),
    ).rejects.toThrow("missing user");
  });
});
