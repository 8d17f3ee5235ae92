/**
 * Kong's `spec/03-plugins/16-jwt/04-invalidations_spec.lua`: the proxy populates the cache,
 * `GET /cache/{key}` shows it, an Admin API write invalidates it
 * (`helpers.wait_for_invalidation` polls until 404) and the next request is refused.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadDeclarativeConfig } from "./declarative-config.js";
import { type RunningKongEmulator, startKongEmulator } from "./http-server.js";
import {
  type EchoUpstream,
  nowSeconds,
  rawRequest,
  signJwt,
  startEchoUpstream,
} from "./test-support.js";

const CONFIG = `_format_version: "3.0"
routes:
  - hosts: [jwt.test]
    plugins: [{ name: jwt }]
consumers:
  - username: consumer1
    jwt_secrets: [{ key: key123, secret: secret123 }]
`;
// db.jwt_secrets:cache_key("key123"): the last part is the default workspace's id.
const CACHE_KEY = "jwt_secrets:key123:::::9b8f3c5e-1d2a-4e6f-8a7b-0c1d2e3f4a5b";

describe("jwt credential cache invalidation (Kong 16-jwt/04-invalidations_spec.lua)", () => {
  let upstream: EchoUpstream;
  let kong: RunningKongEmulator;

  beforeEach(async () => {
    upstream = await startEchoUpstream();
    kong = await startKongEmulator({
      config: loadDeclarativeConfig({ text: CONFIG }),
      upstream: upstream.url,
    });
  });
  afterEach(async () => {
    await kong.close();
    await upstream.close();
  });

  const proxy = async (key: string, secret: string) =>
    (
      await rawRequest(kong.proxyUrl, {
        path: "/request",
        headers: [
          "Host",
          "jwt.test",
          "Authorization",
          `Bearer ${signJwt({ iss: key, exp: nowSeconds() + 3600 }, secret)}`,
        ],
      })
    ).status;
  const cacheStatus = async (key = CACHE_KEY) =>
    (await fetch(`${kong.adminUrl}/cache/${encodeURIComponent(key)}`)).status;
  const credentialId = async () => {
    const reply = await fetch(`${kong.adminUrl}/consumers/consumer1/jwt/`);
    const body = (await reply.json()) as { data: { id: string }[] };
    return body.data[0]?.id ?? "";
  };

  it("caches a credential once the proxy used it, with its row as the body", async () => {
    expect(await cacheStatus()).toBe(404);
    expect(await proxy("key123", "secret123")).toBe(200);
    const reply = await fetch(`${kong.adminUrl}/cache/${CACHE_KEY}`);
    expect(reply.status).toBe(200);
    expect(await reply.json()).toMatchObject({ key: "key123", algorithm: "HS256" });
  });

  it("should invalidate when JWT Auth Credential entity is deleted", async () => {
    expect(await proxy("key123", "secret123")).toBe(200);
    expect(await cacheStatus()).toBe(200);
    const deleted = await fetch(
      `${kong.adminUrl}/consumers/consumer1/jwt/${await credentialId()}`,
      {
        method: "DELETE",
      },
    );
    expect(deleted.status).toBe(204);
    expect(await cacheStatus()).toBe(404);
    expect(await proxy("key123", "secret123")).toBe(401);
  });

  it("should invalidate when JWT Auth Credential entity is updated", async () => {
    expect(await proxy("key123", "secret123")).toBe(200);
    expect(await proxy("keyABC", "secret123")).toBe(401);
    expect(await cacheStatus()).toBe(200);
    const patched = await fetch(
      `${kong.adminUrl}/consumers/consumer1/jwt/${await credentialId()}`,
      {
        method: "PATCH",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ key: "keyABC" }),
      },
    );
    expect(patched.status).toBe(200);
    expect(await cacheStatus()).toBe(404);
    expect(await proxy("keyABC", "secret123")).toBe(200);
    expect(await proxy("key123", "secret123")).toBe(401);
  });

  it("should invalidate when Consumer entity is deleted", async () => {
    expect(await proxy("key123", "secret123")).toBe(200);
    expect(await cacheStatus()).toBe(200);
    const deleted = await fetch(`${kong.adminUrl}/consumers/consumer1`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(await cacheStatus()).toBe(404);
    expect(await proxy("key123", "secret123")).toBe(401);
  });

  it("answers DELETE /cache/{key} and DELETE /cache with 204 and forgets the entries", async () => {
    expect(await proxy("key123", "secret123")).toBe(200);
    expect((await fetch(`${kong.adminUrl}/cache/${CACHE_KEY}`, { method: "DELETE" })).status).toBe(
      204,
    );
    expect(await cacheStatus()).toBe(404);
    expect(await proxy("key123", "secret123")).toBe(200);
    expect((await fetch(`${kong.adminUrl}/cache`, { method: "DELETE" })).status).toBe(204);
    expect(await cacheStatus()).toBe(404);
  });
});
