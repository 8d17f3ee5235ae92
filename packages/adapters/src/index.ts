/**
 * `@kong-jwt-auth/adapters`: the real implementations of the ports of `@kong-jwt-auth/core`,
 * one folder per foreign system. Each is a factory over a client the composition root builds;
 * foreign errors are translated to port codes at the boundary and nothing foreign leaks out.
 *
 * - Kong Admin API (ky): {@link createKongIdentityGateway}
 * - SQLite (better-sqlite3 + drizzle): {@link openSqliteDatabase}, {@link migrateSqlite},
 *   {@link createSqliteUserStore}
 * - PostgreSQL (pg or PGlite + drizzle): {@link openPostgresDatabase}, {@link openPgliteDatabase},
 *   {@link migratePostgres}, {@link createPostgresUserStore}
 * - jose: {@link createJoseTokenSigner}
 * - @node-rs/argon2: {@link createArgon2PasswordHasher}
 * - node:crypto: {@link createNodeDigest}, {@link createNodeRandom}
 * - @zxcvbn-ts/language-common: {@link loadCommonPasswords}
 *
 * @module
 */

export {
  ARGON2_OWASP_DEFAULTS,
  type Argon2Options,
  createArgon2PasswordHasher,
  parseArgon2Hash,
} from "./argon2/argon2-password-hasher.js";
export { createJoseTokenSigner } from "./jose/jose-token-signer.js";
export type {
  KongAdminOptions,
  KongHttpOptions,
  KongIdentityGatewayOptions,
} from "./kong/kong-admin-options.js";
export { createKongIdentityGateway } from "./kong/kong-identity-gateway.js";
export { createNodeDigest } from "./node-crypto/node-digest.js";
export { createNodeRandom } from "./node-crypto/node-random.js";
export { COMMON_PASSWORDS_COUNT, loadCommonPasswords } from "./passwords/common-passwords.js";
export {
  migratePostgres,
  type NodePostgresDatabase,
  openPgliteDatabase,
  openPostgresDatabase,
  type PgliteUserDatabase,
  POSTGRES_MIGRATIONS_FOLDER,
  type PostgresDatabase,
  type PostgresMigrateOptions,
} from "./postgres/postgres-database.js";
export { createPostgresUserStore } from "./postgres/postgres-user-store.js";
export {
  migrateSqlite,
  type OpenSqliteOptions,
  openSqliteDatabase,
  SQLITE_MIGRATIONS_FOLDER,
  type SqliteDatabase,
} from "./sqlite/sqlite-database.js";
export { createSqliteUserStore } from "./sqlite/sqlite-user-store.js";
