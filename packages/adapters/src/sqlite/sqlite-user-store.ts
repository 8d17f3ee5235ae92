import { err, ok, type RefreshTokenRecord, type UserStore } from "@kong-jwt-auth/core";
import { and, eq, isNull, sql } from "drizzle-orm";
import { toRefreshFamilyRow, toRefreshTokenRow } from "../drizzle/refresh-rows.js";
import { driverErrorCode, storeFault, storeGuard } from "../drizzle/store-fault.js";
import { toUser, toUserRow, toUserUpdateRow } from "../drizzle/user-row.js";
import { refreshFamilies, refreshTokens, users } from "./schema.js";
import type { SqliteDatabase } from "./sqlite-database.js";

const STORE = "sqlite user store";

/** Runs a store operation, re-throwing driver faults without query parameters in the message. */
const guarded = storeGuard(STORE);

const tokenRecordColumns = {
  tokenHash: refreshTokens.tokenHash,
  parentHash: refreshTokens.parentHash,
  familyId: refreshTokens.familyId,
  userId: refreshFamilies.userId,
  successorKey: refreshFamilies.successorKey,
  expiresAt: refreshFamilies.expiresAt,
  createdAt: refreshTokens.createdAt,
  usedAt: refreshTokens.usedAt,
  revokedAt: refreshFamilies.revokedAt,
};

/**
 * The statements of the hot paths (signin, refresh, every `/api/jwt` call), prepared once:
 * building a query through drizzle costs about twenty times what SQLite takes to run it.
 */
function prepareStatements(db: SqliteDatabase) {
  const placeholder = sql.placeholder;
  return {
    userByUsername: db
      .select()
      .from(users)
      .where(eq(users.username, placeholder("username")))
      .prepare(),
    userById: db
      .select()
      .from(users)
      .where(eq(users.id, placeholder("id")))
      .prepare(),
    tokenRecord: db
      .select(tokenRecordColumns)
      .from(refreshTokens)
      .innerJoin(refreshFamilies, eq(refreshFamilies.id, refreshTokens.familyId))
      .where(eq(refreshTokens.tokenHash, placeholder("tokenHash")))
      .prepare(),
    claimParent: db
      .update(refreshTokens)
      .set({ usedAt: sql`${placeholder("at")}` })
      .where(
        and(
          eq(refreshTokens.tokenHash, placeholder("parentHash")),
          isNull(refreshTokens.usedAt),
          sql`exists (select 1 from ${refreshFamilies} where ${refreshFamilies.id} = ${refreshTokens.familyId} and ${refreshFamilies.revokedAt} is null)`,
        ),
      )
      .returning({ familyId: refreshTokens.familyId })
      .prepare(),
  };
}

/**
 * The {@link UserStore} over SQLite (better-sqlite3 + drizzle). Build the database with
 * `openSqliteDatabase` and apply `migrateSqlite` first.
 *
 * A rotation is one `BEGIN IMMEDIATE` transaction: it takes the database's write lock before
 * reading, so two processes on one file serialise on it, and the conditional update
 * (`used_at IS NULL`, family not revoked) lets exactly one of two rotations of a token win.
 */
export function createSqliteUserStore(db: SqliteDatabase): UserStore {
  // Prepared on first use, since SQLite only prepares statements over tables that exist.
  let prepared: ReturnType<typeof prepareStatements> | undefined;
  const statements = () => {
    prepared ??= prepareStatements(db);
    return prepared;
  };
  return {
    async findUserByUsername(username) {
      const row = await guarded("findUserByUsername", () =>
        statements().userByUsername.get({ username }),
      );
      return row ? toUser(row, STORE) : null;
    },

    async findUserById(id) {
      const row = await guarded("findUserById", () => statements().userById.get({ id }));
      return row ? toUser(row, STORE) : null;
    },

    async insertUser(user) {
      try {
        db.insert(users).values(toUserRow(user)).run();
        return ok(user);
      } catch (error) {
        if (driverErrorCode(error) === "SQLITE_CONSTRAINT_UNIQUE") {
          // Which unique index failed is only in the message ("… failed: users.username").
          const taken = await guarded("insertUser", () =>
            db.select({ id: users.id }).from(users).where(eq(users.username, user.username)).get(),
          );
          if (taken) {
            return err({ code: "username_taken", message: "the username is already taken" });
          }
        }
        throw storeFault(STORE, "insertUser", error);
      }
    },

    async updateUser(id, update) {
      await guarded("updateUser", () =>
        db.update(users).set(toUserUpdateRow(update)).where(eq(users.id, id)).run(),
      );
    },

    async createRefreshFamily(family, firstTokenHash) {
      await guarded("createRefreshFamily", () =>
        db.transaction((tx) => {
          tx.insert(refreshFamilies).values(toRefreshFamilyRow(family)).run();
          tx.insert(refreshTokens)
            .values(
              toRefreshTokenRow({
                tokenHash: firstTokenHash,
                familyId: family.id,
                parentHash: null,
                createdAt: family.createdAt,
              }),
            )
            .run();
        }),
      );
    },

    async findRefreshToken(tokenHash): Promise<RefreshTokenRecord | null> {
      const row = await guarded("findRefreshToken", () =>
        statements().tokenRecord.get({ tokenHash }),
      );
      return row ?? null;
    },

    async rotateRefreshToken({ parentHash, childHash, at }) {
      const { claimParent } = statements();
      return guarded("rotateRefreshToken", () =>
        db.transaction(
          (tx) => {
            // The prepared statement runs on the same connection, inside this transaction.
            const claimed = claimParent.get({ parentHash, at });
            if (!claimed) return false;
            tx.insert(refreshTokens)
              .values(
                toRefreshTokenRow({
                  tokenHash: childHash,
                  familyId: claimed.familyId,
                  parentHash,
                  createdAt: at,
                }),
              )
              .run();
            return true;
          },
          { behavior: "immediate" },
        ),
      );
    },

    async revokeRefreshFamily(familyId, at) {
      await guarded("revokeRefreshFamily", () =>
        db
          .update(refreshFamilies)
          .set({ revokedAt: at })
          .where(and(eq(refreshFamilies.id, familyId), isNull(refreshFamilies.revokedAt)))
          .run(),
      );
    },

    async revokeUserRefreshFamilies(userId, at) {
      await guarded("revokeUserRefreshFamilies", () =>
        db
          .update(refreshFamilies)
          .set({ revokedAt: at })
          .where(and(eq(refreshFamilies.userId, userId), isNull(refreshFamilies.revokedAt)))
          .run(),
      );
    },

    async ping() {
      await guarded("ping", () => db.get(sql`select 1`));
    },
  };
}
