import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeAdminApi } from "./admin-api.contract.js";
import { createAdminApi } from "./admin-api.js";
import { startKongEmulator } from "./http-server.js";
import { createKongModel } from "./model.js";
import { kongAdminHandlers } from "./msw-handlers.js";

function clockedModel() {
  let now = Date.UTC(2026, 0, 1);
  const model = createKongModel({ now: () => now });
  return {
    model,
    advanceClock: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

describeAdminApi("msw handlers", async () => {
  const { model, advanceClock } = clockedModel();
  const baseUrl = "http://kong-admin.test:8001";
  const server = setupServer(...kongAdminHandlers(model, baseUrl));
  server.listen({ onUnhandledRequest: "error" });
  return {
    baseUrl,
    model,
    advanceClock,
    teardown: async () => {
      server.close();
    },
  };
});

describeAdminApi("HTTP listener", async () => {
  const { model, advanceClock } = clockedModel();
  const emulator = await startKongEmulator({ model });
  return { baseUrl: emulator.adminUrl, model, advanceClock, teardown: () => emulator.close() };
});

describe("Kong Admin API emulator front-ends", () => {
  const model = createKongModel();
  const baseUrl = "http://kong.internal:8001/admin";
  const server = setupServer(...kongAdminHandlers(model, baseUrl));
  let emulator: Awaited<ReturnType<typeof startKongEmulator>>;

  beforeAll(async () => {
    emulator = await startKongEmulator({ model });
    // Requests to the real HTTP listener go through; anything else unhandled is an error.
    server.listen({
      onUnhandledRequest(request, print) {
        if (!request.url.startsWith(emulator.adminUrl)) print.error();
      },
    });
  });
  afterAll(async () => {
    server.close();
    await emulator.close();
  });

  it("share one model: a consumer created through msw is served by the HTTP listener", async () => {
    const created = await fetch(`${baseUrl}/consumers`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "shared" }),
    });
    expect(created.status).toBe(201);
    const viaHttp = await fetch(`${emulator.adminUrl}/consumers/shared`);
    expect(await viaHttp.json()).toEqual(await created.json());
  });
});

describe("Kong Admin API emulator options", () => {
  it("answers 401 when requireAdminToken is set and the header does not match", async () => {
    const api = createAdminApi(createKongModel(), { requireAdminToken: "s3cret" });
    const refused = await api(new Request("http://kong/consumers"));
    expect(refused.status).toBe(401);
    expect(await refused.text()).toBe(
      '{"message":"Invalid credentials. Token or User credentials required"}',
    );
    const accepted = await api(
      new Request("http://kong/consumers", { headers: { "Kong-Admin-Token": "s3cret" } }),
    );
    expect(accepted.status).toBe(200);
  });

  it("ignores Kong-Admin-Token by default, as Kong OSS does", async () => {
    const api = createAdminApi(createKongModel());
    const reply = await api(
      new Request("http://kong/consumers", { headers: { "Kong-Admin-Token": "anything" } }),
    );
    expect(reply.status).toBe(200);
  });

  it("answers writes with 405 and code 12 in DB-less mode, after validation", async () => {
    const model = createKongModel();
    model.createConsumer({ username: "bob" });
    const api = createAdminApi(model, { dbless: true });
    const post = (body: unknown) =>
      api(
        new Request("http://kong/consumers", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    const refused = await post({ username: "alice" });
    expect(refused.status).toBe(405);
    expect(await refused.json()).toEqual({
      code: 12,
      name: "operation unsupported",
      message: "cannot create 'consumers' entities when not using a database",
    });
    expect((await post({})).status).toBe(400);
    const remove = await api(new Request("http://kong/consumers/bob", { method: "DELETE" }));
    expect(await remove.json()).toMatchObject({
      message: "cannot remove 'consumers' entities by 'username' when not using a database",
    });
    const missing = await api(new Request("http://kong/consumers/ghost/jwt", { method: "POST" }));
    expect(missing.status).toBe(404);
  });

  it("escapes slashes in JSON bodies as Kong's cjson does", async () => {
    const model = createKongModel();
    model.createConsumer({ username: "a/b" });
    const api = createAdminApi(model);
    const reply = await api(new Request("http://kong/consumers/a%2Fb"));
    expect(await reply.text()).toContain('"username":"a\\/b"');
  });
});

describe("Kong Admin API emulator /config", () => {
  // kong/api/routes/config.lua: a database-backed Kong refuses declarative reloads.
  it.each([
    ["GET", undefined, undefined],
    ["POST", "application/json", '{"_format_version":"3.0"}'],
    ["POST", "application/yaml", '_format_version: "3.0"\n'],
  ])(
    "answers %s /config (%s) with 400 when Kong uses a database",
    async (method, contentType, body) => {
      const api = createAdminApi(createKongModel());
      const reply = await api(
        new Request("http://kong-admin.test:8001/config", {
          method,
          ...(contentType === undefined ? {} : { headers: { "Content-Type": contentType } }),
          ...(body === undefined ? {} : { body }),
        }),
      );
      expect(reply.status).toBe(400);
      expect(await reply.text()).toBe(
        '{"message":"this endpoint is only available when Kong is configured to not use a database"}',
      );
    },
  );
});
