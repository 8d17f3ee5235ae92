import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RefreshFamily, User } from "@kong-jwt-auth/core";
import { describeUserStoreContract } from "@kong-jwt-auth/testkit/contracts";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  migratePostgres,
  openPgliteDatabase,
  openPostgresDatabase,
  type PgliteUserDatabase,
  POSTGRES_MIGRATIONS_FOLDER,
  type PostgresDatabase,
} from "./postgres-database.js";
import { createPostgresUserStore } from "./postgres-user-store.js";

const SERVER_URL = "postgres://postgres@127.0.0.1:5432/test";

/** True when a PostgreSQL server answers at {@link SERVER_URL}; decided once, at load. */
async function serverAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const hasServer = await serverAnswers();

/** Each test gets a schema of its own, dropped afterwards, so runs never see each other. */
function freshSchemaName(): string {
  return `test_${randomBytes(6).toString("hex")}`;
}

interface Isolated {
  readonly db: PostgresDatabase;
  /** The test's own schema, which is the connection's search_path. */
  readonly schema: string;
  /** Raw SQL on the test's connection. */
  readonly query: (text: string) => Promise<Record<string, unknown>[]>;
  readonly close: () => Promise<void>;
}

let admin: pg.Pool | undefined;

async function onServer(migrationsFolder?: string): Promise<Isolated> {
  admin ??= new pg.Pool({ connectionString: SERVER_URL, max: 2 });
  const schema = freshSchemaName();
  await admin.query(`create schema "${schema}"`);
  const db = openPostgresDatabase(SERVER_URL, { max: 4, options: `-c search_path=${schema}` });
  await migratePostgres(db, { migrationsSchema: schema, migrationsFolder });
  return {
    db,
    schema,
    query: async (text) => (await db.$client.query<Record<string, unknown>>(text)).rows,
    close: async () => {
      await db.$client.end();
      await admin?.query(`drop schema "${schema}" cascade`);
    },
  };
}

let sharedPglite: Promise<PgliteUserDatabase> | undefined;

async function onPglite(migrationsFolder?: string): Promise<Isolated> {
  // One PGlite per file (it takes a moment to boot); a schema per test keeps tests apart.
  sharedPglite ??= openPgliteDatabase();
  const db = await sharedPglite;
  const schema = freshSchemaName();
  await db.$client.exec(`create schema "${schema}"; set search_path to "${schema}"`);
  await migratePostgres(db, { migrationsSchema: schema, migrationsFolder });
  return {
    db,
    schema,
    query: async (text) => (await db.$client.query<Record<string, unknown>>(text)).rows,
    close: async () => {
      await db.$client.exec(`reset search_path; drop schema "${schema}" cascade`);
    },
  };
}

afterAll(async () => {
  await admin?.end();
  await (await sharedPglite)?.$client.close();
});

const onTarget: (migrationsFolder?: string) => Promise<Isolated> = hasServer ? onServer : onPglite;
const TARGET = hasServer ? "a PostgreSQL server" : "PGlite (no server answered)";

describeUserStoreContract(`PostgreSQL user store on ${TARGET}`, async () => {
  const { db, close } = await onTarget();
  return { store: createPostgresUserStore(db), close };
});

describeUserStoreContract("PostgreSQL user store on PGlite", async () => {
  const { db, close } = await onPglite();
  return { store: createPostgresUserStore(db), close };
});

const USER: User = {
  id: "0b9a3c2e-5d4f-4e6a-8b7c-1d2e3f4a5b6c",
  username: "alice",
  passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
  consumerId: "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
  credential: { id: "cred-1", key: "key-1", secret: "secret-1", algorithm: "HS256" },
  createdAt: 1_767_225_600_000,
  updatedAt: 1_767_225_600_000,
};

const FAMILY: RefreshFamily = {
  id: "family-1",
  userId: USER.id,
  successorKey: "successor-key",
  expiresAt: 1_767_830_400_000,
  createdAt: 1_767_225_600_000,
};

describe(`PostgreSQL user store specifics on ${TARGET}`, () => {
  it("keeps epoch milliseconds beyond 32 bits exactly, as numbers", async () => {
    const { db, close } = await onTarget();
    try {
      const store = createPostgresUserStore(db);
      await store.insertUser(USER);
      await store.createRefreshFamily(FAMILY, "hash-1");
      expect(await store.findUserById(USER.id)).toEqual(USER);
      expect(await store.findRefreshToken("hash-1")).toMatchObject({
        expiresAt: FAMILY.expiresAt,
        createdAt: FAMILY.createdAt,
      });
    } finally {
      await close();
    }
  });

  it("brings a fresh database and one at the previous migration to the same schema", async () => {
    // PGlite has one connection, so the two databases are built one after the other.
    const fresh = await onTarget();
    const expected = await schemaShape(fresh);
    await fresh.close();

    const dir = mkdtempSync(join(tmpdir(), "kong-jwt-auth-pg-"));
    try {
      const previousFolder = join(dir, "migrations");
      cpSync(POSTGRES_MIGRATIONS_FOLDER, previousFolder, { recursive: true });
      const journalPath = join(previousFolder, "meta", "_journal.json");
      const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: unknown[] };
      writeFileSync(
        journalPath,
        JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }),
      );

      const upgraded = await onTarget(previousFolder);
      try {
        expect(await schemaShape(upgraded)).not.toEqual(expected);
        await createPostgresUserStore(upgraded.db).insertUser(USER);
        await migratePostgres(upgraded.db, { migrationsSchema: upgraded.schema });
        expect(await schemaShape(upgraded)).toEqual(expected);
        expect(await createPostgresUserStore(upgraded.db).findUserById(USER.id)).toEqual(USER);
      } finally {
        await upgraded.close();
      }
    } finally {
      // Also when the old migrations fail to apply: no copy is left behind in the temp folder.
      rmSync(dir, { recursive: true, force: true });
    }
  });

  if (hasServer) {
    it("makes a rotation wait for a concurrent revocation of its family, then refuse", async () => {
      const { db, schema, close } = await onTarget();
      const other = new pg.Client({
        connectionString: SERVER_URL,
        options: `-c search_path=${schema}`,
      });
      try {
        const store = createPostgresUserStore(db);
        await store.insertUser(USER);
        await store.createRefreshFamily(FAMILY, "parent");
        await other.connect();
        // Another instance revokes the family and has not committed yet.
        await other.query("begin");
        await other.query("update refresh_families set revoked_at = 1 where id = $1", [FAMILY.id]);

        const rotation = store.rotateRefreshToken({
          parentHash: "parent",
          childHash: "child",
          at: 2,
        });
        // The rotation queues on the family row lock; once the revocation commits it sees it.
        await waitForLockWaiter(other);
        await other.query("commit");

        expect(await rotation).toBe(false);
        expect(await store.findRefreshToken("child")).toBeNull();
      } finally {
        await other.end();
        await close();
      }
    });
  } else {
    it("refuses to rotate a token once its family is revoked", async () => {
      const { db, close } = await onTarget();
      try {
        const store = createPostgresUserStore(db);
        await store.insertUser(USER);
        await store.createRefreshFamily(FAMILY, "parent");
        await store.revokeRefreshFamily(FAMILY.id, 1);
        expect(
          await store.rotateRefreshToken({ parentHash: "parent", childHash: "child", at: 2 }),
        ).toBe(false);
      } finally {
        await close();
      }
    });
  }

  it("reports a duplicate credential key as a storage fault without secrets in the message", async () => {
    const { db, close } = await onTarget();
    try {
      const store = createPostgresUserStore(db);
      await store.insertUser(USER);
      const failure = await store.insertUser({ ...USER, id: "other", username: "bob" }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      const message = failure instanceof Error ? failure.message : "";
      expect(message).toContain("23505");
      expect(message).not.toContain(USER.credential.secret);
      expect(message).not.toContain(USER.passwordHash);
    } finally {
      await close();
    }
  });
});

/** Tables, columns, constraints and indexes of the test's schema, without its name. */
async function schemaShape({ schema, query }: Isolated): Promise<unknown> {
  const columns = await query(
    `select table_name, column_name, data_type, is_nullable from information_schema.columns
     where table_schema = current_schema() order by table_name, column_name`,
  );
  // NOT NULL shows up as CHECK constraints named after OIDs; the columns above cover it.
  const constraints = await query(
    `select table_name, constraint_name, constraint_type from information_schema.table_constraints
     where table_schema = current_schema() and constraint_type <> 'CHECK'
     order by table_name, constraint_name`,
  );
  const indexes = (
    await query(
      `select indexname, indexdef from pg_indexes
       where schemaname = current_schema() order by indexname`,
    )
  ).map((row) => JSON.stringify(row).replaceAll(schema, "<schema>"));
  return { columns, constraints, indexes };
}

/** Polls pg_locks until some backend waits for a lock held by `holder`'s backend. */
async function waitForLockWaiter(holder: pg.Client): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const { rows } = await holder.query<{ waiting: boolean }>(
      `select exists (
         select 1 from pg_stat_activity
         where pg_backend_pid() = any(pg_blocking_pids(pid))
       ) as waiting`,
    );
    if (rows[0]?.waiting) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the rotation never waited for the revocation's lock");
}
