/**
 * `@kong-jwt-auth/testkit/contracts`: one vitest suite per port of `@kong-jwt-auth/core`.
 * Run each against a fake and against the real adapter; a fake no contract checks is a fake
 * that drifts. Every suite calls `setup` before each test for a fresh, empty subject and its
 * `close` after.
 *
 * @example
 * ```ts
 * describeUserStoreContract("SQLite user store", async () => {
 *   const db = openSqlite(":memory:");
 *   return { store: createSqliteUserStore(db), close: async () => db.close() };
 * });
 * ```
 *
 * @module
 */

export { describeDigestContract } from "./digest.contract.js";
export { describeIdentityGatewayContract } from "./identity-gateway.contract.js";
export { describePasswordHasherContract } from "./password-hasher.contract.js";
export { describeRandomContract } from "./random.contract.js";
export { describeTokenSignerContract } from "./token-signer.contract.js";
export { describeUserStoreContract } from "./user-store.contract.js";
