import { describe, expect, it } from "vitest";
import { createKongModel, encodeOffset, KongModelError } from "./model.js";

describe("Kong model", () => {
  it("stamps whole seconds from the injected clock and bumps updated_at on update only", () => {
    let now = 1_700_000_000_999;
    const model = createKongModel({ now: () => now });
    const bob = model.createConsumer({ username: "bob" });
    expect(bob.created_at).toBe(1_700_000_000);
    now += 5000;
    const result = model.consumers.update({ field: "username", value: "bob" }, { custom_id: "c" });
    expect(result.ok && result.value).toMatchObject({
      created_at: 1_700_000_000,
      updated_at: 1_700_000_005,
    });
  });

  it("generates 32-character alphanumeric keys and secrets, and no updated_at on credentials", () => {
    const model = createKongModel();
    model.createConsumer({ username: "bob" });
    const credential = model.createJwtCredential("bob");
    expect(credential.key).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(credential.secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(credential.key).not.toBe(credential.secret);
    expect("updated_at" in credential).toBe(false);
  });

  it("encodes offsets like Postgres: unpadded base64 of a JSON array of the last id", () => {
    const id = "00000000-0000-4000-8000-000000000001";
    expect(Buffer.from(encodeOffset(id), "base64").toString()).toBe(`["${id}"]`);
    expect(encodeOffset(id)).not.toMatch(/=$/);
  });

  it("stores UUIDs in lower case and copies values in and out", () => {
    const model = createKongModel();
    const bob = model.createConsumer({
      id: "ABCDEF00-0000-4000-8000-000000000001",
      username: "bob",
      tags: ["a"],
    });
    expect(bob.id).toBe("abcdef00-0000-4000-8000-000000000001");
    bob.tags?.push("mutated");
    expect(model.findConsumer("ABCDEF00-0000-4000-8000-000000000001")?.tags).toEqual(["a"]);
  });

  it("throws KongModelError with the DAO error when a convenience write is refused", () => {
    const model = createKongModel();
    model.createConsumer({ username: "bob" });
    expect(() => model.createConsumer({ username: "bob" })).toThrow(KongModelError);
    expect(() => model.createJwtCredential("ghost")).toThrow(KongModelError);
  });

  it("cascades the delete of a consumer to its credentials", () => {
    const model = createKongModel();
    const bob = model.createConsumer({ username: "bob" });
    model.createJwtCredential("bob");
    model.createConsumer({ username: "alice" });
    model.createJwtCredential("alice");
    model.deleteConsumer(bob.id);
    expect(model.listJwtCredentials().map((c) => c.consumer.id)).not.toContain(bob.id);
    expect(model.listJwtCredentials()).toHaveLength(1);
  });
});
