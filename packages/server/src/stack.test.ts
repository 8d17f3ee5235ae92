/**
 * End-to-end through the Kong emulator's proxy, over the real adapters: SQLite in memory with
 * the real migrations, the Kong client against the emulator's Admin API over HTTP, jose,
 * argon2 (tiny parameters), node:crypto. Only the use cases' clock is a fake, so refresh
 * windows can be crossed without waiting; the emulator checks `exp` against the real time.
 */

import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { createFakeClock, type FakeClock } from "@kong-jwt-auth/testkit";
import { freePorts } from "@kong-jwt-auth/testkit/e2e";
import { startKongEmulator } from "@kong-jwt-auth/testkit/kong-emulator";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";
import { isStartupError, type Stack, startStack } from "./stack.js";

const KONG_YAML = fileURLToPath(new URL("../../../kong.yaml", import.meta.url));
const PASSWORD = "correct horse battery staple";
const REFRESH_TTL = 3600;
const GRACE = 10;

interface Harness {
  readonly stack: Stack;
  readonly clock: FakeClock;
  /** Kong's proxy: where clients go. */
  readonly proxy: string;
  /** The service itself, bypassing Kong. */
  readonly api: string;
  /** Kong's Admin API, to change Kong behind the service's back. */
  readonly admin: string;
}

const stacks: Stack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((stack) => stack.close()));
});

async function setup(): Promise<Harness> {
  const [port, proxyPort, adminPort] = await freePorts(3);
  const config = loadConfig({
    PORT: String(port),
    KONG_PROXY_PORT: String(proxyPort),
    KONG_ADMIN_PORT: String(adminPort),
    KONG_CONFIG: KONG_YAML,
    DATABASE_URL: ":memory:",
    REFRESH_TOKEN_TTL: String(REFRESH_TTL),
    REFRESH_REUSE_GRACE: String(GRACE),
    LOG_LEVEL: "silent",
    ARGON2_MEMORY_COST: "8",
    ARGON2_TIME_COST: "1",
  });
  const clock = createFakeClock(Date.now());
  const stack = await startStack({ config, clock });
  stacks.push(stack);
  const proxy = stack.urls.proxy;
  if (!proxy) throw new Error("the emulator did not start");
  return { stack, clock, proxy, api: stack.urls.api, admin: stack.urls.kongAdmin };
}

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are read field by field in assertions.
  readonly body: any;
}

async function call(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === "" ? null : JSON.parse(text),
  };
}

async function signUp(base: string, username: string): Promise<Reply> {
  return call(`${base}/api/public/signup`, { body: { username, password: PASSWORD } });
}

async function signIn(base: string, username: string): Promise<Reply> {
  const reply = await call(`${base}/api/public/signin`, { body: { username, password: PASSWORD } });
  expect(reply.status).toBe(200);
  return reply;
}

function info(base: string, accessToken: string, headers: Record<string, string> = {}) {
  return call(`${base}/api/jwt/info`, {
    headers: { authorization: `Bearer ${accessToken}`, ...headers },
  });
}

function refresh(base: string, refreshToken: string) {
  return call(`${base}/api/public/refresh`, { body: { refresh_token: refreshToken } });
}

/** A 401 that Kong's jwt plugin answered itself: Kong's body, not the service's. */
function expectRejectedByKong(reply: Reply, body: Record<string, string>): void {
  expect(reply.status).toBe(401);
  expect(reply.headers.get("server")).toMatch(/^kong\//);
  expect(reply.body).toEqual(body);
}

const NO_CREDENTIAL = { message: "No credentials found for given 'iss'" };

describe("the flow of SPEC §1 through Kong", () => {
  it("signs up, signs in, reaches /api/jwt/info through the proxy and refreshes", async () => {
    const { proxy } = await setup();
    const created = await signUp(proxy, "alice");
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), username: "alice" });

    const tokens = (await signIn(proxy, "alice")).body;
    expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 900 });

    const protectedCall = await info(proxy, tokens.access_token);
    expect(protectedCall.status).toBe(200);
    expect(protectedCall.headers.get("via")).toMatch(/kong/);
    expect(protectedCall.body).toMatchObject({ username: "alice", user_id: created.body.id });

    const refreshed = await refresh(proxy, tokens.refresh_token);
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get("cache-control")).toBe("no-store");
    expect(refreshed.body.refresh_token).not.toBe(tokens.refresh_token);
    expect((await info(proxy, refreshed.body.access_token)).status).toBe(200);
  });

  it("gets Kong's X-Consumer-* headers to the service, replacing ones the client forged", async () => {
    const { proxy, api } = await setup();
    await signUp(proxy, "alice");
    await signUp(proxy, "mallory");
    const mallory = (await info(proxy, (await signIn(proxy, "mallory")).body.access_token)).body;
    const alice = (await signIn(proxy, "alice")).body;
    const forged = { "x-consumer-id": mallory.consumer_id, "x-consumer-username": "mallory" };

    // Direct to the service, the forged headers disagree with the token: refused.
    const direct = await info(api, alice.access_token, forged);
    expect(direct.status).toBe(401);
    expect(direct.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
    // Through Kong, the jwt plugin overwrites them with the token's consumer: accepted.
    const viaKong = await info(proxy, alice.access_token, forged);
    expect(viaKong.status).toBe(200);
    expect(viaKong.body.username).toBe("alice");
  });

  it("refuses forged X-Consumer-* headers sent straight to the service without a token", async () => {
    const { proxy, api } = await setup();
    await signUp(proxy, "alice");
    const who = (await info(proxy, (await signIn(proxy, "alice")).body.access_token)).body;
    const reply = await call(`${api}/api/jwt/info`, {
      headers: {
        "x-consumer-id": who.consumer_id,
        "x-consumer-username": "alice",
        "x-credential-identifier": who.credential_key,
      },
    });
    expect(reply.status).toBe(401);
    expect(reply.body.code).toBe("invalid_token");
    expect(reply.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
  });
});

describe("revocation at the edge", () => {
  it("has Kong reject every outstanding access token after signout-all", async () => {
    const { proxy } = await setup();
    await signUp(proxy, "alice");
    const first = (await signIn(proxy, "alice")).body;
    const second = (await signIn(proxy, "alice")).body;
    expect((await info(proxy, first.access_token)).status).toBe(200);

    const signedOut = await call(`${proxy}/api/jwt/signout-all`, {
      method: "POST",
      headers: { authorization: `Bearer ${first.access_token}` },
    });
    expect(signedOut.status).toBe(204);

    expectRejectedByKong(await info(proxy, first.access_token), NO_CREDENTIAL);
    expectRejectedByKong(await info(proxy, second.access_token), NO_CREDENTIAL);
    expect((await refresh(proxy, second.refresh_token)).status).toBe(401);
    const again = (await signIn(proxy, "alice")).body;
    expect((await info(proxy, again.access_token)).status).toBe(200);
  });

  it("has Kong reject an expired access token", async () => {
    const { proxy, clock } = await setup();
    await signUp(proxy, "alice");
    // Sign in "an hour ago": the token's exp (iat + 900 s) is already past at the gateway.
    clock.set(Date.now() - 3600_000);
    const tokens = (await signIn(proxy, "alice")).body;
    // Kong's jwt plugin names the failed claim: `{"exp": "token expired"}`.
    expectRejectedByKong(await info(proxy, tokens.access_token), { exp: "token expired" });
  });
});

describe("refresh through Kong", () => {
  it("keeps the absolute expiry of the session across rotations", async () => {
    const { proxy, clock } = await setup();
    await signUp(proxy, "alice");
    const tokens = (await signIn(proxy, "alice")).body;
    expect(tokens.refresh_expires_in).toBe(REFRESH_TTL);
    clock.advance(100_000);
    const first = await refresh(proxy, tokens.refresh_token);
    expect(first.body.refresh_expires_in).toBe(REFRESH_TTL - 100);
    clock.advance(50_000);
    const second = await refresh(proxy, first.body.refresh_token);
    expect(second.body.refresh_expires_in).toBe(REFRESH_TTL - 150);
    clock.advance((REFRESH_TTL - 150) * 1000);
    expect((await refresh(proxy, second.body.refresh_token)).body.code).toBe("invalid_grant");
  });

  it("answers a replay within the grace window with the same successor", async () => {
    const { proxy, clock } = await setup();
    await signUp(proxy, "alice");
    const tokens = (await signIn(proxy, "alice")).body;
    const first = await refresh(proxy, tokens.refresh_token);
    clock.advance((GRACE - 1) * 1000);
    const replay = await refresh(proxy, tokens.refresh_token);
    expect(replay.status).toBe(200);
    expect(replay.body.refresh_token).toBe(first.body.refresh_token);
    expect((await info(proxy, replay.body.access_token)).status).toBe(200);
  });

  it("revokes the whole family when a rotated token comes back after the grace window", async () => {
    const { proxy, clock } = await setup();
    await signUp(proxy, "alice");
    const tokens = (await signIn(proxy, "alice")).body;
    const successor = (await refresh(proxy, tokens.refresh_token)).body.refresh_token;
    clock.advance((GRACE + 1) * 1000);
    const reused = await refresh(proxy, tokens.refresh_token);
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe("invalid_grant");
    expect((await refresh(proxy, successor)).body.code).toBe("invalid_grant");
  });
});

describe("Kong state the service did not create", () => {
  it("adopts a consumer that already exists in Kong", async () => {
    const { proxy, admin } = await setup();
    const existing = await call(`${admin}/consumers`, { body: { username: "carol" } });
    expect(existing.status).toBe(201);

    expect((await signUp(proxy, "carol")).status).toBe(201);
    const who = await info(proxy, (await signIn(proxy, "carol")).body.access_token);
    expect(who.status).toBe(200);
    expect(who.body.consumer_id).toBe(existing.body.id);
    const consumers = await call(`${admin}/consumers`);
    expect(consumers.body.data).toHaveLength(1);
  });

  it("recreates a JWT credential deleted in Kong at the next signin", async () => {
    const { proxy, admin } = await setup();
    await signUp(proxy, "alice");
    const before = (await signIn(proxy, "alice")).body;
    const who = (await info(proxy, before.access_token)).body;

    const deleted = await call(
      `${admin}/consumers/${who.consumer_id}/jwt/${encodeURIComponent(who.credential_key)}`,
      { method: "DELETE" },
    );
    expect(deleted.status).toBe(204);
    expectRejectedByKong(await info(proxy, before.access_token), NO_CREDENTIAL);

    const after = (await signIn(proxy, "alice")).body;
    const healed = await info(proxy, after.access_token);
    expect(healed.status).toBe(200);
    expect(healed.body.credential_key).not.toBe(who.credential_key);
    expect(healed.body.consumer_id).toBe(who.consumer_id);
  });
});

describe("readiness", () => {
  it("reports the database and the emulator's Admin API as answering", async () => {
    const { api } = await setup();
    const ready = await call(`${api}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: "ok", checks: { store: true, identity: true } });
  });
});

describe("an independent Kong at KONG_ADMIN_URL that runs DB-less", () => {
  it("warns at start-up, is not ready, and answers signup 503 with a log naming DB-less mode", async () => {
    const kong = await startKongEmulator({ admin: { dbless: true } });
    try {
      const [port] = await freePorts(1);
      const logs: string[] = [];
      const stack = await startStack({
        config: loadConfig({
          PORT: String(port),
          KONG_ADMIN_URL: kong.adminUrl,
          DATABASE_URL: ":memory:",
          LOG_LEVEL: "info",
          ARGON2_MEMORY_COST: "8",
          ARGON2_TIME_COST: "1",
        }),
        logStream: { write: (line) => logs.push(line) },
      });
      stacks.push(stack);
      const dbless = (): unknown[] =>
        logs
          .map((line) => JSON.parse(line))
          .filter((line) => line.level === 40 && /Kong runs DB-less/.test(line.msg));
      expect(dbless()).toHaveLength(1);

      const ready = await call(`${stack.urls.api}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.body.checks).toEqual({ store: true, identity: false });

      const reply = await signUp(stack.urls.api, "alice");
      expect(reply.status).toBe(503);
      expect(reply.body.code).toBe("identity_unavailable");
      expect(reply.headers.get("retry-after")).toBe("5");
      expect(dbless()).toHaveLength(2);
      expect(kong.model.listConsumers()).toEqual([]);
    } finally {
      await kong.close();
    }
  });
});

describe("shutdown", () => {
  it("lets an in-flight request finish before closing", async () => {
    const { stack, api } = await setup();
    await signUp(api, "alice");
    const received = new Promise((resolve) => stack.app.server.once("request", resolve));
    const inFlight = call(`${api}/api/public/signin`, {
      body: { username: "alice", password: PASSWORD },
    });
    await received;
    const closed = stack.close();
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(reply.headers.get("connection")).toBe("close");
    await closed;
    await expect(fetch(`${api}/healthz`)).rejects.toThrow();
  });
});

describe("start-up refusals", () => {
  async function configWith(env: Record<string, string>) {
    const [port, proxyPort, adminPort] = await freePorts(3);
    return loadConfig({
      PORT: String(port),
      KONG_PROXY_PORT: String(proxyPort),
      KONG_ADMIN_PORT: String(adminPort),
      KONG_CONFIG: KONG_YAML,
      DATABASE_URL: ":memory:",
      LOG_LEVEL: "silent",
      ...env,
    });
  }

  async function refusalOf(config: Awaited<ReturnType<typeof configWith>>): Promise<string> {
    const error: unknown = await startStack({ config }).then(
      (stack) => {
        stacks.push(stack);
        return null;
      },
      (caught: unknown) => caught,
    );
    expect(isStartupError(error)).toBe(true);
    return error instanceof Error ? error.message : "";
  }

  async function refusal(env: Record<string, string>): Promise<string> {
    return refusalOf(await configWith(env));
  }

  it("refuses an ACCESS_TOKEN_TTL above the jwt plugin's maximum_expiration", async () => {
    expect(await refusal({ ACCESS_TOKEN_TTL: "7200" })).toMatch(
      /maximum_expiration \(3600\) must be ≥ ACCESS_TOKEN_TTL \(7200\)/,
    );
  });

  it("refuses a KONG_CONFIG that cannot be read", async () => {
    expect(await refusal({ KONG_CONFIG: "./no-such-kong.yaml" })).toMatch(
      /^KONG_CONFIG \.\/no-such-kong\.yaml: .*cannot read the file/s,
    );
  });

  it("refuses a PORT in use with one clear line, and frees the emulator's ports again", async () => {
    const config = await configWith({});
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(config.port, "127.0.0.1", resolve));
    try {
      expect(await refusalOf(config)).toBe(
        `PORT ${config.port} on 127.0.0.1 is already in use; stop what holds it or set PORT`,
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    // Everything opened before the failure was closed: the same ports start a stack now.
    const stack = await startStack({ config });
    stacks.push(stack);
    expect((await call(`${stack.urls.api}/healthz`)).status).toBe(200);
  });

  it("refuses a KONG_PROXY_PORT in use", async () => {
    const config = await configWith({});
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(config.kongProxyPort, "127.0.0.1", resolve));
    try {
      expect(await refusalOf(config)).toMatch(
        /^KONG_PROXY_PORT \d+ or KONG_ADMIN_PORT \d+ on 127\.0\.0\.1 is already in use/,
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
