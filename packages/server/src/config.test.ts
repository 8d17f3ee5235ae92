import { describe, expect, it } from "vitest";
import { type ConfigError, isConfigError, loadConfig } from "./config.js";

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (isConfigError(error)) return error.problems;
    throw error;
  }
  throw new Error("loadConfig accepted the environment");
}

describe("loadConfig", () => {
  it("fills in every default of SPEC §7 from an empty environment", () => {
    expect(loadConfig({})).toEqual({
      host: "127.0.0.1",
      port: 3000,
      kongAdminUrl: null,
      kongAdminToken: null,
      kongAdminTimeoutMs: 2000,
      kongProxyPort: 8000,
      kongAdminPort: 8001,
      kongConfig: "./kong.yaml",
      database: { kind: "sqlite", url: "file:./data/auth.db", path: "./data/auth.db" },
      accessTokenTtl: 900,
      refreshTokenTtl: 604_800,
      refreshReuseGrace: 10,
      logLevel: "info",
      nodeEnv: "development",
      argon2MemoryCost: 19_456,
      argon2TimeCost: 2,
      argon2Parallelism: 1,
    });
  });

  it("reads every variable", () => {
    const config = loadConfig({
      HOST: "0.0.0.0",
      PORT: "8080",
      KONG_ADMIN_URL: "https://kong-admin.internal:8444/",
      KONG_ADMIN_TOKEN: "rbac-token",
      KONG_ADMIN_TIMEOUT_MS: "500",
      KONG_PROXY_PORT: "9000",
      KONG_ADMIN_PORT: "9001",
      KONG_CONFIG: "/etc/kong/kong.yaml",
      DATABASE_URL: "postgres://auth:pw@db:5432/auth",
      ACCESS_TOKEN_TTL: "300",
      REFRESH_TOKEN_TTL: "86400",
      REFRESH_REUSE_GRACE: "0",
      LOG_LEVEL: "debug",
      NODE_ENV: "production",
      ARGON2_MEMORY_COST: "65536",
      ARGON2_TIME_COST: "3",
      ARGON2_PARALLELISM: "4",
    });
    expect(config).toEqual({
      host: "0.0.0.0",
      port: 8080,
      kongAdminUrl: "https://kong-admin.internal:8444",
      kongAdminToken: "rbac-token",
      kongAdminTimeoutMs: 500,
      kongProxyPort: 9000,
      kongAdminPort: 9001,
      kongConfig: "/etc/kong/kong.yaml",
      database: { kind: "postgres", url: "postgres://auth:pw@db:5432/auth" },
      accessTokenTtl: 300,
      refreshTokenTtl: 86_400,
      refreshReuseGrace: 0,
      logLevel: "debug",
      nodeEnv: "production",
      argon2MemoryCost: 65_536,
      argon2TimeCost: 3,
      argon2Parallelism: 4,
    });
  });

  it("returns a frozen object", () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });

  it("accepts every form of DATABASE_URL", () => {
    expect(loadConfig({ DATABASE_URL: ":memory:" }).database).toEqual({
      kind: "sqlite",
      url: ":memory:",
      path: ":memory:",
    });
    expect(loadConfig({ DATABASE_URL: "file:/var/lib/auth.db" }).database).toEqual({
      kind: "sqlite",
      url: "file:/var/lib/auth.db",
      path: "/var/lib/auth.db",
    });
    expect(loadConfig({ DATABASE_URL: "postgresql://db/auth" }).database.kind).toBe("postgres");
  });

  it("treats an empty KONG_ADMIN_URL or KONG_ADMIN_TOKEN as unset", () => {
    const config = loadConfig({ KONG_ADMIN_URL: "", KONG_ADMIN_TOKEN: "" });
    expect(config.kongAdminUrl).toBeNull();
    expect(config.kongAdminToken).toBeNull();
  });

  it("accepts 1 as the shortest TTLs and 0 as the grace", () => {
    const config = loadConfig({
      ACCESS_TOKEN_TTL: "1",
      REFRESH_TOKEN_TTL: "1",
      REFRESH_REUSE_GRACE: "0",
    });
    expect([config.accessTokenTtl, config.refreshTokenTtl, config.refreshReuseGrace]).toEqual([
      1, 1, 0,
    ]);
  });

  it.each([["15s"], ["1.5"], ["-1"], [""], [" 900"], ["1e3"], ["0x10"], ["99999999999999999999"]])(
    "refuses %j as a number of seconds",
    (value) => {
      const [problem] = problemsOf({ ACCESS_TOKEN_TTL: value });
      expect(problem).toMatch(/^ACCESS_TOKEN_TTL must be a whole number ≥ 1/);
      expect(problem).toContain(JSON.stringify(value));
    },
  );

  it("refuses 0 for the TTLs but not for the grace", () => {
    expect(problemsOf({ ACCESS_TOKEN_TTL: "0", REFRESH_TOKEN_TTL: "0" })).toHaveLength(2);
    expect(loadConfig({ REFRESH_REUSE_GRACE: "0" }).refreshReuseGrace).toBe(0);
  });

  it.each([["0"], ["65536"], ["http"], ["80.5"]])("refuses %j as a port", (value) => {
    expect(problemsOf({ PORT: value, KONG_PROXY_PORT: value, KONG_ADMIN_PORT: value })).toEqual([
      expect.stringMatching(/^PORT must be a whole number from 1 to 65535/),
      expect.stringMatching(/^KONG_PROXY_PORT must be/),
      expect.stringMatching(/^KONG_ADMIN_PORT must be/),
    ]);
  });

  it.each([["kong:8001"], ["ftp://kong:8001"], ["not a url"]])(
    "refuses %j as KONG_ADMIN_URL",
    (value) => {
      expect(problemsOf({ KONG_ADMIN_URL: value })).toEqual([
        expect.stringMatching(/^KONG_ADMIN_URL must be an http:\/\/ or https:\/\/ URL/),
      ]);
    },
  );

  it("refuses credentials in KONG_ADMIN_URL without repeating them", () => {
    const [problem] = problemsOf({ KONG_ADMIN_URL: "http://admin:hunter2@kong:8001" });
    expect(problem).toMatch(/KONG_ADMIN_URL must not carry credentials/);
    expect(problem).not.toContain("hunter2");
  });

  it.each([["ftp://admin:hunter2@kong:8001"], ["http://admin:hunter2@[bad"]])(
    "refuses %j as KONG_ADMIN_URL without repeating its password",
    (value) => {
      const [problem] = problemsOf({ KONG_ADMIN_URL: value });
      expect(problem).toMatch(/^KONG_ADMIN_URL must be an http:\/\/ or https:\/\/ URL/);
      expect(problem).not.toContain("hunter2");
    },
  );

  it("refuses file: without a path", () => {
    expect(problemsOf({ DATABASE_URL: "file:" })).toEqual([
      'DATABASE_URL must name a file after "file:", as in file:./data/auth.db',
    ]);
  });

  it.each([["mysql://db/auth"], ["./auth.db"], ["postgres://"]])(
    "refuses %j as DATABASE_URL",
    (value) => {
      expect(problemsOf({ DATABASE_URL: value })).toEqual([
        expect.stringMatching(/^DATABASE_URL must be file:<path>, :memory:, or a postgres:\/\//),
      ]);
    },
  );

  it("does not repeat a refused DATABASE_URL, which may hold a password", () => {
    const [problem] = problemsOf({ DATABASE_URL: "mysql://auth:hunter2@db/auth" });
    expect(problem).not.toContain("hunter2");
  });

  it("refuses an unknown LOG_LEVEL", () => {
    expect(problemsOf({ LOG_LEVEL: "verbose" })).toEqual([
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    ]);
  });

  it("refuses empty HOST, KONG_CONFIG and NODE_ENV", () => {
    expect(problemsOf({ HOST: "", KONG_CONFIG: " ", NODE_ENV: "" })).toEqual([
      "HOST must not be empty",
      "KONG_CONFIG must not be empty",
      "NODE_ENV must not be empty",
    ]);
  });

  it("refuses argon2 parameters below argon2's minimums", () => {
    expect(
      problemsOf({ ARGON2_MEMORY_COST: "4", ARGON2_TIME_COST: "0", ARGON2_PARALLELISM: "0" }),
    ).toEqual([
      expect.stringMatching(/^ARGON2_MEMORY_COST must be a whole number from 8/),
      expect.stringMatching(/^ARGON2_TIME_COST must be a whole number from 1/),
      expect.stringMatching(/^ARGON2_PARALLELISM must be a whole number from 1 to 255/),
    ]);
  });

  it("refuses less than 8 KiB of argon2 memory per lane", () => {
    expect(problemsOf({ ARGON2_MEMORY_COST: "16", ARGON2_PARALLELISM: "4" })).toEqual([
      "ARGON2_MEMORY_COST must be ≥ 8 × ARGON2_PARALLELISM (32 KiB): argon2 needs 8 KiB per lane",
    ]);
  });

  it("refuses KONG_ADMIN_TIMEOUT_MS of 0", () => {
    expect(problemsOf({ KONG_ADMIN_TIMEOUT_MS: "0" })).toEqual([
      expect.stringMatching(/^KONG_ADMIN_TIMEOUT_MS must be a whole number ≥ 1/),
    ]);
  });

  it("refuses to start in production without KONG_ADMIN_URL", () => {
    expect(problemsOf({ NODE_ENV: "production" })).toEqual([
      "KONG_ADMIN_URL is required in production; the built-in Kong emulator is for development only",
    ]);
    expect(loadConfig({ NODE_ENV: "production", KONG_ADMIN_URL: "http://kong:8001" }).nodeEnv).toBe(
      "production",
    );
  });

  it("lists every problem at once in one ConfigError", () => {
    let caught: unknown;
    try {
      loadConfig({
        PORT: "http",
        ACCESS_TOKEN_TTL: "15s",
        REFRESH_TOKEN_TTL: "1.5",
        REFRESH_REUSE_GRACE: "-1",
        LOG_LEVEL: "loud",
        DATABASE_URL: "mysql://db",
        NODE_ENV: "production",
      });
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught)).toBe(true);
    const error = caught as ConfigError;
    expect(error.name).toBe("ConfigError");
    expect(error.problems).toHaveLength(7);
    expect(error.message).toMatch(/^Invalid configuration \(7 problems\):\n/);
    for (const name of [
      "PORT",
      "ACCESS_TOKEN_TTL",
      "REFRESH_TOKEN_TTL",
      "REFRESH_REUSE_GRACE",
      "LOG_LEVEL",
      "DATABASE_URL",
      "KONG_ADMIN_URL",
    ]) {
      expect(error.message).toContain(`  - ${name} `);
    }
  });

  it("never repeats KONG_ADMIN_TOKEN in a problem", () => {
    let message = "";
    try {
      loadConfig({ KONG_ADMIN_TOKEN: "super-secret-token", PORT: "x" });
    } catch (error) {
      message = error instanceof Error ? error.message : "";
    }
    expect(message).toContain("PORT");
    expect(message).not.toContain("super-secret-token");
  });
});
