import { describeIdentityGatewayContract } from "@kong-jwt-auth/testkit/contracts";
import { createKongModel } from "@kong-jwt-auth/testkit/kong-emulator";
import { kongAdminHandlers } from "@kong-jwt-auth/testkit/kong-emulator/msw";
import { delay, HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createKongIdentityGateway } from "./kong-identity-gateway.js";

const ADMIN = "http://kong-admin.test:8001";
const CONSUMER_ID = "0d7e6c5b-4a39-4281-b706-f5e4d3c2b1a0";
const CREDENTIAL = {
  key: "k3y-of-22-characters_x",
  secret: "a-256-bit-secret-of-43-base64url-characters",
  algorithm: "HS256",
} as const;

const model = createKongModel();
const server = setupServer(...kongAdminHandlers(model, ADMIN));
/** Every request the gateway sent in the current test, as `METHOD url`. */
const sent: Request[] = [];

beforeAll(() => {
  server.listen({ onUnhandledRequest: "error" });
  server.events.on("request:start", ({ request }) => {
    sent.push(request.clone());
  });
});
beforeEach(() => {
  model.reset();
  sent.length = 0;
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** A gateway with fast retries: backoff is not what these tests look at. */
function gateway(options: { retries?: number; timeoutMs?: number; adminToken?: string } = {}) {
  return createKongIdentityGateway({ adminUrl: ADMIN, retryDelayMs: 1, ...options });
}

const requests = (method: string, pathname: string): number =>
  sent.filter((r) => r.method === method && new URL(r.url).pathname === pathname).length;

describeIdentityGatewayContract(
  "Kong identity gateway against the emulator's msw handlers",
  async () => {
    model.reset();
    return { gateway: gateway() };
  },
);

describe("Kong identity gateway faults (msw)", () => {
  it("retries a 500 and answers with the next attempt's result", async () => {
    model.createConsumer({ id: CONSUMER_ID, username: "alice" });
    server.use(
      http.get(
        `${ADMIN}/consumers/alice`,
        () => HttpResponse.json({ message: "An unexpected error occurred" }, { status: 500 }),
        { once: true },
      ),
    );
    await expect(gateway().findConsumerByUsername("alice")).resolves.toEqual({
      ok: true,
      value: { id: CONSUMER_ID, username: "alice" },
    });
    expect(requests("GET", "/consumers/alice")).toBe(2);
  });

  it("gives up with identity_unavailable after 1 + retries attempts when Kong keeps failing", async () => {
    server.use(
      http.get(`${ADMIN}/consumers/alice`, () =>
        HttpResponse.json({ message: "An unexpected error occurred" }, { status: 503 }),
      ),
    );
    const result = await gateway({ retries: 2 }).findConsumerByUsername("alice");
    expect(result).toEqual({
      ok: false,
      error: {
        code: "identity_unavailable",
        message: "Kong Admin API GET /consumers/{username} failed after 3 attempts: answered 503",
      },
    });
    expect(requests("GET", "/consumers/alice")).toBe(3);
  });

  it("answers identity_unavailable after one timeout, without retrying a hung Kong", async () => {
    server.use(
      http.get(`${ADMIN}/`, async () => {
        await delay(2_000);
        return HttpResponse.json({});
      }),
    );
    const result = await gateway({ timeoutMs: 100, retries: 2 }).ping();
    expect(result).toEqual({
      ok: false,
      error: {
        code: "identity_unavailable",
        message: "Kong Admin API GET / failed after 1 attempt: timed out after 100 ms",
      },
    });
    expect(requests("GET", "/")).toBe(1);
  });

  it("answers identity_unavailable when the connection drops on every attempt", async () => {
    server.use(http.delete(`${ADMIN}/consumers/:id`, () => HttpResponse.error()));
    const result = await gateway({ retries: 1 }).deleteConsumer(CONSUMER_ID);
    expect(result).toMatchObject({
      ok: false,
      error: { code: "identity_unavailable", message: expect.stringContaining("network error") },
    });
    expect(requests("DELETE", `/consumers/${CONSUMER_ID}`)).toBe(2);
  });

  it("recovers a consumer whose create committed but whose response was lost: created is true", async () => {
    server.use(
      http.post(
        `${ADMIN}/consumers`,
        async ({ request }) => {
          const body = (await request.json()) as { id: string; username: string };
          model.createConsumer(body);
          return HttpResponse.error();
        },
        { once: true },
      ),
    );
    const result = await gateway().createConsumer({ id: CONSUMER_ID, username: "alice" });
    expect(result).toEqual({
      ok: true,
      value: { consumer: { id: CONSUMER_ID, username: "alice" }, created: true },
    });
    expect(model.listConsumers()).toHaveLength(1);
    expect(requests("POST", "/consumers")).toBe(2);
  });

  it("adopts a consumer someone else created under the username: created is false", async () => {
    const other = model.createConsumer({ username: "alice" });
    const result = await gateway().createConsumer({ id: CONSUMER_ID, username: "alice" });
    expect(result).toEqual({
      ok: true,
      value: { consumer: { id: other.id, username: "alice" }, created: false },
    });
  });

  it("recovers when a retried create meets its own id as a primary-key violation", async () => {
    server.use(
      http.post(
        `${ADMIN}/consumers`,
        async ({ request }) => {
          model.createConsumer((await request.json()) as { id: string; username: string });
          return HttpResponse.json(
            {
              code: 3,
              name: "primary key violation",
              message: `primary key violation on key '{id="${CONSUMER_ID}"}'`,
              fields: { id: CONSUMER_ID },
            },
            { status: 400 },
          );
        },
        { once: true },
      ),
    );
    await expect(
      gateway().createConsumer({ id: CONSUMER_ID, username: "alice" }),
    ).resolves.toMatchObject({ ok: true, value: { created: true } });
  });

  it("recovers a credential whose create committed but whose response was lost", async () => {
    model.createConsumer({ id: CONSUMER_ID, username: "alice" });
    server.use(
      http.post(
        `${ADMIN}/consumers/:consumer/jwt`,
        async ({ request, params }) => {
          const body = (await request.json()) as typeof CREDENTIAL;
          model.createJwtCredential(String(params.consumer), body);
          return HttpResponse.error();
        },
        { once: true },
      ),
    );
    const result = await gateway().createCredential(CONSUMER_ID, CREDENTIAL);
    expect(result).toMatchObject({ ok: true, value: { consumerId: CONSUMER_ID, ...CREDENTIAL } });
    expect(model.listJwtCredentials(CONSUMER_ID)).toHaveLength(1);
    expect(requests("GET", `/consumers/${CONSUMER_ID}/jwt/${CREDENTIAL.key}`)).toBe(1);
  });

  it("refuses to hand out a credential whose key belongs to another consumer", async () => {
    const other = model.createConsumer({ username: "bob" });
    model.createJwtCredential(other.id, CREDENTIAL);
    model.createConsumer({ id: CONSUMER_ID, username: "alice" });
    const result = await gateway().createCredential(CONSUMER_ID, CREDENTIAL);
    expect(result).toMatchObject({ ok: false, error: { code: "identity_unavailable" } });
    expect(JSON.stringify(result)).not.toContain(CREDENTIAL.secret);
  });

  it("answers identity_unavailable for a body without the fields it needs", async () => {
    server.use(http.get(`${ADMIN}/consumers/alice`, () => HttpResponse.json({ name: "alice" })));
    await expect(gateway().findConsumerByUsername("alice")).resolves.toEqual({
      ok: false,
      error: {
        code: "identity_unavailable",
        message: "Kong Admin API GET /consumers/{username} answered with an unexpected body",
      },
    });
  });

  it("reads a credential without consumer or algorithm as the path consumer's HS256 credential", async () => {
    server.use(
      http.get(`${ADMIN}/consumers/:id/jwt`, () =>
        HttpResponse.json({
          data: [{ id: "c-1", key: CREDENTIAL.key, secret: CREDENTIAL.secret }],
          next: null,
        }),
      ),
    );
    await expect(gateway().listCredentials(CONSUMER_ID)).resolves.toEqual({
      ok: true,
      value: [
        {
          id: "c-1",
          consumerId: CONSUMER_ID,
          key: CREDENTIAL.key,
          secret: CREDENTIAL.secret,
          algorithm: "HS256",
        },
      ],
    });
  });

  it("answers identity_unavailable for a credential without its key or secret", async () => {
    server.use(
      http.get(`${ADMIN}/consumers/:id/jwt`, () =>
        HttpResponse.json({ data: [{ id: "c-1", secret: CREDENTIAL.secret }], next: null }),
      ),
    );
    await expect(gateway().listCredentials(CONSUMER_ID)).resolves.toMatchObject({
      ok: false,
      error: { code: "identity_unavailable" },
    });
  });

  it("answers identity_unavailable for a status Kong's contract does not have there", async () => {
    server.use(
      http.get(`${ADMIN}/consumers/:id/jwt`, () => HttpResponse.json({}, { status: 418 })),
    );
    await expect(gateway().listCredentials(CONSUMER_ID)).resolves.toMatchObject({
      ok: false,
      error: { code: "identity_unavailable", message: expect.stringContaining("418") },
    });
  });

  it("follows next through every page of credentials", async () => {
    model.createConsumer({ id: CONSUMER_ID, username: "alice" });
    for (let i = 0; i < 150; i += 1) {
      model.createJwtCredential(CONSUMER_ID, { key: `key-${i}`, secret: `secret-${i}` });
    }
    const result = await gateway().listCredentials(CONSUMER_ID);
    expect(result.ok && result.value?.length).toBe(150);
    expect(requests("GET", `/consumers/${CONSUMER_ID}/jwt`)).toBe(2);
  });

  it("URL-encodes path segments", async () => {
    await gateway().findConsumerByUsername("a b/c?d#e%");
    await gateway().deleteCredential(CONSUMER_ID, "k/e y");
    const paths = sent.map((r) => new URL(r.url).pathname);
    expect(paths).toEqual([
      "/consumers/a%20b%2Fc%3Fd%23e%25",
      `/consumers/${CONSUMER_ID}/jwt/k%2Fe%20y`,
    ]);
  });

  it("never reports a consumer found by id when asked for a UUID-shaped username", async () => {
    model.createConsumer({ id: CONSUMER_ID, username: "alice" });
    await expect(gateway().findConsumerByUsername(CONSUMER_ID)).resolves.toEqual({
      ok: true,
      value: null,
    });
  });
});

describe("Kong identity gateway headers and base URL (msw)", () => {
  it("sends the admin token as Kong-Admin-Token, and extra headers", async () => {
    server.use(...kongAdminHandlers(model, ADMIN, { requireAdminToken: "rbac-t0ken" }));
    const withToken = createKongIdentityGateway({
      adminUrl: ADMIN,
      adminToken: "rbac-t0ken",
      headers: { "X-Request-Source": "kong-jwt-auth" },
    });
    await expect(withToken.ping()).resolves.toEqual({ ok: true, value: undefined });
    expect(sent[0]?.headers.get("kong-admin-token")).toBe("rbac-t0ken");
    expect(sent[0]?.headers.get("x-request-source")).toBe("kong-jwt-auth");
  });

  it("reports a refused admin token without retrying and without echoing it", async () => {
    server.use(...kongAdminHandlers(model, ADMIN, { requireAdminToken: "rbac-t0ken" }));
    const result = await gateway({ adminToken: "wrong-t0ken" }).ping();
    expect(result).toEqual({
      ok: false,
      error: {
        code: "identity_unavailable",
        message: "Kong Admin API GET / answered an unexpected 401 (check the admin token)",
      },
    });
    expect(sent).toHaveLength(1);
  });

  it("names DB-less mode when Kong refuses to create a consumer with 405 code 12", async () => {
    server.use(...kongAdminHandlers(model, ADMIN, { dbless: true }));
    const result = await gateway().createConsumer({ id: CONSUMER_ID, username: "alice" });
    expect(result).toEqual({
      ok: false,
      error: {
        code: "identity_unavailable",
        message: expect.stringMatching(/POST \/consumers answered 405: Kong runs DB-less/),
      },
    });
  });

  it("names DB-less mode when Kong refuses to create a credential with 405 code 12", async () => {
    model.createConsumer({ id: CONSUMER_ID, username: "alice" });
    server.use(...kongAdminHandlers(model, ADMIN, { dbless: true }));
    const result = await gateway().createCredential(CONSUMER_ID, CREDENTIAL);
    expect(result).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining("Kong runs DB-less") },
    });
  });

  it("fails the ping of a DB-less Kong, whose Admin API cannot create consumers", async () => {
    server.use(...kongAdminHandlers(model, ADMIN, { dbless: true }));
    const result = await gateway().ping();
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: "identity_unavailable",
        message: expect.stringContaining("Kong runs DB-less"),
      },
    });
  });

  it("works under an Admin API URL with a path prefix", async () => {
    const prefixed = "http://gateway.test/kong-admin";
    server.use(...kongAdminHandlers(model, prefixed));
    const viaPrefix = createKongIdentityGateway({ adminUrl: prefixed });
    await expect(
      viaPrefix.createConsumer({ id: CONSUMER_ID, username: "alice" }),
    ).resolves.toMatchObject({ ok: true, value: { created: true } });
    expect(new URL(sent[0]?.url ?? "").pathname).toBe("/kong-admin/consumers");
  });
});

describe("Kong identity gateway options", () => {
  it.each([
    [{ adminUrl: "ftp://kong:8001" }, /'adminUrl'/],
    [{ adminUrl: "not a url" }, /'adminUrl'/],
    [{ adminUrl: "http://admin:pw@kong:8001" }, /'adminUrl'.*credentials/],
    [{ adminUrl: ADMIN, timeoutMs: 0 }, /'timeoutMs'/],
    [{ adminUrl: ADMIN, retries: -1 }, /'retries'/],
    [{ adminUrl: ADMIN, retries: 1.5 }, /'retries'/],
    [{ adminUrl: ADMIN, adminToken: "" }, /'adminToken'/],
    [{ adminUrl: ADMIN, headers: { "X-A": 1 } }, /'headers'/],
  ])("refuses %j with a TypeError naming the option", (options, message) => {
    expect(() =>
      createKongIdentityGateway(
        options as unknown as Parameters<typeof createKongIdentityGateway>[0],
      ),
    ).toThrow(message);
  });

  it("refuses a malformed URL without echoing it", () => {
    expect(() => createKongIdentityGateway({ adminUrl: "http://user:hunter2@[bad" })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("hunter2") }),
    );
  });

  it("accepts an https Admin API URL", () => {
    expect(() =>
      createKongIdentityGateway({ adminUrl: "https://kong-admin.internal:8444" }),
    ).not.toThrow();
  });
});
