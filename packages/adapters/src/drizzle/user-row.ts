import type { HmacAlgorithm, User, UserUpdate } from "@kong-jwt-auth/core";

/** A `users` row, as both the SQLite and the PostgreSQL schema type it. */
export interface UserRow {
  readonly id: string;
  readonly username: string;
  readonly passwordHash: string;
  readonly consumerId: string;
  readonly credentialId: string;
  readonly credentialKey: string;
  readonly credentialSecret: string;
  readonly credentialAlgorithm: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

function isHmacAlgorithm(value: string): value is HmacAlgorithm {
  return value === "HS256" || value === "HS384" || value === "HS512";
}

/** Maps a row to a {@link User}; a row no version of this code could write is a fault. */
export function toUser(row: UserRow, store: string): User {
  if (!isHmacAlgorithm(row.credentialAlgorithm)) {
    throw new Error(`${store}: user ${row.id} has an unknown credential algorithm`);
  }
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.passwordHash,
    consumerId: row.consumerId,
    credential: {
      id: row.credentialId,
      key: row.credentialKey,
      secret: row.credentialSecret,
      algorithm: row.credentialAlgorithm,
    },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The row of a {@link User}. */
export function toUserRow(user: User): UserRow {
  return {
    id: user.id,
    username: user.username,
    passwordHash: user.passwordHash,
    consumerId: user.consumerId,
    credentialId: user.credential.id,
    credentialKey: user.credential.key,
    credentialSecret: user.credential.secret,
    credentialAlgorithm: user.credential.algorithm,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

/** The columns a {@link UserUpdate} sets; drizzle leaves the undefined ones untouched. */
export function toUserUpdateRow(update: UserUpdate): Partial<UserRow> {
  return {
    passwordHash: update.passwordHash,
    consumerId: update.consumerId,
    credentialId: update.credential?.id,
    credentialKey: update.credential?.key,
    credentialSecret: update.credential?.secret,
    credentialAlgorithm: update.credential?.algorithm,
    updatedAt: update.updatedAt,
  };
}
