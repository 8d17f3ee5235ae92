import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadDeclarativeConfig, startKongEmulator } from "@kong-jwt-auth/testkit/kong-emulator";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createJoseTokenSigner } from "../jose/jose-token-signer.js";
import { createKongIdentityGateway } from "./kong-identity-gateway.js";

/**
 * Issue #4's "done when": a token signed by the jose signer, with a credential the Kong client
 * created, is accepted by Kong's jwt plugin (the emulator's, over real HTTP).
 */

type Emulator = Awaited<ReturnType<typeof startKongEmulator>>;

let upstream: Server | undefined;
let emulator: Emulator | undefined;
/** Headers of the last request that reached the upstream. */
let seen: IncomingHttpHeaders | undefined;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    seen = req.headers;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((resolve) => upstream?.listen(0, "127.0.0.1", resolve));
  const { port } = upstream.address() as AddressInfo;
  const config = loadDeclarativeConfig({
    text: `
_format_version: "3.0"
services:
  - name: api
    url: http://127.0.0.1:${port}
    routes:
      - name: api-jwt
        paths: ["/api/jwt"]
        strip_path: false
        plugins:
          - name: jwt
            config:
              claims_to_verify: [exp]
              key_claim_name: iss
              uri_param_names: []
`,
  });
  emulator = await startKongEmulator({ adminPort: 0, proxyPort: 0, config });
});

afterAll(async () => {
  await emulator?.close();
  upstream?.closeAllConnections();
  await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
});

function running(): Emulator {
  if (!emulator) throw new Error("the Kong emulator is not running");
  return emulator;
}

describe("a token signed with a credential created through the Kong client", () => {
  const consumerId = "0d7e6c5b-4a39-4281-b706-f5e4d3c2b1a0";
  const credential = {
    key: randomBytes(16).toString("base64url"),
    secret: randomBytes(32).toString("base64url"),
    algorithm: "HS256",
  } as const;
  const signer = createJoseTokenSigner();

  async function tokenFor(secret: string, key: string = credential.key): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    return signer.sign(
      {
        iss: key,
        sub: "user-1",
        username: "alice",
        iat,
        exp: iat + 900,
        jti: randomBytes(8).toString("base64url"),
        sid: "family-1",
      },
      { secret, algorithm: credential.algorithm },
    );
  }

  async function callProxy(token: string): Promise<Response> {
    return fetch(`${running().proxyUrl}/api/jwt/info`, {
      headers: { authorization: `Bearer ${token}` },
    });
  }

  beforeAll(async () => {
    const gateway = createKongIdentityGateway({ adminUrl: running().adminUrl });
    const consumer = await gateway.createConsumer({ id: consumerId, username: "alice" });
    expect(consumer).toMatchObject({ ok: true, value: { created: true } });
    const created = await gateway.createCredential(consumerId, credential);
    expect(created).toMatchObject({ ok: true, value: { key: credential.key } });
  });

  beforeEach(() => {
    // A test must not pass on the headers an earlier test's request left behind.
    seen = undefined;
  });

  it("passes Kong's jwt plugin, which forwards the consumer to the upstream", async () => {
    const response = await callProxy(await tokenFor(credential.secret));
    expect(response.status).toBe(200);
    await response.body?.cancel();
    expect(seen?.["x-consumer-username"]).toBe("alice");
    expect(seen?.["x-consumer-id"]).toBe(consumerId);
    expect(seen?.["x-credential-identifier"]).toBe(credential.key);
  });

  it("is refused by Kong's jwt plugin when signed with another secret", async () => {
    const response = await callProxy(await tokenFor(randomBytes(32).toString("base64url")));
    expect(response.status).toBe(401);
    await expect(response.json()).resolves.toEqual({ message: "Invalid signature" });
  });

  it("is refused once the credential is deleted through the Kong client", async () => {
    // A credential of this test's own, so that deleting it leaves the other tests' one alone
    // and the tests pass in any order.
    const doomed = {
      key: randomBytes(16).toString("base64url"),
      secret: randomBytes(32).toString("base64url"),
      algorithm: "HS256",
    } as const;
    const gateway = createKongIdentityGateway({ adminUrl: running().adminUrl });
    await expect(gateway.createCredential(consumerId, doomed)).resolves.toMatchObject({
      ok: true,
      value: { key: doomed.key },
    });
    const token = await tokenFor(doomed.secret, doomed.key);
    const before = await callProxy(token);
    expect(before.status).toBe(200);
    await before.body?.cancel();

    await expect(gateway.deleteCredential(consumerId, doomed.key)).resolves.toEqual({
      ok: true,
      value: undefined,
    });
    const response = await callProxy(token);
    expect(response.status).toBe(401);
    await expect(response.json()).resolves.toEqual({
      message: "No credentials found for given 'iss'",
    });
  });
});
