import { type Auth, createAuth } from "@kong-jwt-auth/core";
import { createFakeAuthDeps, type FakeAuthDeps } from "@kong-jwt-auth/testkit";
import type { LightMyRequestResponse } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { type App, buildApp } from "./app.js";
import { IDENTITY_UNAVAILABLE_MESSAGE } from "./http-errors.js";

const PASSWORD = "correct horse battery staple";

interface Harness {
  readonly app: App;
  readonly deps: FakeAuthDeps;
  readonly auth: Auth;
  /** Every log line the app wrote. */
  readonly logs: string[];
}

const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function setup(): Promise<Harness> {
  const deps = createFakeAuthDeps();
  const auth = createAuth(deps, {
    refreshReuseGrace: 10,
    passwordPolicy: { commonPasswords: ["password1234"] },
  });
  const logs: string[] = [];
  const app = await buildApp({
    deps: { auth },
    config: { logLevel: "info", logStream: { write: (line) => logs.push(line) } },
  });
  apps.push(app);
  return { app, deps, auth, logs };
}

function post(app: App, url: string, payload: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: "POST", url, payload: payload as object, headers });
}

async function signUp(app: App, username = "alice"): Promise<{ id: string; username: string }> {
  const response = await post(app, "/api/public/signup", { username, password: PASSWORD });
  expect(response.statusCode).toBe(201);
  return response.json();
}

interface Tokens {
  access_token: string;
  refresh_token: string;
}

async function signIn(app: App, username = "alice"): Promise<Tokens> {
  await signUp(app, username);
  const response = await post(app, "/api/public/signin", { username, password: PASSWORD });
  expect(response.statusCode).toBe(200);
  return response.json();
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Asserts the SPEC §3 error body and returns it. */
function expectError(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  expect(response.headers["content-type"]).toMatch(/^application\/json/);
  const body = response.json();
  expect(body).toEqual({
    statusCode: status,
    error: expect.any(String),
    code,
    message: expect.any(String),
  });
  return body;
}

describe("POST /api/public/signup", () => {
  it("answers 201 with the new account's id and normalised username", async () => {
    const { app } = await setup();
    const response = await post(app, "/api/public/signup", {
      username: "Alice",
      password: PASSWORD,
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ id: expect.any(String), username: "alice" });
  });

  it("answers 400 invalid_request when a field is missing", async () => {
    const { app } = await setup();
    const response = await post(app, "/api/public/signup", { username: "alice" });
    const body = expectError(response, 400, "invalid_request");
    expect(body.error).toBe("Bad Request");
    expect(body.message).toMatch(/password/);
  });

  it("answers 400 invalid_request when a field has the wrong type instead of coercing it", async () => {
    const { app, deps } = await setup();
    const response = await post(app, "/api/public/signup", {
      username: 12345,
      password: PASSWORD,
    });
    expectError(response, 400, "invalid_request");
    expect(deps.users.listUsers()).toHaveLength(0);
  });

  it("answers 400 invalid_request for a username the rules refuse", async () => {
    const { app } = await setup();
    const response = await post(app, "/api/public/signup", {
      username: "-not-ok",
      password: PASSWORD,
    });
    expectError(response, 400, "invalid_request");
  });

  it("answers 400 weak_password for a short, a common and an over-long password alike", async () => {
    const { app } = await setup();
    for (const password of ["short", "Password1234", "x".repeat(300)]) {
      const response = await post(app, "/api/public/signup", { username: "alice", password });
      expectError(response, 400, "weak_password");
    }
  });

  it("answers 409 username_taken when the user exists", async () => {
    const { app } = await setup();
    await signUp(app);
    const response = await post(app, "/api/public/signup", {
      username: "ALICE",
      password: PASSWORD,
    });
    expectError(response, 409, "username_taken");
  });

  it("answers 503 identity_unavailable with Retry-After when Kong fails, and leaves nothing behind", async () => {
    const { app, deps } = await setup();
    deps.identity.failOn("createCredential");
    const response = await post(app, "/api/public/signup", {
      username: "alice",
      password: PASSWORD,
    });
    expectError(response, 503, "identity_unavailable");
    expect(response.headers["retry-after"]).toBe("5");
    expect(deps.users.listUsers()).toHaveLength(0);
    expect(deps.identity.consumers()).toHaveLength(0);
  });

  it("logs why Kong is unavailable at warn level, and tells the client only to retry", async () => {
    const { app, deps, logs } = await setup();
    deps.identity.failOn("createConsumer");
    const response = await post(app, "/api/public/signup", {
      username: "alice",
      password: PASSWORD,
    });
    expectError(response, 503, "identity_unavailable");
    expect(response.json().message).toBe(IDENTITY_UNAVAILABLE_MESSAGE);
    const warnings = logs.map((line) => JSON.parse(line)).filter((line) => line.level === 40);
    expect(warnings).toContainEqual(
      expect.objectContaining({
        code: "identity_unavailable",
        msg: "injected fault: Kong createConsumer",
      }),
    );
    expect(logs.join("\n")).not.toContain(PASSWORD);
  });

  it("answers 415 invalid_request for a body that is not JSON", async () => {
    const { app } = await setup();
    const response = await app.inject({
      method: "POST",
      url: "/api/public/signup",
      payload: "username=alice",
      headers: { "content-type": "text/plain" },
    });
    expectError(response, 415, "invalid_request");
  });

  it("answers 413 invalid_request for a body over the limit", async () => {
    const { app } = await setup();
    const response = await post(app, "/api/public/signup", {
      username: "alice",
      password: "x".repeat(20_000),
    });
    expectError(response, 413, "invalid_request");
  });

  it("answers 400 invalid_request for malformed JSON without echoing the body", async () => {
    const { app } = await setup();
    const response = await app.inject({
      method: "POST",
      url: "/api/public/signup",
      payload: '{"username":"alice","password":"hunter2-secret"',
      headers: { "content-type": "application/json" },
    });
    expectError(response, 400, "invalid_request");
    expect(response.body).not.toContain("hunter2-secret");
  });

  it("answers 500 internal_error with a generic body when the store throws, logging the details", async () => {
    const { app, deps, logs } = await setup();
    deps.users.failOn("insertUser");
    const response = await post(app, "/api/public/signup", {
      username: "alice",
      password: PASSWORD,
    });
    const body = expectError(response, 500, "internal_error");
    expect(body).toEqual({
      statusCode: 500,
      error: "Internal Server Error",
      code: "internal_error",
      message: "Internal Server Error",
    });
    expect(response.body).not.toMatch(/injected|insertUser|Kong/);
    expect(logs.join("\n")).toMatch(/injected fault: users.insertUser/);
    expect(logs.join("\n")).not.toContain(PASSWORD);
  });
});

describe("POST /api/public/signin", () => {
  it("answers 200 with the token pair and forbids caching it", async () => {
    const { app } = await setup();
    await signUp(app);
    const response = await post(app, "/api/public/signin", {
      username: "alice",
      password: PASSWORD,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.headers.pragma).toBe("no-cache");
    expect(response.json()).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: "Bearer",
      expires_in: 900,
      refresh_token: expect.stringMatching(/^[\w-]{43}$/),
      refresh_expires_in: 604_800,
    });
  });

  it("answers 400 invalid_request for a malformed body", async () => {
    const { app } = await setup();
    expectError(
      await post(app, "/api/public/signin", { username: "alice" }),
      400,
      "invalid_request",
    );
  });

  it("answers 401 invalid_credentials alike for a wrong password and an unknown user", async () => {
    const { app } = await setup();
    await signUp(app);
    const wrong = await post(app, "/api/public/signin", { username: "alice", password: "nope" });
    const unknown = await post(app, "/api/public/signin", { username: "bob", password: PASSWORD });
    expect(expectError(wrong, 401, "invalid_credentials")).toEqual(
      expectError(unknown, 401, "invalid_credentials"),
    );
    expect(wrong.headers["www-authenticate"]).toBeUndefined();
  });

  it("answers 503 identity_unavailable with Retry-After when Kong cannot be reached", async () => {
    const { app, deps } = await setup();
    await signUp(app);
    deps.identity.failOn("listCredentials");
    const response = await post(app, "/api/public/signin", {
      username: "alice",
      password: PASSWORD,
    });
    expectError(response, 503, "identity_unavailable");
    expect(response.headers["retry-after"]).toBe("5");
  });
});

describe("POST /api/public/refresh", () => {
  it("answers 200 with rotated tokens that keep the session's absolute expiry", async () => {
    const { app, deps } = await setup();
    const tokens = await signIn(app);
    deps.clock.advance(60_000);
    const response = await post(app, "/api/public/refresh", {
      refresh_token: tokens.refresh_token,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.headers.pragma).toBe("no-cache");
    const body = response.json();
    expect(body.refresh_token).not.toBe(tokens.refresh_token);
    expect(body.refresh_expires_in).toBe(604_800 - 60);
    expect(body.token_type).toBe("Bearer");
  });

  it("answers 400 invalid_request when refresh_token is missing", async () => {
    const { app } = await setup();
    expectError(await post(app, "/api/public/refresh", {}), 400, "invalid_request");
  });

  it("answers 401 invalid_grant for an unknown token", async () => {
    const { app } = await setup();
    const response = await post(app, "/api/public/refresh", { refresh_token: "x".repeat(43) });
    expectError(response, 401, "invalid_grant");
  });
});

describe("POST /api/public/signout", () => {
  it("answers 204 and ends the session", async () => {
    const { app } = await setup();
    const tokens = await signIn(app);
    const response = await post(app, "/api/public/signout", {
      refresh_token: tokens.refresh_token,
    });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe("");
    const refreshed = await post(app, "/api/public/refresh", {
      refresh_token: tokens.refresh_token,
    });
    expectError(refreshed, 401, "invalid_grant");
  });

  it("answers 204 for an unknown token too", async () => {
    const { app } = await setup();
    const response = await post(app, "/api/public/signout", { refresh_token: "nope" });
    expect(response.statusCode).toBe(204);
  });

  it("answers 400 invalid_request for a malformed body", async () => {
    const { app } = await setup();
    expectError(
      await post(app, "/api/public/signout", { refresh_token: 1 }),
      400,
      "invalid_request",
    );
  });
});

describe("GET /api/jwt/info", () => {
  it("answers 200 with the identity behind a bearer token, scheme matched case-insensitively", async () => {
    const { app, deps } = await setup();
    const { id } = await signUp(app);
    const tokens = await signIn(app, "bob");
    const response = await app.inject({
      method: "GET",
      url: "/api/jwt/info",
      headers: { authorization: `bEaReR ${tokens.access_token}` },
    });
    expect(response.statusCode).toBe(200);
    const user = deps.users.listUsers().find((candidate) => candidate.username === "bob");
    const issuedAt = Math.floor(deps.clock.now() / 1000);
    expect(response.json()).toEqual({
      username: "bob",
      user_id: user?.id,
      consumer_id: user?.consumerId,
      credential_key: user?.credential.key,
      issued_at: issuedAt,
      expires_at: issuedAt + 900,
    });
    expect(user?.id).not.toBe(id);
  });

  it("answers 200 when Kong's forwarded headers agree with the token", async () => {
    const { app, deps } = await setup();
    const tokens = await signIn(app);
    const [user] = deps.users.listUsers();
    const response = await app.inject({
      method: "GET",
      url: "/api/jwt/info",
      headers: {
        ...bearer(tokens.access_token),
        "x-consumer-id": user?.consumerId ?? "",
        "x-consumer-username": "alice",
        "x-credential-identifier": user?.credential.key ?? "",
      },
    });
    expect(response.statusCode).toBe(200);
  });

  it("answers 401 with a bare Bearer challenge when no credential was presented", async () => {
    const { app } = await setup();
    const response = await app.inject({ method: "GET", url: "/api/jwt/info" });
    expectError(response, 401, "invalid_token");
    expect(response.headers["www-authenticate"]).toBe("Bearer");
  });

  it("answers 401 with error=invalid_token for a malformed token", async () => {
    const { app } = await setup();
    const response = await app.inject({
      method: "GET",
      url: "/api/jwt/info",
      headers: bearer("not.a.jwt"),
    });
    expectError(response, 401, "invalid_token");
    expect(response.headers["www-authenticate"]).toMatch(
      /^Bearer error="invalid_token", error_description="[^"]+"$/,
    );
  });

  it("answers 401 with error=invalid_token for another scheme than Bearer", async () => {
    const { app } = await setup();
    const response = await app.inject({
      method: "GET",
      url: "/api/jwt/info",
      headers: { authorization: "Basic YWxpY2U6c2VjcmV0" },
    });
    expectError(response, 401, "invalid_token");
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer error="invalid_token"/);
  });

  it("refuses forged X-Consumer-* headers without a token (SPEC §3.4 trust boundary)", async () => {
    const { app, deps } = await setup();
    await signUp(app);
    const [user] = deps.users.listUsers();
    const response = await app.inject({
      method: "GET",
      url: "/api/jwt/info",
      headers: {
        "x-consumer-id": user?.consumerId ?? "",
        "x-consumer-username": "alice",
        "x-credential-identifier": user?.credential.key ?? "",
      },
    });
    expectError(response, 401, "invalid_token");
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer error="invalid_token"/);
  });

  it("answers 401 when Kong's headers name another consumer than the token's", async () => {
    const { app, deps } = await setup();
    const alice = await signIn(app, "alice");
    await signUp(app, "bob");
    const bob = deps.users.listUsers().find((user) => user.username === "bob");
    const response = await app.inject({
      method: "GET",
      url: "/api/jwt/info",
      headers: { ...bearer(alice.access_token), "x-consumer-id": bob?.consumerId ?? "" },
    });
    expectError(response, 401, "invalid_token");
  });

  it("answers 401 for Kong's anonymous consumer even with a valid token", async () => {
    const { app } = await setup();
    const tokens = await signIn(app);
    const response = await app.inject({
      method: "GET",
      url: "/api/jwt/info",
      headers: { ...bearer(tokens.access_token), "x-anonymous-consumer": "true" },
    });
    expectError(response, 401, "invalid_token");
  });

  it("answers 401 for an expired token", async () => {
    const { app, deps } = await setup();
    const tokens = await signIn(app);
    deps.clock.advance(900_000);
    const response = await app.inject({
      method: "GET",
      url: "/api/jwt/info",
      headers: bearer(tokens.access_token),
    });
    expectError(response, 401, "invalid_token");
  });
});

describe("POST /api/jwt/signout-all", () => {
  it("answers 204 and kills every outstanding access and refresh token", async () => {
    const { app } = await setup();
    const tokens = await signIn(app);
    const response = await app.inject({
      method: "POST",
      url: "/api/jwt/signout-all",
      headers: bearer(tokens.access_token),
    });
    expect(response.statusCode).toBe(204);
    const info = await app.inject({
      method: "GET",
      url: "/api/jwt/info",
      headers: bearer(tokens.access_token),
    });
    expectError(info, 401, "invalid_token");
    const refreshed = await post(app, "/api/public/refresh", {
      refresh_token: tokens.refresh_token,
    });
    expectError(refreshed, 401, "invalid_grant");
  });

  it("answers 401 with a challenge without a token", async () => {
    const { app } = await setup();
    const response = await app.inject({ method: "POST", url: "/api/jwt/signout-all" });
    expectError(response, 401, "invalid_token");
    expect(response.headers["www-authenticate"]).toBe("Bearer");
  });

  it("answers 503 identity_unavailable with Retry-After and no challenge when Kong fails", async () => {
    const { app, deps } = await setup();
    const tokens = await signIn(app);
    deps.identity.failOn("deleteCredential");
    const response = await app.inject({
      method: "POST",
      url: "/api/jwt/signout-all",
      headers: bearer(tokens.access_token),
    });
    expectError(response, 503, "identity_unavailable");
    expect(response.headers["retry-after"]).toBe("5");
    expect(response.headers["www-authenticate"]).toBeUndefined();
  });
});

describe("bodies Fastify refuses, on every route that reads one", () => {
  const routes = [
    "/api/public/signup",
    "/api/public/signin",
    "/api/public/refresh",
    "/api/public/signout",
  ];

  it.each(routes)("%s answers 415 invalid_request for a non-JSON body", async (url) => {
    const { app } = await setup();
    const response = await app.inject({
      method: "POST",
      url,
      payload: "refresh_token=abc",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expectError(response, 415, "invalid_request");
  });

  it.each(routes)("%s answers 413 invalid_request for a body over the limit", async (url) => {
    const { app } = await setup();
    const response = await post(app, url, { refresh_token: "x".repeat(20_000) });
    expectError(response, 413, "invalid_request");
  });

  it.each(routes)("%s answers 400 invalid_request for an empty JSON body", async (url) => {
    const { app } = await setup();
    const response = await app.inject({
      method: "POST",
      url,
      payload: "",
      headers: { "content-type": "application/json" },
    });
    expectError(response, 400, "invalid_request");
  });

  it.each(routes)(
    "%s answers 400 invalid_request for a JSON body that is not an object",
    async (url) => {
      const { app } = await setup();
      expectError(await post(app, url, ["alice"]), 400, "invalid_request");
    },
  );
});

describe("a store that throws", () => {
  it.each([
    ["signin", "findUserByUsername"],
    ["refresh", "findRefreshToken"],
    ["signout", "findRefreshToken"],
    ["info", "findUserById"],
    ["signout-all", "findUserById"],
  ] as const)("turns %s into a generic 500 when users.%s fails", async (route, method) => {
    const { app, deps, logs } = await setup();
    const tokens = await signIn(app);
    deps.users.failOn(method);
    const response =
      route === "info" || route === "signout-all"
        ? await app.inject({
            method: route === "info" ? "GET" : "POST",
            url: `/api/jwt/${route}`,
            headers: bearer(tokens.access_token),
          })
        : await post(app, `/api/public/${route}`, {
            username: "alice",
            password: PASSWORD,
            refresh_token: tokens.refresh_token,
          });
    expect(expectError(response, 500, "internal_error").message).toBe("Internal Server Error");
    expect(response.body).not.toContain("injected");
    expect(logs.join("\n")).toContain(`injected fault: users.${method}`);
  });
});

describe("health probes", () => {
  it("GET /healthz answers 200", async () => {
    const { app } = await setup();
    const response = await app.inject({ method: "GET", url: "/healthz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok" });
  });

  it("GET /readyz answers 200 when the store and Kong answer", async () => {
    const { app } = await setup();
    const response = await app.inject({ method: "GET", url: "/readyz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok", checks: { store: true, identity: true } });
  });

  it("GET /readyz answers 503 naming Kong when its Admin API does not answer", async () => {
    const { app, deps } = await setup();
    deps.identity.failOn("ping");
    const response = await app.inject({ method: "GET", url: "/readyz" });
    expect(response.statusCode).toBe(503);
    expect(response.headers["retry-after"]).toBe("5");
    expect(response.json()).toEqual({
      statusCode: 503,
      error: "Service Unavailable",
      code: "not_ready",
      message: "not ready: identity unavailable",
      checks: { store: true, identity: false },
    });
  });

  it("GET /readyz answers 503 naming the store when the database does not answer", async () => {
    const { app, deps } = await setup();
    deps.users.failOn("ping");
    const response = await app.inject({ method: "GET", url: "/readyz" });
    expect(response.statusCode).toBe(503);
    expect(response.json().checks).toEqual({ store: false, identity: true });
  });
});

describe("unknown routes", () => {
  it("answer 404 not_found with the error body", async () => {
    const { app } = await setup();
    const response = await app.inject({ method: "GET", url: "/api/nope?token=secret" });
    const body = expectError(response, 404, "not_found");
    expect(body.message).not.toContain("secret");
  });

  it("answer 404 for a known path with another method", async () => {
    const { app } = await setup();
    expectError(await app.inject({ method: "GET", url: "/api/public/signin" }), 404, "not_found");
  });
});

describe("OpenAPI", () => {
  interface Operation {
    responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
    security?: unknown;
  }

  async function document(app: App): Promise<{ paths: Record<string, Record<string, Operation>> }> {
    const response = await app.inject({ method: "GET", url: "/openapi.json" });
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  it("lists every status each route answers", async () => {
    const { app } = await setup();
    const { paths } = await document(app);
    const statuses = (path: string, method: string) =>
      Object.keys(paths[path]?.[method]?.responses ?? {}).sort();
    const body = ["413", "415", "500"];
    expect(statuses("/api/public/signup", "post")).toEqual(
      ["201", "400", "409", "503", ...body].sort(),
    );
    expect(statuses("/api/public/signin", "post")).toEqual(
      ["200", "400", "401", "503", ...body].sort(),
    );
    expect(statuses("/api/public/refresh", "post")).toEqual(["200", "400", "401", ...body].sort());
    expect(statuses("/api/public/signout", "post")).toEqual(["204", "400", ...body].sort());
    expect(statuses("/api/jwt/info", "get")).toEqual(["200", "401", "500"]);
    expect(statuses("/api/jwt/signout-all", "post")).toEqual(["204", "401", "500", "503"]);
    expect(statuses("/healthz", "get")).toEqual(["200", "500"]);
    expect(statuses("/readyz", "get")).toEqual(["200", "500", "503"]);
  });

  it("describes errors with the error body and protects /api/jwt/* with the bearer scheme", async () => {
    const { app } = await setup();
    const spec = (await document(app)) as unknown as {
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    const conflict = spec.paths["/api/public/signup"]?.post?.responses["409"];
    expect(conflict?.content?.["application/json"]?.schema).toMatchObject({
      required: ["statusCode", "error", "code", "message"],
      properties: { code: { enum: ["username_taken"] } },
    });
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({
      type: "http",
      scheme: "bearer",
    });
    expect(spec.paths["/api/jwt/info"]?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(spec.paths["/api/public/signin"]?.post?.security).toBeUndefined();
  });

  it("serves a browsable page at /docs", async () => {
    const { app } = await setup();
    const response = await app.inject({ method: "GET", url: "/docs/" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/text\/html/);
  });
});

describe("logging", () => {
  it("never logs passwords, tokens or the Authorization header", async () => {
    const { app, logs } = await setup();
    const tokens = await signIn(app);
    await app.inject({ method: "GET", url: "/api/jwt/info", headers: bearer(tokens.access_token) });
    const refreshed = await post(app, "/api/public/refresh", {
      refresh_token: tokens.refresh_token,
    });
    const output = logs.join("\n");
    expect(output).toContain("/api/jwt/info");
    for (const secret of [PASSWORD, tokens.access_token, tokens.refresh_token]) {
      expect(output).not.toContain(secret);
    }
    expect(output).not.toContain(refreshed.json().refresh_token);
  });

  it("drops the query string from logged URLs", async () => {
    const { app, logs } = await setup();
    await app.inject({ method: "GET", url: "/api/jwt/info?jwt=leaked-token-value" });
    const output = logs.join("\n");
    expect(output).toContain('"url":"/api/jwt/info"');
    expect(output).not.toContain("leaked-token-value");
  });
});
