import {
  createArgon2PasswordHasher,
  createJoseTokenSigner,
  createKongIdentityGateway,
  createNodeDigest,
  createNodeRandom,
  createPostgresUserStore,
  createSqliteUserStore,
  loadCommonPasswords,
  migratePostgres,
  migrateSqlite,
  openPostgresDatabase,
  openSqliteDatabase,
} from "@kong-jwt-auth/adapters";
import { type Clock, createAuth, type UserStore } from "@kong-jwt-auth/core";
import {
  type DeclarativeConfig,
  loadDeclarativeConfig,
  type RunningKongEmulator,
  startKongEmulator,
} from "@kong-jwt-auth/testkit/kong-emulator";
import { type App, buildApp, type LogStream } from "./app.js";
import type { Config, DatabaseConfig } from "./config.js";
import { checkKongConfig } from "./kong-config-check.js";
import type { StackUrls } from "./walkthrough.js";

/** Start-up refused for a reason the operator can fix; its message says how, in one line or a few. */
export interface StartupError extends Error {
  readonly name: "StartupError";
}

/** Builds a {@link StartupError}. */
export function startupError(message: string, cause?: unknown): StartupError {
  return Object.assign(new Error(message, cause === undefined ? {} : { cause }), {
    name: "StartupError" as const,
  });
}

/** True when `error` is a {@link StartupError}. */
export function isStartupError(error: unknown): error is StartupError {
  return error instanceof Error && error.name === "StartupError";
}

/** Options of {@link startStack}. */
export interface StackOptions {
  readonly config: Config;
  /** Replaces the system clock of the use cases (tests move time without waiting). */
  readonly clock?: Clock;
  /** Where logs go; standard output by default. */
  readonly logStream?: LogStream;
}

/** The whole service, running. */
export interface Stack {
  readonly app: App;
  readonly urls: StackUrls;
  /** The built-in Kong emulator in development; null when `KONG_ADMIN_URL` names a real Kong. */
  readonly emulator: RunningKongEmulator | null;
  /** Stops accepting requests, lets in-flight ones finish, then closes the emulator and the database. */
  close(): Promise<void>;
}

interface OpenedStore {
  readonly users: UserStore;
  readonly close: () => Promise<void>;
  /** For the start-up line: never the URL, which may hold a password. */
  readonly label: string;
}

async function openStore(database: DatabaseConfig): Promise<OpenedStore> {
  if (database.kind === "sqlite") {
    const db = openSqliteDatabase(database.url);
    try {
      migrateSqlite(db);
    } catch (error) {
      db.$client.close();
      throw error;
    }
    return {
      users: createSqliteUserStore(db),
      close: async () => {
        db.$client.close();
      },
      label: `sqlite ${database.path}`,
    };
  }
  const db = openPostgresDatabase(database.url);
  try {
    await migratePostgres(db);
  } catch (error) {
    await db.$client.end();
    throw startupError(
      `cannot migrate the PostgreSQL database at ${new URL(database.url).host}: ${messageOf(error)}`,
      error,
    );
  }
  return {
    users: createPostgresUserStore(db),
    close: () => db.$client.end(),
    label: `postgres ${new URL(database.url).host}`,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isAddressInUse(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === "EADDRINUSE";
}

/** The URL to reach a listener bound to `host`: a wildcard address is reached over loopback. */
export function reachableUrl(host: string, port: number): string {
  const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}

/** Reads `kong.yaml` and refuses one that would make Kong reject or under-check our tokens. */
function loadKongConfig(config: Config): DeclarativeConfig {
  let declarative: DeclarativeConfig;
  try {
    declarative = loadDeclarativeConfig({ path: config.kongConfig });
  } catch (error) {
    throw startupError(`KONG_CONFIG ${config.kongConfig}: ${messageOf(error)}`, error);
  }
  const problems = checkKongConfig(declarative, config.accessTokenTtl);
  if (problems.length > 0) {
    throw startupError(
      `KONG_CONFIG ${config.kongConfig} cannot protect this service:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
    );
  }
  return declarative;
}

/**
 * The composition root's work, without the process around it: opens and migrates the database,
 * starts the Kong emulator when no `KONG_ADMIN_URL` is set, builds the adapters and the use
 * cases, builds the app and listens. Whatever was started is closed again if a later step fails.
 *
 * @throws {@link StartupError} for a problem the operator can fix (port in use, bad `kong.yaml`).
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { config } = options;
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const kongConfig = config.kongAdminUrl === null ? loadKongConfig(config) : null;
    const store = await openStore(config.database);
    closers.push(store.close);

    let emulator: RunningKongEmulator | null = null;
    const emulatorWarnings: string[] = [];
    if (kongConfig) {
      try {
        emulator = await startKongEmulator({
          config: kongConfig,
          host: config.host,
          proxyPort: config.kongProxyPort,
          adminPort: config.kongAdminPort,
          upstream: reachableUrl(config.host, config.port),
          // Its own "listening" line is left out: the app logs one start-up line for all.
          logger: { info: () => {}, warn: (message) => emulatorWarnings.push(message) },
        });
      } catch (error) {
        if (isAddressInUse(error)) {
          throw startupError(
            `KONG_PROXY_PORT ${config.kongProxyPort} or KONG_ADMIN_PORT ${config.kongAdminPort} on ${config.host} is already in use; stop what holds it or choose other ports`,
            error,
          );
        }
        throw error;
      }
      const running = emulator;
      closers.push(() => running.close());
    }
    const kongAdmin = emulator?.adminUrl ?? config.kongAdminUrl ?? "";

    const identity = createKongIdentityGateway({
      adminUrl: kongAdmin,
      ...(config.kongAdminToken === null ? {} : { adminToken: config.kongAdminToken }),
      timeoutMs: config.kongAdminTimeoutMs,
    });
    const auth = createAuth(
      {
        users: store.users,
        identity,
        tokens: createJoseTokenSigner(),
        hasher: createArgon2PasswordHasher({
          memoryCost: config.argon2MemoryCost,
          timeCost: config.argon2TimeCost,
          parallelism: config.argon2Parallelism,
        }),
        digest: createNodeDigest(),
        clock: options.clock ?? { now: () => Date.now() },
        random: createNodeRandom(),
      },
      {
        accessTokenTtl: config.accessTokenTtl,
        refreshTokenTtl: config.refreshTokenTtl,
        refreshReuseGrace: config.refreshReuseGrace,
        passwordPolicy: { commonPasswords: loadCommonPasswords() },
      },
    );

    const app = await buildApp({
      deps: { auth },
      config: {
        logLevel: config.logLevel,
        ...(options.logStream ? { logStream: options.logStream } : {}),
      },
    });
    closers.push(() => app.close());
    for (const warning of emulatorWarnings) app.log.warn({ component: "kong-emulator" }, warning);

    const api = reachableUrl(config.host, config.port);
    const urls: StackUrls = {
      api,
      docs: `${api}/docs`,
      proxy: emulator?.proxyUrl ?? null,
      kongAdmin,
    };
    const kongLabel = emulator ? "Kong emulator (development only)" : "Kong";
    const readyLine = [
      `kong-jwt-auth ready: service ${urls.api}`,
      `docs ${urls.docs}`,
      ...(urls.proxy ? [`${kongLabel} proxy ${urls.proxy}`] : []),
      `${kongLabel} Admin API ${urls.kongAdmin}`,
      `database ${store.label}`,
    ].join(", ");
    try {
      // Fastify logs one line per listening address; this makes it the one start-up line.
      await app.listen({
        host: config.host,
        port: config.port,
        listenTextResolver: () => readyLine,
      });
    } catch (error) {
      if (isAddressInUse(error)) {
        throw startupError(
          `PORT ${config.port} on ${config.host} is already in use; stop what holds it or set PORT`,
          error,
        );
      }
      throw error;
    }
    if (!emulator) {
      // Kong may come up after the service, so an unusable Kong does not stop start-up; but a
      // wrong admin token or a DB-less Kong would otherwise surface only as 503s and /readyz.
      const probe = await identity.ping();
      if (!probe.ok) app.log.warn({ component: "kong" }, probe.error.message);
    }
    return { app, urls, emulator, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
