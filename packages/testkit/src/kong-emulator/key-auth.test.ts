/**
 * The second block of Kong's `spec/03-plugins/16-jwt/03-access_spec.lua` ("multiple auth
 * without anonymous, logical AND" / "with anonymous, logical OR"): jwt (priority 1450) and
 * key-auth (1250) on one route, plus the `ctx-checker` test plugin of the first block.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDeclarativeConfig } from "./declarative-config.js";
import { type RunningKongEmulator, startKongEmulator } from "./http-server.js";
import {
  type EchoUpstream,
  nowSeconds,
  proxyRequest,
  signJwt,
  startEchoUpstream,
} from "./test-support.js";

const ANONYMOUS = "0b4b1f0e-5e7b-4d0a-9c43-5d1f6a0e2c11";
const MICKEY = "1c5c2f1f-6f8c-4e1b-8d54-6e2a7b1f3d22";
const ALADDIN = "2d6d3a2a-7a9d-4f2c-9e65-7f3b8c2a4e33";
const KEY_AUTH_ID = "3e7e4b3b-8bae-4a3d-8f76-8a4c9d3b5f44";

const CONFIG = `_format_version: "3.0"
services:
  - name: echo
    url: http://127.0.0.1:1
    path: /request
    routes:
      - name: and
        hosts: [logical-and.test]
        plugins: [{ name: jwt }, { name: key-auth }]
      - name: or
        hosts: [logical-or.test]
        plugins:
          - { name: jwt, config: { anonymous: ${ANONYMOUS} } }
          - { name: key-auth, config: { anonymous: ${ANONYMOUS} } }
      - name: hidden
        hosts: [hidden.test]
        plugins: [{ name: key-auth, config: { hide_credentials: true } }]
      - name: ctx
        hosts: [jwt1.test]
        plugins:
          - { name: jwt }
          - name: ctx-checker
            config: { ctx_kind: kong.ctx.shared, ctx_check_field: authenticated_jwt_token }
consumers:
  - { id: ${ANONYMOUS}, username: Anonymous }
  - id: ${MICKEY}
    username: Mickey
    keyauth_credentials: [{ id: ${KEY_AUTH_ID}, key: Mouse }]
  - id: ${ALADDIN}
    username: Aladdin
    jwt_secrets: [{ key: aladdin-iss, secret: aladdin-secret }]
`;

describe("jwt and key-auth on one route (Kong 16-jwt/03-access_spec.lua)", () => {
  let upstream: EchoUpstream;
  let kong: RunningKongEmulator;
  const jwt = `Bearer ${signJwt({ iss: "aladdin-iss", exp: nowSeconds() + 3600 }, "aladdin-secret")}`;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    kong = await startKongEmulator({
      config: loadDeclarativeConfig({ text: CONFIG }),
      upstream: upstream.url,
    });
  });
  afterAll(async () => {
    await kong.close();
    await upstream.close();
  });

  function send(host: string, headers: Record<string, string> = {}, path = "/request") {
    return proxyRequest(kong.proxyUrl, {
      path,
      headers: Object.entries({ Host: host, ...headers }).flat(),
    });
  }

  describe("multiple auth without anonymous, logical AND", () => {
    it("passes with all credentials provided, key-auth's credential id winning", async () => {
      const reply = await send("logical-and.test", { apikey: "Mouse", Authorization: jwt });
      expect(reply.status).toBe(200);
      expect(reply.echo?.headers["x-anonymous-consumer"]).toBeUndefined();
      expect([MICKEY, ALADDIN]).toContain(reply.echo?.headers["x-consumer-id"]);
      expect(reply.echo?.headers["x-credential-identifier"]).toBe(KEY_AUTH_ID);
    });

    it("fails 401 with WWW-Authenticate: Bearer with only the api key", async () => {
      const reply = await send("logical-and.test", { apikey: "Mouse" });
      expect(reply.status).toBe(401);
      expect(reply.headers.get("www-authenticate")).toBe("Bearer");
    });

    it("fails 401 with WWW-Authenticate: Key and Kong's error template with only the jwt", async () => {
      const reply = await send("logical-and.test", { Authorization: jwt });
      expect(reply.status).toBe(401);
      expect(reply.headers.get("www-authenticate")).toBe("Key");
      const requestId = reply.headers.get("x-kong-request-id");
      expect(reply.text).toBe(
        `{\n  "message":"No API key found in request",\n  "request_id":"${requestId}"\n}`,
      );
    });

    it("fails 401 with WWW-Authenticate: Bearer with no credential", async () => {
      const reply = await send("logical-and.test");
      expect(reply.status).toBe(401);
      expect(reply.headers.get("www-authenticate")).toBe("Bearer");
    });

    it("answers 401 Unauthorized for an unknown key and Duplicate API key found for two", async () => {
      const unknown = await send("logical-and.test", { apikey: "nope", Authorization: jwt });
      expect(unknown.status).toBe(401);
      expect(JSON.parse(unknown.text)).toMatchObject({ message: "Unauthorized" });
      const twice = await send(
        "logical-and.test",
        { Authorization: jwt },
        "/request?apikey=a&apikey=b",
      );
      expect(JSON.parse(twice.text)).toMatchObject({ message: "Duplicate API key found" });
    });
  });

  describe("multiple auth with anonymous, logical OR", () => {
    it("passes with all credentials provided, the jwt credential kept", async () => {
      const reply = await send("logical-or.test", { apikey: "Mouse", Authorization: jwt });
      expect(reply.status).toBe(200);
      expect(reply.echo?.headers["x-anonymous-consumer"]).toBeUndefined();
      expect(reply.echo?.headers["x-consumer-id"]).toBe(ALADDIN);
      expect(reply.echo?.headers["x-credential-identifier"]).toBe("aladdin-iss");
    });

    it("passes with only the api key, as Mickey", async () => {
      const reply = await send("logical-or.test", { apikey: "Mouse" });
      expect(reply.status).toBe(200);
      expect(reply.echo?.headers["x-anonymous-consumer"]).toBeUndefined();
      expect(reply.echo?.headers["x-consumer-id"]).toBe(MICKEY);
      expect(reply.echo?.headers["x-credential-identifier"]).toBe(KEY_AUTH_ID);
    });

    it("passes with only the jwt, as Aladdin", async () => {
      const reply = await send("logical-or.test", { Authorization: jwt });
      expect(reply.echo?.headers["x-consumer-id"]).toBe(ALADDIN);
      expect(reply.echo?.headers["x-credential-identifier"]).toBe("aladdin-iss");
    });

    it("passes with no credential, as the anonymous consumer", async () => {
      const reply = await send("logical-or.test");
      expect(reply.status).toBe(200);
      expect(reply.echo?.headers["x-anonymous-consumer"]).toBe("true");
      expect(reply.echo?.headers["x-consumer-id"]).toBe(ANONYMOUS);
      expect(reply.echo?.headers["x-credential-identifier"]).toBeUndefined();
    });
  });

  it("removes the key from the upstream headers and query with hide_credentials", async () => {
    const header = await send("hidden.test", { apikey: "Mouse" });
    expect(header.echo?.headers.apikey).toBeUndefined();
    const query = await send("hidden.test", {}, "/request?a=1&apikey=Mouse");
    expect(query.echo?.query).toBe("a=1");
  });

  it("exposes kong.ctx.shared.authenticated_jwt_token to ctx-checker as Kong's test reads it", async () => {
    const token = jwt.slice("Bearer ".length);
    const reply = await send("jwt1.test", { Authorization: jwt });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("ctx-checker-authenticated-jwt-token")).toBe(token);
  });
});
