import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema.js";

/** A drizzle database over better-sqlite3 with this package's schema; `$client` is the driver. */
export type SqliteDatabase = BetterSQLite3Database<typeof schema> & {
  readonly $client: Database.Database;
};

/** Options of {@link openSqliteDatabase}. */
export interface OpenSqliteOptions {
  /** How long a writer waits for another connection's lock before failing. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

/** The committed migrations, next to this module (copy the folder along when building). */
export const SQLITE_MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations", import.meta.url));

function sqlitePath(url: string): string {
  if (url === ":memory:" || url === "file::memory:") return ":memory:";
  if (url.startsWith("file://")) return fileURLToPath(url);
  if (url.startsWith("file:")) return resolve(url.slice("file:".length));
  throw new TypeError("openSqliteDatabase: url must be ':memory:' or start with 'file:'");
}

/**
 * Opens a SQLite database from a `DATABASE_URL`-style string: `file:./data/auth.db` (relative to
 * the working directory; its folder is created), `file:///abs/auth.db`, or `:memory:`.
 *
 * The connection runs in WAL mode (readers never block the writer), waits `busyTimeoutMs` for
 * a lock held by another connection instead of failing at once, and enforces foreign keys
 * (which SQLite leaves off by default, and the refresh-token cascades need). Migrations are not
 * applied: call {@link migrateSqlite}. Close with `db.$client.close()`.
 */
export function openSqliteDatabase(url: string, options: OpenSqliteOptions = {}): SqliteDatabase {
  const path = sqlitePath(url);
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const client = new Database(path);
  try {
    client.pragma("journal_mode = WAL");
    client.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    client.pragma("foreign_keys = ON");
    // With WAL, NORMAL loses no committed data on a crash of the process, only on power loss.
    client.pragma("synchronous = NORMAL");
  } catch (error) {
    client.close();
    throw error;
  }
  return drizzle({ client, schema });
}

/** Applies the committed migrations that the database has not seen yet (idempotent). */
export function migrateSqlite(
  db: SqliteDatabase,
  migrationsFolder: string = SQLITE_MIGRATIONS_FOLDER,
): void {
  migrate(db, { migrationsFolder });
}
