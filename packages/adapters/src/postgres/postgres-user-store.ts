import { err, ok, type RefreshTokenRecord, type UserStore } from "@kong-jwt-auth/core";
import { and, eq, isNull, sql } from "drizzle-orm";
import { toRefreshFamilyRow, toRefreshTokenRow } from "../drizzle/refresh-rows.js";
import { driverErrorCode, storeFault, storeGuard } from "../drizzle/store-fault.js";
import { toUser, toUserRow, toUserUpdateRow } from "../drizzle/user-row.js";
import type { PostgresDatabase } from "./postgres-database.js";
import { refreshFamilies, refreshTokens, users } from "./schema.js";

const STORE = "postgres user store";
/** PostgreSQL's SQLSTATE for a unique violation. */
const UNIQUE_VIOLATION = "23505";

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
 * The {@link UserStore} over PostgreSQL with drizzle: a pg `Pool` against a server, or PGlite.
 * Build the database with `openPostgresDatabase` (or `openPgliteDatabase`) and apply
 * `migratePostgres` first.
 *
 * A rotation is one transaction that first locks the family row (`SELECT … FOR UPDATE`), then
 * marks the parent used with a conditional update and inserts the child. Revocation updates
 * the same row, so rotation and revocation serialise per family: under READ COMMITTED a
 * revocation could otherwise run between the check and the insert and miss the new child.
 */
export function createPostgresUserStore(db: PostgresDatabase): UserStore {
  return {
    async findUserByUsername(username) {
      const [row] = await guarded("findUserByUsername", () =>
        db.select().from(users).where(eq(users.username, username)).limit(1),
      );
      return row ? toUser(row, STORE) : null;
    },

    async findUserById(id) {
      const [row] = await guarded("findUserById", () =>
        db.select().from(users).where(eq(users.id, id)).limit(1),
      );
      return row ? toUser(row, STORE) : null;
    },

    async insertUser(user) {
      try {
        await db.insert(users).values(toUserRow(user));
        return ok(user);
      } catch (error) {
        if (driverErrorCode(error) === UNIQUE_VIOLATION) {
          const [taken] = await guarded("insertUser", () =>
            db
              .select({ id: users.id })
              .from(users)
              .where(eq(users.username, user.username))
              .limit(1),
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
        db.update(users).set(toUserUpdateRow(update)).where(eq(users.id, id)),
      );
    },

    async createRefreshFamily(family, firstTokenHash) {
      await guarded("createRefreshFamily", () =>
        db.transaction(async (tx) => {
          await tx.insert(refreshFamilies).values(toRefreshFamilyRow(family));
          await tx.insert(refreshTokens).values(
            toRefreshTokenRow({
              tokenHash: firstTokenHash,
              familyId: family.id,
              parentHash: null,
              createdAt: family.createdAt,
            }),
          );
        }),
      );
    },

    async findRefreshToken(tokenHash): Promise<RefreshTokenRecord | null> {
      const [row] = await guarded("findRefreshToken", () =>
        db
          .select(tokenRecordColumns)
          .from(refreshTokens)
          .innerJoin(refreshFamilies, eq(refreshFamilies.id, refreshTokens.familyId))
          .where(eq(refreshTokens.tokenHash, tokenHash))
          .limit(1),
      );
      return row ?? null;
    },

    async rotateRefreshToken({ parentHash, childHash, at }) {
      return guarded("rotateRefreshToken", () =>
        db.transaction(async (tx) => {
          const [parent] = await tx
            .select({ familyId: refreshTokens.familyId })
            .from(refreshTokens)
            .where(eq(refreshTokens.tokenHash, parentHash))
            .limit(1);
          if (!parent) return false;
          // Rotations and revocations of this family queue here, one at a time.
          const [family] = await tx
            .select({ revokedAt: refreshFamilies.revokedAt })
            .from(refreshFamilies)
            .where(eq(refreshFamilies.id, parent.familyId))
            .for("update");
          if (!family || family.revokedAt !== null) return false;
          const claimed = await tx
            .update(refreshTokens)
            .set({ usedAt: at })
            .where(and(eq(refreshTokens.tokenHash, parentHash), isNull(refreshTokens.usedAt)))
            .returning({ familyId: refreshTokens.familyId });
          if (claimed.length !== 1) return false;
          await tx.insert(refreshTokens).values(
            toRefreshTokenRow({
              tokenHash: childHash,
              familyId: parent.familyId,
              parentHash,
              createdAt: at,
            }),
          );
          return true;
        }),
      );
    },

    async revokeRefreshFamily(familyId, at) {
      await guarded("revokeRefreshFamily", () =>
        db
          .update(refreshFamilies)
          .set({ revokedAt: at })
          .where(and(eq(refreshFamilies.id, familyId), isNull(refreshFamilies.revokedAt))),
      );
    },

    async revokeUserRefreshFamilies(userId, at) {
      await guarded("revokeUserRefreshFamilies", () =>
        db
          .update(refreshFamilies)
          .set({ revokedAt: at })
          .where(and(eq(refreshFamilies.userId, userId), isNull(refreshFamilies.revokedAt))),
      );
    },

    async ping() {
      await guarded("ping", () => db.execute(sql`select 1`));
    },
  };
}
