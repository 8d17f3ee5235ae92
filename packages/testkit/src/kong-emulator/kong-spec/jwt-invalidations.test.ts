/**
 * Port of Kong 3.9.3 `spec/03-plugins/16-jwt/04-invalidations_spec.lua` against the emulator
 * started through its CLI: as in Kong's `before_each`/`after_each`, every test gets a fresh
 * emulator with the fixtures in its declarative file.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type EchoUpstream, startEchoUpstream } from "../test-support.js";
import {
  encodeJwt,
  type KongProcess,
  osTime,
  type SpecResponse,
  send,
  startKong,
  uuid,
} from "./spec-helpers.js";

/** The default workspace's id, the last part of `db.jwt_secrets:cache_key("key123")`. */
const WORKSPACE_ID = uuid();

describe("Plugin: jwt (invalidations) [#postgres]", () => {
  let upstream: EchoUpstream;
  let kong: KongProcess;
  let admin: string;
  let proxy: string;

  beforeEach(async () => {
    upstream = await startEchoUpstream();
    const route = uuid();
    const consumer = uuid();
    kong = await startKong({
      _format_version: "3.0",
      services: [{ url: upstream.url, routes: [{ id: route, hosts: ["jwt.test"] }] }],
      consumers: [{ id: consumer, username: "consumer1", custom_id: "consumer-id-1" }],
      plugins: [{ name: "jwt", config: {}, route: { id: route } }],
      jwt_secrets: [{ key: "key123", secret: "secret123", consumer: { id: consumer } }],
    });
    admin = kong.adminUrl;
    proxy = kong.proxyUrl;
  });

  afterEach(async () => {
    expect(await kong.stop()).toBe(0);
    await upstream.close();
  });

  const PAYLOAD: Record<string, unknown> = {
    nbf: osTime(),
    iat: osTime(),
    exp: osTime() + 3600,
  };

  const getAuthorization = (key: string, secret: string) => {
    PAYLOAD.iss = key;
    return `Bearer ${encodeJwt(PAYLOAD, secret)}`;
  };

  const proxied = (authorization: string): Promise<SpecResponse> =>
    send(proxy, {
      method: "GET",
      path: "/request",
      headers: { Authorization: authorization, Host: "jwt.test" },
    });

  /** `helpers.wait_for_invalidation(key)`: polls `/cache/{key}` until it answers 404. */
  const waitForInvalidation = async (cacheKey: string) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const res = await send(admin, { method: "GET", path: `/cache/${cacheKey}` });
      if (res.status === 404) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`${cacheKey} was never invalidated`);
  };

  const cacheKey = `jwt_secrets:key123:::::${WORKSPACE_ID}`;

  describe("JWT Credentials entity invalidation", () => {
    it("should invalidate when JWT Auth Credential entity is deleted", async () => {
      // It should work
      let res = await proxied(getAuthorization("key123", "secret123"));
      expect(res.status).toBe(200);

      // Check that cache is populated
      res = await send(admin, { method: "GET", path: `/cache/${cacheKey}` });
      expect(res.status).toBe(200);

      // Retrieve credential ID
      res = await send(admin, { method: "GET", path: "/consumers/consumer1/jwt/" });
      expect(res.status).toBe(200);
      const credentialId = (res.json().data as { id: string }[])[0]?.id;
      expect(credentialId).toBeTruthy();

      // Delete JWT credential (which triggers invalidation)
      res = await send(admin, {
        method: "DELETE",
        path: `/consumers/consumer1/jwt/${String(credentialId)}`,
      });
      expect(res.status).toBe(204);

      // Wait for cache to be invalidated
      await waitForInvalidation(cacheKey);

      // It should not work
      res = await proxied(getAuthorization("key123", "secret123"));
      expect(res.status).toBe(401);
    });
    it("should invalidate when JWT Auth Credential entity is updated", async () => {
      // It should work
      let res = await proxied(getAuthorization("key123", "secret123"));
      expect(res.status).toBe(200);

      // It should not work
      res = await proxied(getAuthorization("keyhello", "secret123"));
      expect(res.status).toBe(401);

      // Check that cache is populated
      res = await send(admin, { method: "GET", path: `/cache/${cacheKey}` });
      expect(res.status).toBe(200);

      // Retrieve credential ID
      res = await send(admin, { method: "GET", path: "/consumers/consumer1/jwt/" });
      expect(res.status).toBe(200);
      const credentialId = (res.json().data as { id: string }[])[0]?.id;
      expect(credentialId).toBeTruthy();

      // Patch JWT credential (which triggers invalidation)
      res = await send(admin, {
        method: "PATCH",
        path: `/consumers/consumer1/jwt/${String(credentialId)}`,
        body: { key: "keyhello" },
        headers: { "Content-Type": "application/json" },
      });
      expect(res.status).toBe(200);

      // Wait for cache to be invalidated
      await waitForInvalidation(cacheKey);

      // It should work
      res = await proxied(getAuthorization("keyhello", "secret123"));
      expect(res.status).toBe(200);

      // It should not work
      res = await proxied(getAuthorization("key123", "secret123"));
      expect(res.status).toBe(401);
    });
  });
  describe("Consumer entity invalidation", () => {
    it("should invalidate when Consumer entity is deleted", async () => {
      // It should work
      let res = await proxied(getAuthorization("key123", "secret123"));
      expect(res.status).toBe(200);

      // Check that cache is populated
      res = await send(admin, { method: "GET", path: `/cache/${cacheKey}` });
      expect(res.status).toBe(200);

      // Delete Consumer (which triggers invalidation)
      res = await send(admin, { method: "DELETE", path: "/consumers/consumer1" });
      expect(res.status).toBe(204);

      // Wait for cache to be invalidated
      await waitForInvalidation(cacheKey);

      // It should not work
      res = await proxied(getAuthorization("key123", "secret123"));
      expect(res.status).toBe(401);
    });
  });
});
