import { DrizzleQueryError } from "drizzle-orm/errors";

/** The driver's own error under drizzle's wrapper (`SqliteError`, pg `DatabaseError`, …). */
export function driverError(error: unknown): unknown {
  return error instanceof DrizzleQueryError && error.cause !== undefined ? error.cause : error;
}

/** The driver's error code (`SQLITE_CONSTRAINT_UNIQUE`, `23505`, …), if it has one. */
export function driverErrorCode(error: unknown): string | null {
  const cause = driverError(error);
  return typeof cause === "object" &&
    cause !== null &&
    "code" in cause &&
    typeof cause.code === "string"
    ? cause.code
    : null;
}

/**
 * A storage fault, re-thrown without drizzle's wrapper: its message lists the query's
 * parameters, which hold password hashes and credential secrets, and must never reach a log.
 * The driver's error (no parameters in it) stays as the `cause`.
 */
export function storeFault(store: string, operation: string, error: unknown): Error {
  const cause = driverError(error);
  const code = driverErrorCode(error);
  const reason = cause instanceof Error ? cause.message : "unknown error";
  return new Error(`${store}: ${operation} failed: ${code ? `${code}: ` : ""}${reason}`, { cause });
}

/**
 * The guard of one store: runs an operation and re-throws a driver fault as a
 * {@link storeFault}, so no query parameter reaches a message. Works for synchronous drivers
 * (better-sqlite3) and asynchronous ones (pg, PGlite) alike.
 */
export function storeGuard(
  store: string,
): <T>(operation: string, run: () => T | Promise<T>) => Promise<T> {
  return async (operation, run) => {
    try {
      return await run();
    } catch (error) {
      throw storeFault(store, operation, error);
    }
  };
}
