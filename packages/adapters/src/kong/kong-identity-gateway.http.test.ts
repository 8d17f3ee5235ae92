import { createServer } from "node:net";
import { describeIdentityGatewayContract } from "@kong-jwt-auth/testkit/contracts";
import { startKongEmulator } from "@kong-jwt-auth/testkit/kong-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKongIdentityGateway } from "./kong-identity-gateway.js";

type Emulator = Awaited<ReturnType<typeof startKongEmulator>>;

let emulator: Emulator | undefined;

beforeAll(async () => {
  emulator = await startKongEmulator({ adminPort: 0, proxyPort: 0 });
});
afterAll(async () => {
  await emulator?.close();
});

function running(): Emulator {
  if (!emulator) throw new Error("the Kong emulator is not running");
  return emulator;
}

describeIdentityGatewayContract(
  "Kong identity gateway against the emulator's HTTP server",
  async () => {
    running().model.reset();
    return {
      gateway: createKongIdentityGateway({ adminUrl: running().adminUrl, retryDelayMs: 1 }),
    };
  },
);

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

describe("Kong identity gateway over real sockets", () => {
  it("answers identity_unavailable when the connection is refused, after its retries", async () => {
    const gateway = createKongIdentityGateway({
      adminUrl: `http://127.0.0.1:${await closedPort()}`,
      retries: 1,
      retryDelayMs: 1,
    });
    await expect(gateway.findConsumerByUsername("alice")).resolves.toEqual({
      ok: false,
      error: {
        code: "identity_unavailable",
        message:
          "Kong Admin API GET /consumers/{username} failed after 2 attempts: network error (ECONNREFUSED)",
      },
    });
  });

  it("provisions a consumer and a credential that the emulator then holds", async () => {
    const { model, adminUrl } = running();
    model.reset();
    const gateway = createKongIdentityGateway({ adminUrl });
    const created = await gateway.createConsumer({
      id: "0d7e6c5b-4a39-4281-b706-f5e4d3c2b1a0",
      username: "alice@example.org",
    });
    expect(created).toMatchObject({ ok: true, value: { created: true } });
    const credential = await gateway.createCredential("0d7e6c5b-4a39-4281-b706-f5e4d3c2b1a0", {
      key: "k3y-of-22-characters_x",
      secret: "a-256-bit-secret-of-43-base64url-characters",
      algorithm: "HS256",
    });
    expect(credential.ok).toBe(true);
    expect(model.findJwtCredentialByKey("k3y-of-22-characters_x")).toMatchObject({
      consumer: { id: "0d7e6c5b-4a39-4281-b706-f5e4d3c2b1a0" },
      secret: "a-256-bit-secret-of-43-base64url-characters",
    });
  });
});
