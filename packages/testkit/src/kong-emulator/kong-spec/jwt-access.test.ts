/**
 * Port of Kong 3.9.3 `spec/03-plugins/16-jwt/03-access_spec.lua` (the HTTP tests) against the
 * emulator started through its CLI. The `bp` fixtures become a declarative file (one service
 * per route, as `bp.routes:insert` makes), Kong's mock upstream an echo server; the keys of
 * `fixtures.lua` are generated here with the same types and sizes.
 */
import { generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EchoUpstream, startEchoUpstream } from "../test-support.js";
import {
  blueprints,
  encodeJwt,
  type KongProcess,
  osTime,
  type SpecResponse,
  send,
  startKong,
  uuid,
} from "./spec-helpers.js";

/** `PAYLOAD` of the spec: one table, mutated by the tests in order (`aud` stays once set). */
const PAYLOAD: Record<string, unknown> = {
  nbf: osTime(),
  iat: osTime(),
  exp: osTime() + 3600,
};

interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicPem: string;
}

function keyPair(keys: { privateKey: KeyObject; publicKey: KeyObject }): KeyPair {
  const publicPem = keys.publicKey.export({ type: "spki", format: "pem" }).toString();
  return { privateKey: keys.privateKey, publicPem };
}

/** Stand-ins for `spec/03-plugins/16-jwt/fixtures.lua` (same algorithms, curves and sizes). */
const fixtures = {
  rs256: keyPair(generateKeyPairSync("rsa", { modulusLength: 2048 })),
  rs384: keyPair(generateKeyPairSync("rsa", { modulusLength: 2048 })),
  rs512: keyPair(generateKeyPairSync("rsa", { modulusLength: 2048 })),
  es384: keyPair(generateKeyPairSync("ec", { namedCurve: "secp384r1" })),
  es512: keyPair(generateKeyPairSync("ec", { namedCurve: "secp521r1" })),
  ps256: keyPair(generateKeyPairSync("rsa", { modulusLength: 2048 })),
  ps384: keyPair(generateKeyPairSync("rsa", { modulusLength: 2048 })),
  ps512: keyPair(generateKeyPairSync("rsa", { modulusLength: 2048 })),
  ed25519: keyPair(generateKeyPairSync("ed25519")),
  ed448: keyPair(generateKeyPairSync("ed448")),
  // 342 base64url characters, like the fixtures' `hs384_secret`/`hs512_secret`.
  hs384Secret: randomBytes(256).toString("base64url"),
  hs512Secret: randomBytes(256).toString("base64url"),
};

interface Secret {
  readonly id: string;
  readonly key: string;
  readonly secret: string;
}

function echoedHeaders(res: SpecResponse): Record<string, string | undefined> {
  return res.json().headers as Record<string, string | undefined>;
}

describe("Plugin: jwt (access) [#postgres]", () => {
  const bp = blueprints();
  let upstream: EchoUpstream;
  let kong: KongProcess;
  let proxy: string;
  let admin: string;

  const consumerIds = Array.from({ length: 17 }, () => uuid());
  const names = [
    "jwt_tests_consumer",
    "jwt_tests_base64_consumer",
    "jwt_tests_rsa_consumer_1",
    "jwt_tests_rsa_consumer_2",
    "jwt_tests_rsa_consumer_5",
    "jwt_tests_consumer_6",
    "jwt_tests_hs_consumer_7",
    "jwt_tests_hs_consumer_8",
    "jwt_tests_rsa_consumer_9",
    "jwt_tests_rsa_consumer_10",
    "jwt_tests_rsa_consumer_11",
    "jwt_tests_rsa_consumer_12",
    "jwt_tests_rsa_consumer_13",
    "jwt_tests_rsa_consumer_14",
    "jwt_tests_rsa_consumer_15",
    "jwt_tests_rsa_consumer_16",
    "no-body",
  ];
  const consumerId = (n: number) => consumerIds[n - 1] ?? "";
  const anonymousUserId = consumerId(17);

  /** `bp.jwt_secrets:insert { consumer = { id = consumerN.id }, ... }`. */
  const secretRows: Record<string, unknown>[] = [];
  const insertSecret = (n: number, extra: Record<string, unknown> = {}): Secret => {
    const row = { id: uuid(), ...bp.jwtSecret(), ...extra };
    secretRows.push({ ...row, consumer: { id: consumerId(n) } });
    return { id: row.id, key: row.key, secret: row.secret };
  };
  const jwtSecret = insertSecret(1);
  const jwtSecret2 = insertSecret(6);
  const base64JwtSecret = insertSecret(2);
  const rsa = (n: number, algorithm: string, pair: KeyPair) =>
    insertSecret(n, { algorithm, rsa_public_key: pair.publicPem });
  const rsaJwtSecret1 = rsa(3, "RS256", fixtures.rs256);
  const rsaJwtSecret2 = rsa(4, "RS256", fixtures.rs256);
  const rsaJwtSecret3 = rsa(5, "RS512", fixtures.rs512);
  const rsaJwtSecret4 = rsa(9, "RS384", fixtures.rs384);
  const rsaJwtSecret5 = rsa(10, "ES384", fixtures.es384);
  const rsaJwtSecret6 = rsa(11, "ES512", fixtures.es512);
  const rsaJwtSecret7 = rsa(12, "PS256", fixtures.ps256);
  const rsaJwtSecret8 = rsa(13, "PS384", fixtures.ps384);
  const rsaJwtSecret9 = rsa(14, "PS512", fixtures.ps512);
  const rsaJwtSecret10 = rsa(15, "EdDSA", fixtures.ed25519);
  const rsaJwtSecret11 = rsa(16, "EdDSA", fixtures.ed448);
  const hsJwtSecret1 = insertSecret(7, { algorithm: "HS384", secret: fixtures.hs384Secret });
  const hsJwtSecret2 = insertSecret(8, { algorithm: "HS512", secret: fixtures.hs512Secret });

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    const routeIds = Array.from({ length: 13 }, () => uuid());
    const route = (n: number) => routeIds[n - 1] ?? "";
    const jwt = (n: number, config: Record<string, unknown>) => ({
      name: "jwt",
      route: { id: route(n) },
      config,
    });
    // The gRPC route (`hello.HelloService`) and its two plugins are left out: gRPC is not emulated.
    kong = await startKong({
      _format_version: "3.0",
      services: routeIds.map((id, index) => ({
        url: upstream.url,
        routes: [{ id, hosts: [`jwt${index + 1}.test`] }],
      })),
      consumers: names.map((username, index) => ({
        id: consumerIds[index],
        ...bp.consumer(),
        username,
      })),
      plugins: [
        jwt(1, {}),
        jwt(2, { uri_param_names: ["token", "jwt"] }),
        jwt(3, { claims_to_verify: ["nbf", "exp"] }),
        jwt(4, { key_claim_name: "aud" }),
        jwt(5, { secret_is_base64: true }),
        jwt(6, { anonymous: anonymousUserId }),
        jwt(7, { anonymous: uuid() }),
        jwt(8, { run_on_preflight: false }),
        jwt(9, { cookie_names: ["silly", "crumble"], realm: "test-jwt" }),
        jwt(10, { key_claim_name: "kid" }),
        jwt(11, { claims_to_verify: ["nbf", "exp"], maximum_expiration: 300 }),
        jwt(12, { header_names: ["CustomAuthorization"] }),
        jwt(13, { anonymous: "no-body" }),
        {
          name: "ctx-checker",
          route: { id: route(1) },
          config: { ctx_kind: "kong.ctx.shared", ctx_check_field: "authenticated_jwt_token" },
        },
      ],
      jwt_secrets: secretRows,
    });
    proxy = kong.proxyUrl;
    admin = kong.adminUrl;
  });

  afterAll(async () => {
    expect(await kong.stop()).toBe(0);
    await upstream.close();
  });

  const get = (path: string, headers: Record<string, string | readonly string[]>) =>
    send(proxy, { method: "GET", path, headers });

  describe("refusals", () => {
    it("returns 401 Unauthorized if no JWT is found in the request", async () => {
      const res = await get("/request", { Host: "jwt1.test" });
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toBe("Bearer");
    });
    it("returns 401 if the claims do not contain the key to identify a secret", async () => {
      delete PAYLOAD.iss;
      const jwt = encodeJwt(PAYLOAD, "foo");
      const res = await get("/request", { Authorization: `Bearer ${jwt}`, Host: "jwt1.test" });
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ message: "No mandatory 'iss' in claims" });
      expect(res.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
    });
    it("returns 401 if the claims do not contain a valid key to identify a secret", async () => {
      PAYLOAD.iss = "";
      const jwt = encodeJwt(PAYLOAD, "foo");
      const res = await get("/request", { Authorization: `Bearer ${jwt}`, Host: "jwt1.test" });
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ message: "Invalid 'iss' in claims" });
      expect(res.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
    });
    it("returns 401 Unauthorized if the iss does not match a credential", async () => {
      PAYLOAD.iss = "123456789";
      const jwt = encodeJwt(PAYLOAD, jwtSecret.secret);
      const res = await get("/request", { Authorization: `Bearer ${jwt}`, Host: "jwt1.test" });
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ message: "No credentials found for given 'iss'" });
      expect(res.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
    });
    it("returns 401 Unauthorized if the signature is invalid", async () => {
      PAYLOAD.iss = jwtSecret.key;
      const jwt = encodeJwt(PAYLOAD, "foo");
      const res = await get("/request", { Authorization: `Bearer ${jwt}`, Host: "jwt1.test" });
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ message: "Invalid signature" });
      expect(res.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
    });
    it("returns 401 Unauthorized if the alg does not match the credential", async () => {
      const header = { typ: "JWT", alg: "RS256" };
      const jwt = encodeJwt(PAYLOAD, jwtSecret.secret, "HS256", header);
      const res = await get("/request", { Authorization: `Bearer ${jwt}`, Host: "jwt1.test" });
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ message: "Invalid algorithm" });
      expect(res.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
    });
    it("returns 200 on OPTIONS requests if run_on_preflight is false", async () => {
      const res = await send(proxy, {
        method: "OPTIONS",
        path: "/request",
        headers: { Host: "jwt8.test" },
      });
      expect(res.status).toBe(200);
    });
    it("returns Unauthorized on OPTIONS requests if run_on_preflight is true", async () => {
      const res = await send(proxy, {
        method: "OPTIONS",
        path: "/request",
        headers: { Host: "jwt1.test" },
      });
      expect(res.status).toBe(401);
      expect(res.body).toBe('{"message":"Unauthorized"}');
      expect(res.headers.get("WWW-Authenticate")).toBe("Bearer");
    });
    it("returns 401 if the token exceeds the maximum allowed expiration limit", async () => {
      const payload = { iss: jwtSecret.key, exp: osTime() + 3600, nbf: osTime() - 30 };
      const jwt = encodeJwt(payload, jwtSecret.secret);
      const res = await get(`/request/?jwt=${jwt}`, { Host: "jwt11.test" });
      expect(res.status).toBe(401);
      expect(res.body).toBe('{"exp":"exceeds maximum allowed expiration"}');
      expect(res.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
    });
    it("accepts a JWT token within the maximum allowed expiration limit", async () => {
      const payload = { iss: jwtSecret.key, exp: osTime() + 270, nbf: osTime() - 30 };
      const jwt = encodeJwt(payload, jwtSecret.secret);
      const res = await get(`/request/?jwt=${jwt}`, { Host: "jwt11.test" });
      expect(res.status).toBe(200);
    });

    // "rejects gRPC call without credentials" is left out: gRPC is not emulated.

    it("reject if multiple different tokens found", async () => {
      PAYLOAD.iss = jwtSecret.key;
      const jwt = encodeJwt(PAYLOAD, jwtSecret.secret);
      const res = await get(`/request?jwt=${jwt}`, {
        Authorization: "Bearer invalid.jwt.token",
        Host: "jwt1.test",
      });
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ message: "Multiple tokens provided" });
      expect(res.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
    });
  });

  describe("HS256", () => {
    it("proxies the request with token and consumer headers if it was verified", async () => {
      PAYLOAD.iss = jwtSecret.key;
      const authorization = `Bearer ${encodeJwt(PAYLOAD, jwtSecret.secret)}`;
      const res = await get("/request", { Authorization: authorization, Host: "jwt1.test" });
      expect(res.status).toBe(200);
      const headers = echoedHeaders(res);
      expect(headers.authorization).toBe(authorization);
      expect(headers["x-consumer-username"]).toBe("jwt_tests_consumer");
      expect(headers["x-credential-identifier"]).toBe(jwtSecret.key);
      expect(headers["x-anonymous-consumer"]).toBeUndefined();
    });

    // "accepts gRPC call with credentials" is left out: gRPC is not emulated.

    it("proxies the request if the key is found in headers", async () => {
      const header = { typ: "JWT", alg: "HS256", kid: jwtSecret2.key };
      const jwt = encodeJwt(PAYLOAD, jwtSecret2.secret, "HS256", header);
      const res = await get("/request", { Authorization: `Bearer ${jwt}`, Host: "jwt10.test" });
      expect(res.status).toBe(200);
    });
    it("proxies the request if secret key is stored in a field other than iss", async () => {
      PAYLOAD.aud = jwtSecret.key;
      const authorization = `Bearer ${encodeJwt(PAYLOAD, jwtSecret.secret)}`;
      const res = await get("/request", { Authorization: authorization, Host: "jwt4.test" });
      expect(res.status).toBe(200);
      const headers = echoedHeaders(res);
      expect(headers.authorization).toBe(authorization);
      expect(headers["x-consumer-username"]).toBe("jwt_tests_consumer");
      expect(headers["x-credential-identifier"]).toBe(jwtSecret.key);
    });
    it("proxies the request if secret is base64", async () => {
      PAYLOAD.iss = base64JwtSecret.key;
      const originalSecret = base64JwtSecret.secret;
      const base64Secret = Buffer.from(base64JwtSecret.secret).toString("base64");
      let res = await send(admin, {
        method: "PATCH",
        path: `/consumers/jwt_tests_base64_consumer/jwt/${base64JwtSecret.id}`,
        body: { key: base64JwtSecret.key, secret: base64Secret },
        headers: { "Content-Type": "application/json" },
      });
      expect(res.status).toBe(200);

      const authorization = `Bearer ${encodeJwt(PAYLOAD, originalSecret)}`;
      res = await get("/request", { Authorization: authorization, Host: "jwt5.test" });
      expect(res.status).toBe(200);
      const headers = echoedHeaders(res);
      expect(headers.authorization).toBe(authorization);
      expect(headers["x-consumer-username"]).toBe("jwt_tests_base64_consumer");
      expect(headers["x-credential-identifier"]).toBe(base64JwtSecret.key);
    });
    it("returns 200 the JWT is found in the cookie crumble", async () => {
      PAYLOAD.iss = jwtSecret.key;
      const jwt = encodeJwt(PAYLOAD, jwtSecret.secret);
      const res = await get("/request", {
        Host: "jwt9.test",
        Cookie: `crumble=${jwt}; path=/;domain=.jwt9.test`,
      });
      expect(res.status).toBe(200);
    });
    it("returns 200 if the JWT is found in the cookie silly", async () => {
      PAYLOAD.iss = jwtSecret.key;
      const jwt = encodeJwt(PAYLOAD, jwtSecret.secret);
      const res = await get("/request", {
        Host: "jwt9.test",
        Cookie: `silly=${jwt}; path=/;domain=.jwt9.test`,
      });
      expect(res.status).toBe(200);
    });
    it("returns 401 if the JWT found in the cookie does not match a credential", async () => {
      PAYLOAD.iss = "incorrect-issuer";
      const jwt = encodeJwt(PAYLOAD, jwtSecret.secret);
      const res = await get("/request", {
        Host: "jwt9.test",
        Cookie: `silly=${jwt}; path=/;domain=.jwt9.test`,
      });
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ message: "No credentials found for given 'iss'" });
      expect(res.headers.get("WWW-Authenticate")).toBe(
        'Bearer realm="test-jwt" error="invalid_token"',
      );
    });
    it("returns a 401 if the JWT in the cookie is corrupted", async () => {
      PAYLOAD.iss = jwtSecret.key;
      const jwt = `no-way-this-works${encodeJwt(PAYLOAD, jwtSecret.secret)}`;
      const res = await get("/request", {
        Host: "jwt9.test",
        Cookie: `silly=${jwt}; path=/;domain=.jwt9.test`,
      });
      expect(res.status).toBe(401);
      expect(res.body).toBe('{"message":"Bad token; invalid JSON"}');
      expect(res.headers.get("WWW-Authenticate")).toBe(
        'Bearer realm="test-jwt" error="invalid_token"',
      );
    });
    it("reports a 200 without cookies but with a JWT token in the Authorization header", async () => {
      PAYLOAD.iss = jwtSecret.key;
      const jwt = encodeJwt(PAYLOAD, jwtSecret.secret);
      const res = await get("/request", { Host: "jwt9.test", Authorization: `Bearer ${jwt}` });
      expect(res.status).toBe(200);
    });
    it("returns 401 if no JWT tokens are found in cookies or Authorization header", async () => {
      const res = await get("/request", { Host: "jwt9.test" });
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="test-jwt"');
    });
    it("returns 200 without cookies but with a JWT token in the CustomAuthorization header", async () => {
      PAYLOAD.iss = jwtSecret.key;
      const jwt = encodeJwt(PAYLOAD, jwtSecret.secret);
      const res = await get("/request", {
        Host: "jwt12.test",
        CustomAuthorization: `Bearer ${jwt}`,
      });
      expect(res.status).toBe(200);
    });
    it("finds the JWT in the first header occurrence of a duplicated custom authorization header", async () => {
      PAYLOAD.iss = jwtSecret.key;
      const jwt = encodeJwt(PAYLOAD, jwtSecret.secret);
      const res = await get("/request", {
        Host: "jwt12.test",
        CustomAuthorization: [`Bearer ${jwt}`, "Bearer other-token"],
      });
      expect(res.status).toBe(200);
    });
    it("finds the JWT if given in URL parameters", async () => {
      PAYLOAD.iss = jwtSecret.key;
      const jwt = encodeJwt(PAYLOAD, jwtSecret.secret);
      const res = await get(`/request/?jwt=${jwt}`, { Host: "jwt1.test" });
      expect(res.status).toBe(200);
    });
    it("finds the JWT if given in a custom URL parameter", async () => {
      PAYLOAD.iss = jwtSecret.key;
      const jwt = encodeJwt(PAYLOAD, jwtSecret.secret);
      const res = await get(`/request/?token=${jwt}`, { Host: "jwt2.test" });
      expect(res.status).toBe(200);
    });
  });

  /** The body of the "verifies JWT"/"identifies Consumer" tests of every asymmetric algorithm. */
  const verifies = async (
    secret: Secret,
    privateKey: KeyObject,
    alg: string,
    username: string | null,
    checkCredentialUsername: boolean,
  ) => {
    PAYLOAD.iss = secret.key;
    const authorization = `Bearer ${encodeJwt(PAYLOAD, privateKey, alg)}`;
    const res = await get("/request", { Authorization: authorization, Host: "jwt1.test" });
    expect(res.status).toBe(200);
    const headers = echoedHeaders(res);
    expect(headers.authorization).toBe(authorization);
    if (username !== null) expect(headers["x-consumer-username"]).toBe(username);
    expect(headers["x-credential-identifier"]).toBe(secret.key);
    if (checkCredentialUsername) expect(headers["x-credential-username"]).toBeUndefined();
  };

  describe("RS256", () => {
    it("verifies JWT", async () => {
      await verifies(
        rsaJwtSecret1,
        fixtures.rs256.privateKey,
        "RS256",
        "jwt_tests_rsa_consumer_1",
        false,
      );
    });
    it("identifies Consumer", async () => {
      await verifies(
        rsaJwtSecret2,
        fixtures.rs256.privateKey,
        "RS256",
        "jwt_tests_rsa_consumer_2",
        false,
      );
    });
    it("proxies the request if conf.secret is base64", async () => {
      PAYLOAD.iss = rsaJwtSecret2.key;
      const authorization = `Bearer ${encodeJwt(PAYLOAD, fixtures.rs256.privateKey, "RS256")}`;
      const res = await get("/request", { Authorization: authorization, Host: "jwt5.test" });
      expect(res.status).toBe(200);
      const headers = echoedHeaders(res);
      expect(headers.authorization).toBe(authorization);
      expect(headers["x-consumer-username"]).toBe("jwt_tests_rsa_consumer_2");
      expect(headers["x-credential-identifier"]).toBe(rsaJwtSecret2.key);
    });
  });

  describe("RS512", () => {
    it("verifies JWT", async () => {
      await verifies(
        rsaJwtSecret3,
        fixtures.rs512.privateKey,
        "RS512",
        "jwt_tests_rsa_consumer_5",
        false,
      );
    });
    it("identifies Consumer", async () => {
      await verifies(
        rsaJwtSecret3,
        fixtures.rs512.privateKey,
        "RS512",
        "jwt_tests_rsa_consumer_5",
        false,
      );
    });
  });

  describe("RS384", () => {
    it("verifies JWT", async () => {
      await verifies(
        rsaJwtSecret4,
        fixtures.rs384.privateKey,
        "RS384",
        "jwt_tests_rsa_consumer_9",
        false,
      );
    });
    it("identifies Consumer", async () => {
      await verifies(
        rsaJwtSecret4,
        fixtures.rs384.privateKey,
        "RS384",
        "jwt_tests_rsa_consumer_9",
        false,
      );
    });
  });

  describe("ES512", () => {
    it("verifies JWT", async () => {
      await verifies(
        rsaJwtSecret6,
        fixtures.es512.privateKey,
        "ES512",
        "jwt_tests_rsa_consumer_11",
        true,
      );
    });
    it("identifies Consumer", async () => {
      await verifies(
        rsaJwtSecret6,
        fixtures.es512.privateKey,
        "ES512",
        "jwt_tests_rsa_consumer_11",
        true,
      );
    });
  });

  describe("ES384", () => {
    it("verifies JWT", async () => {
      await verifies(
        rsaJwtSecret5,
        fixtures.es384.privateKey,
        "ES384",
        "jwt_tests_rsa_consumer_10",
        false,
      );
    });
    it("identifies Consumer", async () => {
      await verifies(
        rsaJwtSecret5,
        fixtures.es384.privateKey,
        "ES384",
        "jwt_tests_rsa_consumer_10",
        false,
      );
    });
  });

  describe("PS256", () => {
    it("verifies JWT", async () => {
      await verifies(
        rsaJwtSecret7,
        fixtures.ps256.privateKey,
        "PS256",
        "jwt_tests_rsa_consumer_12",
        true,
      );
    });
    it("identifies Consumer", async () => {
      await verifies(
        rsaJwtSecret7,
        fixtures.ps256.privateKey,
        "PS256",
        "jwt_tests_rsa_consumer_12",
        true,
      );
    });
  });

  describe("PS384", () => {
    it("verifies JWT", async () => {
      await verifies(
        rsaJwtSecret8,
        fixtures.ps384.privateKey,
        "PS384",
        "jwt_tests_rsa_consumer_13",
        true,
      );
    });
    it("identifies Consumer", async () => {
      await verifies(
        rsaJwtSecret8,
        fixtures.ps384.privateKey,
        "PS384",
        "jwt_tests_rsa_consumer_13",
        true,
      );
    });
  });

  describe("PS512", () => {
    it("verifies JWT", async () => {
      await verifies(
        rsaJwtSecret9,
        fixtures.ps512.privateKey,
        "PS512",
        "jwt_tests_rsa_consumer_14",
        true,
      );
    });
    it("identifies Consumer", async () => {
      await verifies(
        rsaJwtSecret9,
        fixtures.ps512.privateKey,
        "PS512",
        "jwt_tests_rsa_consumer_14",
        true,
      );
    });
  });

  describe("EdDSA", () => {
    it("verifies JWT with Ed25519 key", async () => {
      await verifies(rsaJwtSecret10, fixtures.ed25519.privateKey, "EdDSA", null, true);
    });
    it("verifies JWT with Ed448 key", async () => {
      await verifies(rsaJwtSecret11, fixtures.ed448.privateKey, "EdDSA", null, true);
    });
    it("identifies Consumer", async () => {
      PAYLOAD.iss = rsaJwtSecret10.key;
      const authorization = `Bearer ${encodeJwt(PAYLOAD, fixtures.ed25519.privateKey, "EdDSA")}`;
      const res = await get("/request", { Authorization: authorization, Host: "jwt1.test" });
      expect(res.status).toBe(200);
      const headers = echoedHeaders(res);
      expect(headers.authorization).toBe(authorization);
      expect(headers["x-consumer-username"]).toBe("jwt_tests_rsa_consumer_15");
      expect(headers["x-credential-username"]).toBeUndefined();
    });
  });

  describe("HS386", () => {
    it("proxies the request with token and consumer headers if it was verified", async () => {
      PAYLOAD.iss = hsJwtSecret1.key;
      const authorization = `Bearer ${encodeJwt(PAYLOAD, hsJwtSecret1.secret, "HS384")}`;
      const res = await get("/request", { Authorization: authorization, Host: "jwt1.test" });
      expect(res.status).toBe(200);
      const headers = echoedHeaders(res);
      expect(headers.authorization).toBe(authorization);
      expect(headers["x-consumer-username"]).toBe("jwt_tests_hs_consumer_7");
      expect(headers["x-credential-identifier"]).toBe(hsJwtSecret1.key);
      expect(headers["x-anonymous-consumer"]).toBeUndefined();
    });
  });

  describe("HS512", () => {
    it("proxies the request with token and consumer headers if it was verified", async () => {
      PAYLOAD.iss = hsJwtSecret2.key;
      const authorization = `Bearer ${encodeJwt(PAYLOAD, hsJwtSecret2.secret, "HS512")}`;
      const res = await get("/request", { Authorization: authorization, Host: "jwt1.test" });
      expect(res.status).toBe(200);
      const headers = echoedHeaders(res);
      expect(headers.authorization).toBe(authorization);
      expect(headers["x-consumer-username"]).toBe("jwt_tests_hs_consumer_8");
      expect(headers["x-credential-identifier"]).toBe(hsJwtSecret2.key);
      expect(headers["x-anonymous-consumer"]).toBeUndefined();
    });
  });

  describe("JWT private claims checks", () => {
    it("requires the checked fields to be in the claims", async () => {
      const jwt = encodeJwt({ iss: jwtSecret.key }, jwtSecret.secret);
      const res = await get(`/request/?jwt=${jwt}`, { Host: "jwt3.test" });
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ nbf: "must be a number", exp: "must be a number" });
      expect(res.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
    });
    it("checks if the fields are valid: `exp` claim", async () => {
      const payload = { iss: jwtSecret.key, exp: osTime() - 10, nbf: osTime() - 10 };
      const jwt = encodeJwt(payload, jwtSecret.secret);
      const res = await get(`/request/?jwt=${jwt}`, { Host: "jwt3.test" });
      expect(res.status).toBe(401);
      expect(res.body).toBe('{"exp":"token expired"}');
      expect(res.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
    });
    it("checks if the fields are valid: `nbf` claim", async () => {
      const payload = { iss: jwtSecret.key, exp: osTime() + 10, nbf: osTime() + 5 };
      const jwt = encodeJwt(payload, jwtSecret.secret);
      const res = await get(`/request/?jwt=${jwt}`, { Host: "jwt3.test" });
      expect(res.status).toBe(401);
      expect(res.body).toBe('{"nbf":"token not valid yet"}');
      expect(res.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
    });
  });

  describe("ctx.authenticated_jwt_token", () => {
    it("is added to kong.ctx.shared when authenticated", async () => {
      PAYLOAD.iss = jwtSecret.key;
      const jwt = encodeJwt(PAYLOAD, jwtSecret.secret);
      const res = await get("/request", { Authorization: `Bearer ${jwt}`, Host: "jwt1.test" });
      expect(res.status).toBe(200);
      expect(res.headers.get("ctx-checker-authenticated-jwt-token")).toBe(jwt);
    });
  });

  describe("config.anonymous", () => {
    it("works with right credentials and anonymous", async () => {
      PAYLOAD.iss = jwtSecret.key;
      const jwt = encodeJwt(PAYLOAD, jwtSecret.secret);
      const res = await get("/request", { Authorization: `Bearer ${jwt}`, Host: "jwt6.test" });
      expect(res.status).toBe(200);
      const headers = echoedHeaders(res);
      expect(headers["x-consumer-username"]).toBe("jwt_tests_consumer");
      expect(headers["x-credential-identifier"]).toBe(jwtSecret.key);
      expect(headers["x-anonymous-consumer"]).toBeUndefined();
    });
    it("works with wrong credentials and anonymous", async () => {
      const res = await get("/request", { Host: "jwt6.test" });
      expect(res.status).toBe(200);
      const headers = echoedHeaders(res);
      expect(headers["x-anonymous-consumer"]).toBe("true");
      expect(headers["x-consumer-username"]).toBe("no-body");
      expect(headers["x-credential-identifier"]).toBeUndefined();
    });
    it("works with wrong credentials and username in anonymous", async () => {
      const res = await get("/request", { Host: "jwt13.test" });
      expect(res.status).toBe(200);
      const headers = echoedHeaders(res);
      expect(headers["x-anonymous-consumer"]).toBe("true");
      expect(headers["x-consumer-username"]).toBe("no-body");
      expect(headers["x-credential-identifier"]).toBeUndefined();
    });
    it("errors when anonymous user doesn't exist", async () => {
      const res = await get("/request", { Host: "jwt7.test" });
      expect(res.status).toBe(500);
    });
  });
});

describe("Plugin: jwt (access) [#postgres]", () => {
  const bp = blueprints();
  let upstream: EchoUpstream;
  let kong: KongProcess;
  let client: string;
  const anonymous = { id: uuid(), ...bp.consumer(), username: "Anonymous" };
  const user1 = { id: uuid(), ...bp.consumer(), username: "Mickey" };
  const user2 = { id: uuid(), ...bp.consumer(), username: "Aladdin" };
  const keyAuth = { id: uuid(), key: "Mouse", consumer: { id: user1.id } };
  let jwtToken: string;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    const route1 = uuid();
    const route2 = uuid();
    const jwtSecret = { id: uuid(), ...bp.jwtSecret(), consumer: { id: user2.id } };
    kong = await startKong({
      _format_version: "3.0",
      services: [
        { url: `${upstream.url}/request`, routes: [{ id: route1, hosts: ["logical-and.test"] }] },
        { url: `${upstream.url}/request`, routes: [{ id: route2, hosts: ["logical-or.test"] }] },
      ],
      plugins: [
        { name: "jwt", route: { id: route1 } },
        { name: "key-auth", route: { id: route1 } },
        { name: "jwt", route: { id: route2 }, config: { anonymous: anonymous.id } },
        { name: "key-auth", route: { id: route2 }, config: { anonymous: anonymous.id } },
      ],
      consumers: [anonymous, user1, user2],
      keyauth_credentials: [keyAuth],
      jwt_secrets: [jwtSecret],
    });
    client = kong.proxyUrl;
    PAYLOAD.iss = jwtSecret.key;
    jwtToken = `Bearer ${encodeJwt(PAYLOAD, jwtSecret.secret)}`;
  });

  afterAll(async () => {
    expect(await kong.stop()).toBe(0);
    await upstream.close();
  });

  /** `assert.request(res)`: the request as the mock upstream echoed it. */
  const requestHeaders = (res: SpecResponse) => echoedHeaders(res);

  describe("multiple auth without anonymous, logical AND", () => {
    it("passes with all credentials provided", async () => {
      const res = await send(client, {
        method: "GET",
        path: "/request",
        headers: { Host: "logical-and.test", apikey: "Mouse", Authorization: jwtToken },
      });
      expect(res.status).toBe(200);
      const headers = requestHeaders(res);
      expect(headers["x-anonymous-consumer"]).toBeUndefined();
      const id = headers["x-consumer-id"];
      const key = headers["x-credential-identifier"];
      expect(id).toBeDefined();
      expect(key).toBeDefined();
      expect(id).not.toBe(anonymous.id);
      expect([user1.id, user2.id]).toContain(id);
      expect(key).toBe(keyAuth.id);
    });

    it("fails 401, with only the first credential provided", async () => {
      const res = await send(client, {
        method: "GET",
        path: "/request",
        headers: { Host: "logical-and.test", apikey: "Mouse" },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toBe("Bearer");
    });

    it("fails 401, with only the second credential provided", async () => {
      const res = await send(client, {
        method: "GET",
        path: "/request",
        headers: { Host: "logical-and.test", Authorization: jwtToken },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toBe("Key");
    });

    it("fails 401, with no credential provided", async () => {
      const res = await send(client, {
        method: "GET",
        path: "/request",
        headers: { Host: "logical-and.test" },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toBe("Bearer");
    });
  });

  describe("multiple auth with anonymous, logical OR", () => {
    it("passes with all credentials provided", async () => {
      const res = await send(client, {
        method: "GET",
        path: "/request",
        headers: { Host: "logical-or.test", apikey: "Mouse", Authorization: jwtToken },
      });
      expect(res.status).toBe(200);
      const headers = requestHeaders(res);
      expect(headers["x-anonymous-consumer"]).toBeUndefined();
      const id = headers["x-consumer-id"];
      const key = headers["x-credential-identifier"];
      expect(id).toBeDefined();
      expect(key).toBeDefined();
      expect(id).not.toBe(anonymous.id);
      expect([user1.id, user2.id]).toContain(id);
      expect(key).toBe(PAYLOAD.iss);
    });

    it("passes with only the first credential provided", async () => {
      const res = await send(client, {
        method: "GET",
        path: "/request",
        headers: { Host: "logical-or.test", apikey: "Mouse" },
      });
      expect(res.status).toBe(200);
      const headers = requestHeaders(res);
      expect(headers["x-anonymous-consumer"]).toBeUndefined();
      const id = headers["x-consumer-id"];
      expect(id).toBeDefined();
      expect(id).not.toBe(anonymous.id);
      expect(id).toBe(user1.id);
      expect(res.headers.get("x-credential-identifier")).not.toBe(PAYLOAD.iss);
    });

    it("passes with only the second credential provided", async () => {
      const res = await send(client, {
        method: "GET",
        path: "/request",
        headers: { Host: "logical-or.test", Authorization: jwtToken },
      });
      expect(res.status).toBe(200);
      const headers = requestHeaders(res);
      expect(headers["x-anonymous-consumer"]).toBeUndefined();
      const id = headers["x-consumer-id"];
      const key = headers["x-credential-identifier"];
      expect(id).toBeDefined();
      expect(key).toBeDefined();
      expect(id).not.toBe(anonymous.id);
      expect(id).toBe(user2.id);
      expect(key).toBe(PAYLOAD.iss);
    });

    it("passes with no credential provided", async () => {
      const res = await send(client, {
        method: "GET",
        path: "/request",
        headers: { Host: "logical-or.test" },
      });
      expect(res.status).toBe(200);
      const headers = requestHeaders(res);
      expect(headers["x-anonymous-consumer"]).toBeDefined();
      const id = headers["x-consumer-id"];
      expect(id).toBeDefined();
      expect(res.headers.get("x-credential-identifier")).not.toBe(PAYLOAD.iss);
      expect(id).toBe(anonymous.id);
    });
  });
});
