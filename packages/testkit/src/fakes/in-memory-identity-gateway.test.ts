import { describe, expect, it } from "vitest";
import { describeIdentityGatewayContract } from "../contracts/index.js";
import { createInMemoryIdentityGateway } from "./in-memory-identity-gateway.js";

describeIdentityGatewayContract("in-memory identity gateway", async () => ({
  gateway: createInMemoryIdentityGateway(),
}));

const ID = "c0000000-0000-4000-8000-000000000001";
const CREDENTIAL = { key: "key", secret: "secret", algorithm: "HS256" } as const;

describe("in-memory identity gateway hooks", () => {
  it("starts empty", () => {
    const gateway = createInMemoryIdentityGateway();
    expect(gateway.consumers()).toEqual([]);
    expect(gateway.credentials()).toEqual([]);
  });

  it("shows consumers and credentials as Kong holds them", async () => {
    const gateway = createInMemoryIdentityGateway();
    await gateway.createConsumer({ id: ID, username: "alice" });
    const created = await gateway.createCredential(ID, CREDENTIAL);
    expect(gateway.consumers()).toEqual([{ id: ID, username: "alice" }]);
    expect(gateway.credentials()).toEqual([created.ok && created.value]);
  });

  it("answers identity_unavailable from a method told to fail, without applying it", async () => {
    const gateway = createInMemoryIdentityGateway();
    gateway.failOn("createConsumer");
    await expect(gateway.createConsumer({ id: ID, username: "alice" })).resolves.toMatchObject({
      ok: false,
      error: { code: "identity_unavailable" },
    });
    expect(gateway.consumers()).toEqual([]);
    await expect(gateway.createConsumer({ id: ID, username: "alice" })).resolves.toMatchObject({
      ok: true,
    });
  });

  it("applies the call and still answers identity_unavailable when the response is lost", async () => {
    const gateway = createInMemoryIdentityGateway();
    gateway.failOn("createConsumer", 1, { lostResponse: true });
    await expect(gateway.createConsumer({ id: ID, username: "alice" })).resolves.toMatchObject({
      ok: false,
    });
    expect(gateway.consumers()).toEqual([{ id: ID, username: "alice" }]);
  });

  it("is down for every call of a method until cleared", async () => {
    const gateway = createInMemoryIdentityGateway();
    gateway.failOn("ping", Number.POSITIVE_INFINITY);
    await expect(gateway.ping()).resolves.toMatchObject({ ok: false });
    await expect(gateway.ping()).resolves.toMatchObject({ ok: false });
    gateway.clearFailures();
    await expect(gateway.ping()).resolves.toEqual({ ok: true, value: undefined });
  });

  it("edits a credential's secret behind the service's back", async () => {
    const gateway = createInMemoryIdentityGateway();
    await gateway.createConsumer({ id: ID, username: "alice" });
    await gateway.createCredential(ID, CREDENTIAL);
    gateway.editCredential("key", { secret: "edited" });
    await expect(gateway.listCredentials(ID)).resolves.toMatchObject({
      value: [{ key: "key", secret: "edited" }],
    });
    expect(() => gateway.editCredential("missing", { secret: "x" })).toThrow("no credential");
  });

  it("refuses a chosen id already used by another username", async () => {
    const gateway = createInMemoryIdentityGateway();
    await gateway.createConsumer({ id: ID, username: "alice" });
    await expect(gateway.createConsumer({ id: ID, username: "bob" })).resolves.toMatchObject({
      ok: false,
      error: { code: "identity_unavailable" },
    });
  });
});
