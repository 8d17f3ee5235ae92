import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzleNodePg, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite, type PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import * as schema from "./schema.js";

/** Any drizzle PostgreSQL database with this package's schema: node-postgres or PGlite. */
export type PostgresDatabase = PgDatabase<PgQueryResultHKT, typeof schema>;

/** A database on a PostgreSQL server, through a node-postgres pool (`$client`). */
export type NodePostgresDatabase = NodePgDatabase<typeof schema> & { readonly $client: pg.Pool };

/** An in-process PGlite database (`$client`), for machines without a server and for tests. */
export type PgliteUserDatabase = PgliteDatabase<typeof schema> & { readonly $client: PGlite };

/** Where {@link migratePostgres} finds migrations and keeps its journal. */
export interface PostgresMigrateOptions {
  /** Default: the committed migrations next to this module. */
  readonly migrationsFolder?: string;
  /** The schema of drizzle's journal table. Default `drizzle`. */
  readonly migrationsSchema?: string;
}

/** The committed migrations, next to this module (copy the folder along when building). */
export const POSTGRES_MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations", import.meta.url));

/**
 * Opens a PostgreSQL database from a `postgres://` or `postgresql://` URL, through a pg `Pool`.
 * `pool` passes extra pool settings (size, timeouts, `options: "-c search_path=…"`). Close with
 * `db.$client.end()`. Migrations are not applied: call {@link migratePostgres}.
 *
 * The migrations reference tables without a schema, so they follow the connection's
 * `search_path`: a deployment may keep its tables in a schema of its own.
 */
export function openPostgresDatabase(
  url: string,
  pool: Omit<pg.PoolConfig, "connectionString"> = {},
): NodePostgresDatabase {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new TypeError("openPostgresDatabase: url must start with postgres:// or postgresql://");
  }
  const client = new pg.Pool({ connectionTimeoutMillis: 5000, ...pool, connectionString: url });
  // An idle connection that dies (a server restart) is dropped by the pool and replaced on the
  // next query; without a listener the 'error' event would crash the process instead.
  client.on("error", () => {});
  return drizzleNodePg({ client, schema });
}

/** Opens PGlite in memory, or in `dataDir` when given. Close with `db.$client.close()`. */
export async function openPgliteDatabase(dataDir?: string): Promise<PgliteUserDatabase> {
  const client = await PGlite.create(dataDir);
  return drizzlePglite({ client, schema });
}

function isPglite(db: PostgresDatabase): db is PgliteUserDatabase {
  return "$client" in db && db.$client instanceof PGlite;
}

/** Applies the committed migrations that the database has not seen yet (idempotent). */
export async function migratePostgres(
  db: PostgresDatabase,
  options: PostgresMigrateOptions = {},
): Promise<void> {
  const config = {
    migrationsFolder: options.migrationsFolder ?? POSTGRES_MIGRATIONS_FOLDER,
    ...(options.migrationsSchema === undefined
      ? {}
      : { migrationsSchema: options.migrationsSchema }),
  };
  if (isPglite(db)) {
    await migratePglite(db, config);
  } else {
    // drizzle's migrators differ only in their parameter types: each runs the dialect's
    // migrate over the database's session, so this one serves any other driver too.
    await migrateNodePg(db as NodePostgresDatabase, config);
  }
}
