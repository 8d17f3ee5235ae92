/**
 * Kong's `16-jwt/03-access_spec.lua` and `04-invalidations_spec.lua`, ported to the HTTP
 * emulator: 13 host-based routes with the same plugin configurations as Kong's test.
 */
import { generateKeyPairSync, type KeyObject, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDeclarativeConfig } from "./declarative-config.js";
import { type RunningKongEmulator, startKongEmulator } from "./http-server.js";
import type { KongJwtCredential } from "./model.js";
import {
  type EchoUpstream,
  nowSeconds,
  type ProxiedReply,
  proxyRequest,
  rawRequest,
  signJwt,
  startEchoUpstream,
} from "./test-support.js";

const PLUGINS: Record<number, string> = {
  1: "{}",
  2: "{ uri_param_names: [token, jwt] }",
  3: "{ claims_to_verify: [nbf, exp] }",
  4: "{ key_claim_name: aud }",
  5: "{ secret_is_base64: true }",
  6: "{ anonymous: ANON_ID }",
  7: `{ anonymous: ${randomUUID()} }`,
  8: "{ run_on_preflight: false }",
  9: "{ cookie_names: [silly, crumble], realm: test-jwt }",
  10: "{ key_claim_name: kid }",
  11: "{ claims_to_verify: [nbf, exp], maximum_expiration: 300 }",
  12: "{ header_names: [CustomAuthorization] }",
  13: "{ anonymous: no-body }",
};

const ANON_ID = "3b7f1c2e-9a4d-4e5f-8a6b-1c2d3e4f5a6b";

function configText(): string {
  const routes = Object.entries(PLUGINS)
    .map(
      ([n, config]) =>
        `      - name: r${n}\n        hosts: [jwt${n}.test]\n        plugins:\n          - name: jwt\n            config: ${config.replace("ANON_ID", ANON_ID)}`,
    )
    .join("\n");
  return `_format_version: "3.0"
services:
  - name: echo
    url: http://127.0.0.1:1
    routes:
${routes}
consumers:
  - id: ${ANON_ID}
    username: no-body
`;
}

describe("jwt plugin on the HTTP emulator", () => {
  let upstream: EchoUpstream;
  let kong: RunningKongEmulator;
  let hs: KongJwtCredential;
  let hs6: KongJwtCredential;
  let base64: KongJwtCredential;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    kong = await startKongEmulator({
      config: loadDeclarativeConfig({ text: configText() }),
      upstream: upstream.url,
    });
    const { model } = kong;
    model.createConsumer({ username: "jwt_tests_consumer" });
    model.createConsumer({ username: "jwt_tests_consumer_6" });
    model.createConsumer({ username: "jwt_tests_base64_consumer" });
    hs = model.createJwtCredential("jwt_tests_consumer");
    hs6 = model.createJwtCredential("jwt_tests_consumer_6");
    base64 = model.createJwtCredential("jwt_tests_base64_consumer");
  });
  afterAll(async () => {
    await kong.close();
    await upstream.close();
  });

  async function send(
    host: string,
    options: { path?: string; method?: string; headers?: Record<string, string> } = {},
  ): Promise<ProxiedReply> {
    return proxyRequest(kong.proxyUrl, {
      method: options.method ?? "GET",
      path: options.path ?? "/request",
      headers: Object.entries({ Host: host, ...options.headers }).flat(),
    });
  }

  const payload = (extra: Record<string, unknown> = {}) => ({
    nbf: nowSeconds(),
    iat: nowSeconds(),
    exp: nowSeconds() + 3600,
    ...extra,
  });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  describe("refusals", () => {
    it("answers 401 Unauthorized with WWW-Authenticate: Bearer when no JWT is found", async () => {
      const reply = await send("jwt1.test");
      expect(reply.status).toBe(401);
      expect(reply.text).toBe('{"message":"Unauthorized"}');
      expect(reply.headers.get("www-authenticate")).toBe("Bearer");
      expect(reply.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(reply.headers.get("server")).toBe("kong/3.9.3");
      expect(reply.headers.get("x-kong-request-id")).toMatch(/^[0-9a-f]{32}$/);
      expect(reply.headers.get("x-kong-response-latency")).toMatch(/^\d+$/);
    });

    it.each([
      ["no key claim", payload(), "foo", "No mandatory 'iss' in claims"],
      ["an empty key claim", payload({ iss: "" }), "foo", "Invalid 'iss' in claims"],
      [
        "an unknown key",
        payload({ iss: "123456789" }),
        "foo",
        "No credentials found for given 'iss'",
      ],
    ])("answers 401 for %s", async (_name, claims, secret, message) => {
      const reply = await send("jwt1.test", { headers: bearer(signJwt(claims, secret)) });
      expect(reply.status).toBe(401);
      expect(JSON.parse(reply.text)).toEqual({ message });
      expect(reply.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    });

    it("answers 401 Invalid signature for a token signed with another secret", async () => {
      const reply = await send("jwt1.test", {
        headers: bearer(signJwt(payload({ iss: hs.key }), "foo")),
      });
      expect(reply.text).toBe('{"message":"Invalid signature"}');
    });

    it("answers 401 Invalid algorithm when alg differs from the credential's", async () => {
      const token = signJwt(payload({ iss: hs.key }), hs.secret ?? "", "HS256", {
        typ: "JWT",
        alg: "RS256",
      });
      const reply = await send("jwt1.test", { headers: bearer(token) });
      expect(reply.text).toBe('{"message":"Invalid algorithm"}');
    });

    it("reports decoding errors before the key lookup, in Kong's order", async () => {
      const good = signJwt(payload({ iss: hs.key }), hs.secret ?? "");
      const [h, c] = good.split(".");
      const cases: [string, string][] = [
        ["garbage", "Bad token; invalid JSON"],
        [`${h}.${c}`, "Bad token; invalid JSON"],
        [`${Buffer.from('{"alg":"none"}').toString("base64url")}.${c}.x`, "Bad token; invalid alg"],
        [`${Buffer.from('{"typ":"JWT"}').toString("base64url")}.${c}.x`, "Bad token; invalid alg"],
        [`${h}.${c}.a+b`, "Bad token; invalid signature"],
        [`${h}.${c}.abcde`, "Bad token; invalid signature"],
      ];
      for (const [token, message] of cases) {
        const reply = await send("jwt1.test", { headers: bearer(token) });
        expect(reply.status).toBe(401);
        expect(JSON.parse(reply.text)).toEqual({ message });
      }
    });

    it("answers 401 Multiple tokens provided for different tokens in header and query", async () => {
      const token = signJwt(payload({ iss: hs.key }), hs.secret ?? "");
      const reply = await send("jwt1.test", {
        path: `/request?jwt=${token}`,
        headers: { Authorization: "Bearer invalid.jwt.token" },
      });
      expect(reply.text).toBe('{"message":"Multiple tokens provided"}');
      expect(reply.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    });

    it("accepts the same token in the header and the query string", async () => {
      const token = signJwt(payload({ iss: hs.key }), hs.secret ?? "");
      const reply = await send("jwt1.test", {
        path: `/request?jwt=${token}`,
        headers: bearer(token),
      });
      expect(reply.status).toBe(200);
    });

    it("answers 401 Unrecognizable token for a bare ?jwt", async () => {
      const reply = await send("jwt1.test", { path: "/request?jwt" });
      expect(reply.text).toBe('{"message":"Unrecognizable token"}');
    });

    it("skips OPTIONS when run_on_preflight is false and refuses it when true", async () => {
      expect((await send("jwt8.test", { method: "OPTIONS" })).status).toBe(200);
      const refused = await send("jwt1.test", { method: "OPTIONS" });
      expect(refused.status).toBe(401);
      expect(refused.text).toBe('{"message":"Unauthorized"}');
      expect(refused.headers.get("www-authenticate")).toBe("Bearer");
    });

    it("enforces maximum_expiration", async () => {
      const far = signJwt(
        { iss: hs.key, exp: nowSeconds() + 3600, nbf: nowSeconds() - 30 },
        hs.secret ?? "",
      );
      const refused = await send("jwt11.test", { path: `/request/?jwt=${far}` });
      expect(refused.status).toBe(401);
      expect(refused.text).toBe('{"exp":"exceeds maximum allowed expiration"}');
      const near = signJwt(
        { iss: hs.key, exp: nowSeconds() + 270, nbf: nowSeconds() - 30 },
        hs.secret ?? "",
      );
      expect((await send("jwt11.test", { path: `/request/?jwt=${near}` })).status).toBe(200);
    });

    it("uses the realm with the 3.9 delimiter (a space) in WWW-Authenticate", async () => {
      const none = await send("jwt9.test");
      expect(none.headers.get("www-authenticate")).toBe('Bearer realm="test-jwt"');
      const token = signJwt(payload({ iss: "incorrect-issuer" }), hs.secret ?? "");
      const unknown = await send("jwt9.test", {
        headers: { Cookie: `silly=${token}; path=/;domain=.jwt9.test` },
      });
      expect(unknown.text).toBe(`{"message":"No credentials found for given 'iss'"}`);
      expect(unknown.headers.get("www-authenticate")).toBe(
        'Bearer realm="test-jwt" error="invalid_token"',
      );
      const corrupted = await send("jwt9.test", {
        headers: { Cookie: `silly=no-way-this-works${token}; path=/` },
      });
      expect(corrupted.text).toBe('{"message":"Bad token; invalid JSON"}');
    });
  });

  describe("registered claims", () => {
    it("requires the checked claims to be numbers", async () => {
      const reply = await send("jwt3.test", {
        path: `/request/?jwt=${signJwt({ iss: hs.key }, hs.secret ?? "")}`,
      });
      expect(reply.status).toBe(401);
      expect(JSON.parse(reply.text)).toEqual({ nbf: "must be a number", exp: "must be a number" });
      expect(reply.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    });

    it("answers token expired and token not valid yet", async () => {
      const expired = signJwt(
        { iss: hs.key, exp: nowSeconds() - 10, nbf: nowSeconds() - 10 },
        hs.secret ?? "",
      );
      expect((await send("jwt3.test", { path: `/request/?jwt=${expired}` })).text).toBe(
        '{"exp":"token expired"}',
      );
      const early = signJwt(
        { iss: hs.key, exp: nowSeconds() + 10, nbf: nowSeconds() + 5 },
        hs.secret ?? "",
      );
      expect((await send("jwt3.test", { path: `/request/?jwt=${early}` })).text).toBe(
        '{"nbf":"token not valid yet"}',
      );
    });

    it("does not check exp unless claims_to_verify lists it", async () => {
      const expired = signJwt({ iss: hs.key, exp: nowSeconds() - 10 }, hs.secret ?? "");
      expect((await send("jwt1.test", { headers: bearer(expired) })).status).toBe(200);
    });
  });

  describe("HS256", () => {
    it("proxies with the token and the consumer headers when the token verifies", async () => {
      const token = signJwt(payload({ iss: hs.key }), hs.secret ?? "");
      const reply = await send("jwt1.test", {
        headers: {
          ...bearer(token),
          "X-Consumer-Custom-ID": "spoofed",
          "X-Anonymous-Consumer": "true",
        },
      });
      expect(reply.status).toBe(200);
      const headers = reply.echo?.headers ?? {};
      expect(headers.authorization).toBe(`Bearer ${token}`);
      expect(headers["x-consumer-username"]).toBe("jwt_tests_consumer");
      expect(headers["x-consumer-id"]).toBe(kong.model.findConsumer("jwt_tests_consumer")?.id);
      expect(headers["x-credential-identifier"]).toBe(hs.key);
      expect(headers["x-consumer-custom-id"]).toBeUndefined();
      expect(headers["x-anonymous-consumer"]).toBeUndefined();
      expect(reply.headers.get("via")).toBe("1.1 kong/3.9.3");
      expect(reply.headers.get("x-kong-upstream-latency")).toMatch(/^\d+$/);
      expect(reply.headers.get("x-kong-proxy-latency")).toMatch(/^\d+$/);
    });

    it("finds the key in the JWT header (kid) and in another claim (aud)", async () => {
      const withKid = signJwt(payload(), hs6.secret ?? "", "HS256", {
        typ: "JWT",
        alg: "HS256",
        kid: hs6.key,
      });
      expect((await send("jwt10.test", { headers: bearer(withKid) })).status).toBe(200);
      const withAud = signJwt(payload({ aud: hs.key }), hs.secret ?? "");
      const reply = await send("jwt4.test", { headers: bearer(withAud) });
      expect(reply.echo?.headers["x-credential-identifier"]).toBe(hs.key);
    });

    it("verifies with a base64 secret after the secret is patched through the Admin API", async () => {
      const original = base64.secret ?? "";
      const patched = await fetch(
        `${kong.adminUrl}/consumers/jwt_tests_base64_consumer/jwt/${base64.id}`,
        {
          method: "PATCH",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({
            key: base64.key,
            secret: Buffer.from(original).toString("base64"),
          }),
        },
      );
      expect(patched.status).toBe(200);
      const token = signJwt(payload({ iss: base64.key }), original);
      const reply = await send("jwt5.test", { headers: bearer(token) });
      expect(reply.status).toBe(200);
      expect(reply.echo?.headers["x-consumer-username"]).toBe("jwt_tests_base64_consumer");
    });

    it("finds the token in cookies, custom headers (first occurrence) and query parameters", async () => {
      const token = signJwt(payload({ iss: hs.key }), hs.secret ?? "");
      expect(
        (await send("jwt9.test", { headers: { Cookie: `crumble=${token}; path=/` } })).status,
      ).toBe(200);
      expect((await send("jwt9.test", { headers: bearer(token) })).status).toBe(200);
      expect(
        (await send("jwt12.test", { headers: { CustomAuthorization: `Bearer ${token}` } })).status,
      ).toBe(200);
      expect((await send("jwt1.test", { path: `/request/?jwt=${token}` })).status).toBe(200);
      expect((await send("jwt2.test", { path: `/request/?token=${token}` })).status).toBe(200);
      expect(
        (await send("jwt1.test", { headers: { Authorization: `bearer ${token}` } })).status,
      ).toBe(200);
      expect(
        (await send("jwt1.test", { headers: { Authorization: `BEARER ${token}` } })).status,
      ).toBe(401);
    });

    it("uses only the first occurrence of a repeated header", async () => {
      const token = signJwt(payload({ iss: hs.key }), hs.secret ?? "");
      const reply = await rawRequest(kong.proxyUrl, {
        path: "/request",
        headers: [
          "Host",
          "jwt12.test",
          "CustomAuthorization",
          `Bearer ${token}`,
          "CustomAuthorization",
          "Bearer other-token",
        ],
      });
      expect(reply.status).toBe(200);
    });
  });

  describe("asymmetric algorithms", () => {
    function keyed(type: "rsa" | "ec" | "ed25519", option?: string) {
      const pair =
        type === "rsa"
          ? generateKeyPairSync("rsa", { modulusLength: 2048 })
          : type === "ec"
            ? generateKeyPairSync("ec", { namedCurve: option ?? "P-256" })
            : generateKeyPairSync("ed25519");
      return {
        privateKey: pair.privateKey as KeyObject,
        pem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
      };
    }

    it.each([
      ["RS256", "rsa", undefined],
      ["RS512", "rsa", undefined],
      ["PS256", "rsa", undefined],
      ["PS384", "rsa", undefined],
      ["ES256", "ec", "P-256"],
      ["ES384", "ec", "P-384"],
      ["ES512", "ec", "P-521"],
      ["EdDSA", "ed25519", undefined],
    ] as const)("proxies a good %s token and identifies the consumer", async (alg, type, curve) => {
      const { privateKey, pem } = keyed(type, curve);
      const username = `consumer-${alg}`;
      kong.model.createConsumer({ username });
      const credential = kong.model.createJwtCredential(username, {
        algorithm: alg,
        rsa_public_key: pem,
      });
      const token = signJwt(payload({ iss: credential.key }), privateKey, alg);
      const reply = await send("jwt1.test", { headers: bearer(token) });
      expect(reply.status).toBe(200);
      expect(reply.echo?.headers["x-consumer-username"]).toBe(username);
      expect(reply.echo?.headers["x-credential-identifier"]).toBe(credential.key);
      const forged = signJwt(payload({ iss: credential.key }), keyed(type, curve).privateKey, alg);
      expect((await send("jwt1.test", { headers: bearer(forged) })).text).toBe(
        '{"message":"Invalid signature"}',
      );
    });

    it("verifies an RS256 token on a secret_is_base64 route", async () => {
      const { privateKey, pem } = keyed("rsa");
      kong.model.createConsumer({ username: "rsa-b64" });
      const credential = kong.model.createJwtCredential("rsa-b64", {
        algorithm: "RS256",
        rsa_public_key: pem,
      });
      const token = signJwt(payload({ iss: credential.key }), privateKey, "RS256");
      expect((await send("jwt5.test", { headers: bearer(token) })).status).toBe(200);
    });

    it("answers Invalid key/secret for an ES credential without a key, and 500 for a DER ES signature", async () => {
      kong.model.createConsumer({ username: "es-nokey" });
      const noKey = kong.model.createJwtCredential("es-nokey", { algorithm: "ES256" });
      const { privateKey, pem } = keyed("ec");
      const token = signJwt(payload({ iss: noKey.key }), privateKey, "ES256");
      // cjson escapes "/" as Kong sends it.
      expect((await send("jwt1.test", { headers: bearer(token) })).text).toBe(
        '{"message":"Invalid key\\/secret"}',
      );
      kong.model.createConsumer({ username: "es-der" });
      const der = kong.model.createJwtCredential("es-der", {
        algorithm: "ES256",
        rsa_public_key: pem,
      });
      const { sign } = await import("node:crypto");
      const input = signJwt(payload({ iss: der.key }), privateKey, "ES256")
        .split(".")
        .slice(0, 2)
        .join(".");
      const derSignature = sign("sha256", Buffer.from(input), privateKey).toString("base64url");
      const reply = await send("jwt1.test", { headers: bearer(`${input}.${derSignature}`) });
      expect(reply.status).toBe(500);
      expect(JSON.parse(reply.text)).toMatchObject({ message: "An unexpected error occurred" });
    });
  });

  describe("anonymous", () => {
    it("authenticates the real consumer when the token is good", async () => {
      const token = signJwt(payload({ iss: hs.key }), hs.secret ?? "");
      const reply = await send("jwt6.test", { headers: bearer(token) });
      expect(reply.echo?.headers["x-consumer-username"]).toBe("jwt_tests_consumer");
      expect(reply.echo?.headers["x-anonymous-consumer"]).toBeUndefined();
    });

    it.each(["jwt6.test", "jwt13.test"])(
      "falls back to the anonymous consumer on %s",
      async (host) => {
        const reply = await send(host, { headers: { "X-Credential-Identifier": "spoofed" } });
        expect(reply.status).toBe(200);
        expect(reply.echo?.headers["x-anonymous-consumer"]).toBe("true");
        expect(reply.echo?.headers["x-consumer-username"]).toBe("no-body");
        expect(reply.echo?.headers["x-consumer-id"]).toBe(ANON_ID);
        expect(reply.echo?.headers["x-credential-identifier"]).toBeUndefined();
      },
    );

    it("answers 500 when the anonymous consumer does not exist", async () => {
      const reply = await send("jwt7.test");
      expect(reply.status).toBe(500);
      expect(reply.text).toMatch(
        /^\{\n {2}"message":"An unexpected error occurred",\n {2}"request_id":"[0-9a-f]{32}"\n\}$/,
      );
    });
  });

  describe("runtime errors", () => {
    it("answers 500 for a key claim that is not a string", async () => {
      const token = signJwt({ iss: 123 }, "x");
      expect((await send("jwt1.test", { headers: bearer(token) })).status).toBe(500);
    });
  });

  describe("invalidations through the Admin API", () => {
    async function admin(method: string, path: string, body?: unknown) {
      return fetch(`${kong.adminUrl}${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
      });
    }

    it("refuses a token once its credential is deleted", async () => {
      kong.model.createConsumer({ username: "inv-1" });
      const credential = kong.model.createJwtCredential("inv-1");
      const token = signJwt(payload({ iss: credential.key }), credential.secret ?? "");
      expect((await send("jwt1.test", { headers: bearer(token) })).status).toBe(200);
      expect((await admin("DELETE", `/consumers/inv-1/jwt/${credential.id}`)).status).toBe(204);
      expect((await send("jwt1.test", { headers: bearer(token) })).status).toBe(401);
    });

    it("accepts the new key and refuses the old one after a PATCH of the key", async () => {
      kong.model.createConsumer({ username: "inv-2" });
      const credential = kong.model.createJwtCredential("inv-2");
      const old = signJwt(payload({ iss: credential.key }), credential.secret ?? "");
      expect(
        (await admin("PATCH", `/consumers/inv-2/jwt/${credential.id}`, { key: "updated-key" }))
          .status,
      ).toBe(200);
      const fresh = signJwt(payload({ iss: "updated-key" }), credential.secret ?? "");
      expect((await send("jwt1.test", { headers: bearer(fresh) })).status).toBe(200);
      expect((await send("jwt1.test", { headers: bearer(old) })).status).toBe(401);
    });

    it("refuses a token once its consumer is deleted", async () => {
      kong.model.createConsumer({ username: "inv-3" });
      const credential = kong.model.createJwtCredential("inv-3");
      const token = signJwt(payload({ iss: credential.key }), credential.secret ?? "");
      expect((await admin("DELETE", "/consumers/inv-3")).status).toBe(204);
      const reply = await send("jwt1.test", { headers: bearer(token) });
      expect(reply.text).toBe(`{"message":"No credentials found for given 'iss'"}`);
    });
  });
});

describe("jwt plugin WWW-Authenticate format", () => {
  it("uses a comma before error= with the 'head' format", async () => {
    const upstream = await startEchoUpstream();
    const kong = await startKongEmulator({
      config: loadDeclarativeConfig({
        text: `_format_version: "3.0"
services:
  - url: ${upstream.url}
    routes:
      - paths: [/]
        plugins: [{ name: jwt, config: { realm: r } }]
`,
      }),
      wwwAuthenticate: "head",
    });
    try {
      const reply = await fetch(`${kong.proxyUrl}/x`, {
        headers: { Authorization: "Bearer a.b.c" },
      });
      expect(reply.headers.get("www-authenticate")).toBe('Bearer realm="r", error="invalid_token"');
    } finally {
      await kong.close();
      await upstream.close();
    }
  });
});
