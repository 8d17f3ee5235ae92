import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RefreshFamily, User } from "@kong-jwt-auth/core";
import { describeUserStoreContract } from "@kong-jwt-auth/testkit/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { migrateSqlite, openSqliteDatabase, type SqliteDatabase } from "./sqlite-database.js";
import { createSqliteUserStore } from "./sqlite-user-store.js";

function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), "kong-jwt-auth-sqlite-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

describeUserStoreContract("SQLite user store (:memory:, real migrations)", async () => {
  const db = openSqliteDatabase(":memory:");
  migrateSqlite(db);
  return {
    store: createSqliteUserStore(db),
    close: async () => {
      db.$client.close();
    },
  };
});

describeUserStoreContract("SQLite user store (temp file)", async () => {
  const dir = tempDir();
  const db = openSqliteDatabase(`file:${join(dir.path, "nested", "auth.db")}`);
  migrateSqlite(db);
  return {
    store: createSqliteUserStore(db),
    close: async () => {
      db.$client.close();
      dir.remove();
    },
  };
});

const USER: User = {
  id: "0b9a3c2e-5d4f-4e6a-8b7c-1d2e3f4a5b6c",
  username: "alice",
  passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
  consumerId: "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
  credential: { id: "cred-1", key: "key-1", secret: "secret-1", algorithm: "HS256" },
  createdAt: 1_000,
  updatedAt: 1_000,
};

const FAMILY: RefreshFamily = {
  id: "family-1",
  userId: USER.id,
  successorKey: "successor-key",
  expiresAt: 10_000,
  createdAt: 1_000,
};

describe("SQLite database helpers", () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  });

  function open(url: string, busyTimeoutMs?: number): SqliteDatabase {
    const db = openSqliteDatabase(url, busyTimeoutMs === undefined ? {} : { busyTimeoutMs });
    cleanups.push(() => db.$client.close());
    return db;
  }

  it("creates the folder of a file: URL and turns on WAL, foreign keys and a busy timeout", () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const db = open(`file:${join(dir.path, "a", "b", "auth.db")}`);
    expect(db.$client.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.$client.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.$client.pragma("busy_timeout", { simple: true })).toBe(5000);
  });

  it("refuses a URL that is neither :memory: nor file:", () => {
    expect(() => openSqliteDatabase("postgres://localhost/db")).toThrow(TypeError);
  });

  it("applies the migrations idempotently", () => {
    const db = open(":memory:");
    migrateSqlite(db);
    migrateSqlite(db);
    const applied = db.$client.prepare("select count(*) as n from __drizzle_migrations").get();
    expect(applied).toEqual({ n: 2 });
  });

  it("brings a fresh database and one at the previous migration to the same schema", () => {
    const schemaOf = (db: SqliteDatabase): unknown =>
      db.$client
        .prepare(
          "select type, name, tbl_name, sql from sqlite_master where name not like 'sqlite_%' order by type, name",
        )
        .all();

    const fresh = open(":memory:");
    migrateSqlite(fresh);

    // The previous release's state: only the first migration, with a user in it.
    const dir = tempDir();
    cleanups.push(dir.remove);
    const previousFolder = join(dir.path, "migrations");
    cpSync(join(import.meta.dirname, "migrations"), previousFolder, { recursive: true });
    const journalPath = join(previousFolder, "meta", "_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: unknown[] };
    writeFileSync(
      journalPath,
      JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }),
    );

    const upgraded = open(":memory:");
    migrateSqlite(upgraded, previousFolder);
    expect(schemaOf(upgraded)).not.toEqual(schemaOf(fresh));
    upgraded.$client
      .prepare(
        "insert into users values (@id, @username, 'h', 'c', 'ci', 'ck', 'cs', 'HS256', 1, 1)",
      )
      .run({ id: USER.id, username: USER.username });

    migrateSqlite(upgraded);

    expect(schemaOf(upgraded)).toEqual(schemaOf(fresh));
    expect(upgraded.$client.prepare("select username from users").all()).toEqual([
      { username: "alice" },
    ]);
  });

  it("deletes a user's families and tokens with the user (foreign keys cascade)", async () => {
    const db = open(":memory:");
    migrateSqlite(db);
    const store = createSqliteUserStore(db);
    await store.insertUser(USER);
    await store.createRefreshFamily(FAMILY, "hash-1");
    db.$client.prepare("delete from users where id = ?").run(USER.id);
    expect(await store.findRefreshToken("hash-1")).toBeNull();
    expect(db.$client.prepare("select count(*) as n from refresh_families").get()).toEqual({
      n: 0,
    });
  });

  it("reports a duplicate credential key as a storage fault without secrets in the message", async () => {
    const db = open(":memory:");
    migrateSqlite(db);
    const store = createSqliteUserStore(db);
    await store.insertUser(USER);
    const clash = { ...USER, id: "other-id", username: "bob" };
    const failure = await store.insertUser(clash).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    const message = failure instanceof Error ? failure.message : "";
    expect(message).toContain("SQLITE_CONSTRAINT_UNIQUE");
    expect(message).not.toContain(USER.credential.secret);
    expect(message).not.toContain(USER.passwordHash);
  });
});

describe("SQLite rotation across two connections on one file", () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  });

  async function twoConnections(busyTimeoutMs?: number) {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const url = `file:${join(dir.path, "auth.db")}`;
    const first = openSqliteDatabase(url);
    cleanups.push(() => first.$client.close());
    migrateSqlite(first);
    const second = openSqliteDatabase(url, busyTimeoutMs === undefined ? {} : { busyTimeoutMs });
    cleanups.push(() => second.$client.close());
    const a = createSqliteUserStore(first);
    const b = createSqliteUserStore(second);
    await a.insertUser(USER);
    await a.createRefreshFamily(FAMILY, "parent");
    return { first, second, a, b };
  }

  it("lets exactly one connection rotate a token", async () => {
    const { a, b } = await twoConnections();
    const results = await Promise.all([
      a.rotateRefreshToken({ parentHash: "parent", childHash: "child-a", at: 2_000 }),
      b.rotateRefreshToken({ parentHash: "parent", childHash: "child-b", at: 2_001 }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const children = await Promise.all([
      b.findRefreshToken("child-a"),
      a.findRefreshToken("child-b"),
    ]);
    expect(children.filter((child) => child !== null)).toHaveLength(1);
    expect((await b.findRefreshToken("parent"))?.usedAt).toBe(results[0] ? 2_000 : 2_001);
  });

  it("refuses a rotation with SQLITE_BUSY while another connection holds the write lock, then sees its committed write", async () => {
    const { first, b } = await twoConnections(50);
    // Another process is mid-rotation: it holds the write lock and has marked the parent used.
    first.$client.exec("begin immediate");
    first.$client
      .prepare("update refresh_tokens set used_at = 1500 where token_hash = 'parent'")
      .run();

    // The second connection cannot slip in a rotation of its own while the lock is held…
    await expect(
      b.rotateRefreshToken({ parentHash: "parent", childHash: "child-b", at: 2_000 }),
    ).rejects.toThrow(/SQLITE_BUSY/);

    // …and once the first commits, it sees the parent as used and rotates nothing.
    first.$client.exec("commit");
    expect(
      await b.rotateRefreshToken({ parentHash: "parent", childHash: "child-b", at: 2_000 }),
    ).toBe(false);
    expect(await b.findRefreshToken("child-b")).toBeNull();
  });

  it("refuses to rotate a token of a family revoked through the other connection", async () => {
    const { a, b } = await twoConnections();
    await a.revokeRefreshFamily(FAMILY.id, 1_500);
    expect(
      await b.rotateRefreshToken({ parentHash: "parent", childHash: "child-b", at: 2_000 }),
    ).toBe(false);
    expect((await b.findRefreshToken("parent"))?.usedAt).toBeNull();
  });
});
