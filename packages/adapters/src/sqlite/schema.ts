import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Users and their Kong identity. Times are epoch milliseconds. */
export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  username: text("username").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  consumerId: text("consumer_id").notNull(),
  credentialId: text("credential_id").notNull(),
  credentialKey: text("credential_key").notNull().unique(),
  credentialSecret: text("credential_secret").notNull(),
  credentialAlgorithm: text("credential_algorithm").notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** One family per signin: the absolute expiry and the successor key every rotation inherits. */
export const refreshFamilies = sqliteTable(
  "refresh_families",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    successorKey: text("successor_key").notNull(),
    expiresAt: integer("expires_at").notNull(),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (table) => [index("refresh_families_user_id_idx").on(table.userId)],
);

/** Refresh tokens, by SHA-256 only; `used_at` is set once, when the token is rotated. */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    familyId: text("family_id")
      .notNull()
      .references(() => refreshFamilies.id, { onDelete: "cascade" }),
    parentHash: text("parent_hash"),
    createdAt: integer("created_at").notNull(),
    usedAt: integer("used_at"),
  },
  (table) => [index("refresh_tokens_family_id_idx").on(table.familyId)],
);
