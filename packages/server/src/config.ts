/**
 * Configuration from environment variables (SPEC §7). {@link loadConfig} is the only reader of
 * `process.env` in the whole service; everything else receives the frozen {@link Config}.
 *
 * Every variable is declared once, in {@link variables}: its name, default and parser. The
 * {@link Config} type is derived from that table, so a variable cannot be read without being
 * validated, and a new one cannot be forgotten in the type.
 *
 * @module
 */

import { err, ok, type Result } from "@kong-jwt-auth/core";

/** Pino's levels, plus `silent`. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** A pino log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where users and refresh tokens are kept, read from `DATABASE_URL`. */
export type DatabaseConfig =
  | {
      readonly kind: "sqlite";
      /** The URL as given (`file:./data/auth.db` or `:memory:`). */
      readonly url: string;
      /** The file path (`./data/auth.db`), or `:memory:`. */
      readonly path: string;
    }
  | { readonly kind: "postgres"; readonly url: string };

/** A variable of the environment: its name and how its raw text becomes a value. */
interface Variable<T> {
  readonly name: string;
  /** Returns the value, or a problem phrased to follow the variable's name. */
  readonly parse: (raw: string | undefined) => Result<T, string>;
}

const WHOLE_NUMBER = /^\d+$/;

function wholeNumber(name: string, fallback: number, min: number, max: number): Variable<number> {
  return {
    name,
    parse(raw) {
      if (raw === undefined) return ok(fallback);
      const value = Number(raw);
      if (!WHOLE_NUMBER.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
        return err(`must be a whole number ${range}, got ${JSON.stringify(raw)}`);
      }
      return ok(value);
    },
  };
}

function seconds(name: string, fallback: number, min: number): Variable<number> {
  const number = wholeNumber(name, fallback, min, Number.MAX_SAFE_INTEGER);
  return {
    name,
    parse(raw) {
      const parsed = number.parse(raw);
      return parsed.ok ? parsed : err(`${parsed.error} (whole seconds, no unit)`);
    },
  };
}

function port(name: string, fallback: number): Variable<number> {
  return wholeNumber(name, fallback, 1, 65_535);
}

function text(name: string, fallback: string): Variable<string> {
  return {
    name,
    parse: (raw) =>
      raw === undefined ? ok(fallback) : raw.trim() === "" ? err("must not be empty") : ok(raw),
  };
}

/** An optional secret: an empty value counts as unset; the value never appears in a problem. */
function optionalSecret(name: string): Variable<string | null> {
  return { name, parse: (raw) => ok(raw === undefined || raw === "" ? null : raw) };
}

function oneOf<const T extends string>(
  name: string,
  values: readonly T[],
  fallback: T,
): Variable<T> {
  return {
    name,
    parse(raw) {
      if (raw === undefined) return ok(fallback);
      const found = values.find((value) => value === raw);
      return found === undefined
        ? err(`must be one of ${values.join(", ")}, got ${JSON.stringify(raw)}`)
        : ok(found);
    },
  };
}

function httpUrl(name: string): Variable<string | null> {
  return {
    name,
    parse(raw) {
      if (raw === undefined || raw === "") return ok(null);
      // The value is never repeated: a URL that fails these checks may still carry a password.
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return err("must be an http:// or https:// URL");
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        return err(`must be an http:// or https:// URL, not ${url.protocol}`);
      }
      if (url.username || url.password) {
        // Credentials belong in KONG_ADMIN_TOKEN, and a URL is printed in the start-up line.
        return err("must not carry credentials; use KONG_ADMIN_TOKEN");
      }
      return ok(raw.replace(/\/+$/, ""));
    },
  };
}

function database(name: string, fallback: string): Variable<DatabaseConfig> {
  return {
    name,
    parse(raw = fallback) {
      if (raw === ":memory:") return ok({ kind: "sqlite", url: raw, path: raw });
      if (raw.startsWith("file:")) {
        const path = raw.slice("file:".length);
        return path === ""
          ? err('must name a file after "file:", as in file:./data/auth.db')
          : ok({ kind: "sqlite", url: raw, path });
      }
      if (/^postgres(ql)?:\/\/./.test(raw)) return ok({ kind: "postgres", url: raw });
      // The raw value may hold a database password: name only the accepted forms.
      return err("must be file:<path>, :memory:, or a postgres:// (postgresql://) URL");
    },
  };
}

/** Every variable the service reads, once. The order is the order problems are listed in. */
const variables = {
  host: text("HOST", "127.0.0.1"),
  port: port("PORT", 3000),
  kongAdminUrl: httpUrl("KONG_ADMIN_URL"),
  kongAdminToken: optionalSecret("KONG_ADMIN_TOKEN"),
  kongAdminTimeoutMs: wholeNumber("KONG_ADMIN_TIMEOUT_MS", 2000, 1, Number.MAX_SAFE_INTEGER),
  kongProxyPort: port("KONG_PROXY_PORT", 8000),
  kongAdminPort: port("KONG_ADMIN_PORT", 8001),
  kongConfig: text("KONG_CONFIG", "./kong.yaml"),
  database: database("DATABASE_URL", "file:./data/auth.db"),
  accessTokenTtl: seconds("ACCESS_TOKEN_TTL", 900, 1),
  refreshTokenTtl: seconds("REFRESH_TOKEN_TTL", 604_800, 1),
  refreshReuseGrace: seconds("REFRESH_REUSE_GRACE", 10, 0),
  logLevel: oneOf("LOG_LEVEL", LOG_LEVELS, "info"),
  nodeEnv: text("NODE_ENV", "development"),
  // OWASP's argon2id minimum (SPEC §5.2); argon2 itself needs at least 8 KiB per lane.
  argon2MemoryCost: wholeNumber("ARGON2_MEMORY_COST", 19_456, 8, 4 * 1024 * 1024),
  argon2TimeCost: wholeNumber("ARGON2_TIME_COST", 2, 1, 100),
  argon2Parallelism: wholeNumber("ARGON2_PARALLELISM", 1, 1, 255),
} as const satisfies Record<string, Variable<unknown>>;

type Variables = typeof variables;

/** The validated configuration: one field per variable of SPEC §7 (see {@link loadConfig}). */
export type Config = {
  readonly [K in keyof Variables]: Variables[K] extends Variable<infer T> ? T : never;
};

/** Start-up stops with this error; its message lists every problem, one a line. */
export interface ConfigError extends Error {
  readonly name: "ConfigError";
  readonly problems: readonly string[];
}

/** Builds a {@link ConfigError}. */
export function configError(problems: readonly string[]): ConfigError {
  const error = new Error(
    `Invalid configuration (${problems.length} ${problems.length === 1 ? "problem" : "problems"}):\n${problems
      .map((problem) => `  - ${problem}`)
      .join("\n")}`,
  );
  return Object.assign(error, {
    name: "ConfigError" as const,
    problems: Object.freeze([...problems]),
  });
}

/** True when `error` is a {@link ConfigError}. */
export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof Error && error.name === "ConfigError" && "problems" in error;
}

/**
 * Reads and validates every variable of SPEC §7 and returns a frozen {@link Config}. Unset
 * variables take their defaults. Throws one {@link ConfigError} listing every problem at once,
 * so a misconfigured deployment is fixed in one round.
 *
 * @example
 * ```ts
 * const config = loadConfig({ PORT: "8080", ACCESS_TOKEN_TTL: "300" });
 * config.port; // 8080
 * ```
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Config {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, variable] of Object.entries(variables) as [string, Variable<unknown>][]) {
    const parsed = variable.parse(env[variable.name]);
    if (parsed.ok) values[key] = parsed.value;
    else problems.push(`${variable.name} ${parsed.error}`);
  }
  if (env.NODE_ENV === "production" && !env.KONG_ADMIN_URL) {
    problems.push(
      "KONG_ADMIN_URL is required in production; the built-in Kong emulator is for development only",
    );
  }
  const memory = values.argon2MemoryCost;
  const lanes = values.argon2Parallelism;
  if (typeof memory === "number" && typeof lanes === "number" && memory < 8 * lanes) {
    problems.push(
      `ARGON2_MEMORY_COST must be ≥ 8 × ARGON2_PARALLELISM (${8 * lanes} KiB): argon2 needs 8 KiB per lane`,
    );
  }
  if (problems.length > 0) throw configError(problems);
  return Object.freeze(values as Config);
}
