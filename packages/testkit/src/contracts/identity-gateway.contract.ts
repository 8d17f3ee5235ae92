import type {
  Consumer,
  IdentityGateway,
  IdentityResult,
  JwtCredential,
  NewJwtCredential,
} from "@kong-jwt-auth/core";
import { describe, expect, it } from "vitest";
import { describeContract } from "./harness.js";

/** A UUID for a consumer id; `n` keeps tests' consumers apart. */
function consumerId(n: number): string {
  return `c0000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

function newCredential(key: string, overrides: Partial<NewJwtCredential> = {}): NewJwtCredential {
  // 43 base64url characters: the 256-bit secrets the core sends.
  return {
    key,
    secret: `${key}-secret-0123456789abcdefghijklmnopqrstuvwxyz`.slice(-43),
    algorithm: "HS256",
    ...overrides,
  };
}

/** Unwraps an ok answer, failing the test with the error otherwise. */
async function value<T>(answer: IdentityResult<T>): Promise<T> {
  const result = await answer;
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

const byKey = (a: JwtCredential, b: JwtCredential): number => a.key.localeCompare(b.key);

/**
 * The {@link IdentityGateway} contract, as its TSDoc states it: absence is null, never an error;
 * creation is idempotent (existing username → `created: false`, same key → the existing
 * credential); deletion of missing things succeeds; deleting a consumer deletes its
 * credentials; keys are unique across consumers; path segments are URL-encoded.
 */
export function describeIdentityGatewayContract(
  name: string,
  setup: () => Promise<{ gateway: IdentityGateway; close?: () => Promise<void> }>,
): void {
  describeContract(name, setup, (subject) => {
    const consumer = async (n: number, username = `user-${n}`): Promise<Consumer> => {
      const created = await value(
        subject().gateway.createConsumer({ id: consumerId(n), username }),
      );
      return created.consumer;
    };

    it("answers ping", async () => {
      await expect(subject().gateway.ping()).resolves.toEqual({ ok: true, value: undefined });
    });

    describe("consumers", () => {
      it("finds no consumer for an unknown username", async () => {
        await expect(subject().gateway.findConsumerByUsername("nobody")).resolves.toEqual({
          ok: true,
          value: null,
        });
      });

      it("creates a consumer with the chosen id and finds it by its exact username", async () => {
        const { gateway } = subject();
        await expect(
          gateway.createConsumer({ id: consumerId(1), username: "alice" }),
        ).resolves.toEqual({
          ok: true,
          value: { consumer: { id: consumerId(1), username: "alice" }, created: true },
        });
        await expect(value(gateway.findConsumerByUsername("alice"))).resolves.toEqual({
          id: consumerId(1),
          username: "alice",
        });
        await expect(value(gateway.findConsumerByUsername("alic"))).resolves.toBeNull();
        await expect(value(gateway.findConsumerByUsername("alice2"))).resolves.toBeNull();
      });

      it("returns the existing consumer with created: false when the username exists", async () => {
        const { gateway } = subject();
        await consumer(1, "alice");
        await expect(
          value(gateway.createConsumer({ id: consumerId(2), username: "alice" })),
        ).resolves.toEqual({ consumer: { id: consumerId(1), username: "alice" }, created: false });
      });

      it("reports created: true to a retry that finds the id it chose", async () => {
        const { gateway } = subject();
        await consumer(1, "alice");
        await expect(
          value(gateway.createConsumer({ id: consumerId(1), username: "alice" })),
        ).resolves.toEqual({ consumer: { id: consumerId(1), username: "alice" }, created: true });
      });

      it.each(["a.b@c-d_e", "x y+z", "Mixed.Case"])(
        "round-trips the username %j through every call (path segments are encoded)",
        async (username) => {
          const { gateway } = subject();
          const created = await consumer(1, username);
          expect(created).toEqual({ id: consumerId(1), username });
          await expect(value(gateway.findConsumerByUsername(username))).resolves.toEqual(created);
          const credential = await value(
            gateway.createCredential(created.id, newCredential("enc-key")),
          );
          expect(credential).toMatchObject({ consumerId: created.id, key: "enc-key" });
          await expect(value(gateway.listCredentials(created.id))).resolves.toHaveLength(1);
          await value(gateway.deleteConsumer(created.id));
          await expect(value(gateway.findConsumerByUsername(username))).resolves.toBeNull();
        },
      );

      it("deletes a consumer and, with it, its credentials", async () => {
        const { gateway } = subject();
        const alice = await consumer(1, "alice");
        await value(gateway.createCredential(alice.id, newCredential("alice-key")));
        await expect(gateway.deleteConsumer(alice.id)).resolves.toEqual({
          ok: true,
          value: undefined,
        });
        await expect(value(gateway.findConsumerByUsername("alice"))).resolves.toBeNull();
        await expect(value(gateway.listCredentials(alice.id))).resolves.toBeNull();
        // The key is free again: the credential is gone, not merely hidden.
        const bob = await consumer(2, "bob");
        await expect(
          value(gateway.createCredential(bob.id, newCredential("alice-key"))),
        ).resolves.toMatchObject({ consumerId: bob.id, key: "alice-key" });
      });

      it("succeeds in deleting a consumer that does not exist", async () => {
        await expect(subject().gateway.deleteConsumer(consumerId(404))).resolves.toEqual({
          ok: true,
          value: undefined,
        });
      });

      it("leaves other consumers alone when one is deleted", async () => {
        const { gateway } = subject();
        const alice = await consumer(1, "alice");
        const bob = await consumer(2, "bob");
        await value(gateway.createCredential(bob.id, newCredential("bob-key")));
        await value(gateway.deleteConsumer(alice.id));
        await expect(value(gateway.findConsumerByUsername("bob"))).resolves.toEqual(bob);
        await expect(value(gateway.listCredentials(bob.id))).resolves.toHaveLength(1);
      });
    });

    describe("JWT credentials", () => {
      it("creates a credential with the chosen key, secret and algorithm", async () => {
        const { gateway } = subject();
        const alice = await consumer(1, "alice");
        const wanted = newCredential("alice-key");
        const created = await value(gateway.createCredential(alice.id, wanted));
        expect(created).toEqual({
          id: expect.any(String),
          consumerId: alice.id,
          key: wanted.key,
          secret: wanted.secret,
          algorithm: "HS256",
        });
        await expect(value(gateway.listCredentials(alice.id))).resolves.toEqual([created]);
      });

      it.each(["HS384", "HS512"] as const)("keeps the algorithm %s", async (algorithm) => {
        const { gateway } = subject();
        const alice = await consumer(1, "alice");
        await expect(
          value(gateway.createCredential(alice.id, newCredential("k", { algorithm }))),
        ).resolves.toMatchObject({ algorithm });
      });

      it("answers null when creating a credential for a missing consumer", async () => {
        await expect(
          subject().gateway.createCredential(consumerId(404), newCredential("orphan")),
        ).resolves.toEqual({ ok: true, value: null });
      });

      it("returns the existing credential when the same key is created again on the consumer", async () => {
        const { gateway } = subject();
        const alice = await consumer(1, "alice");
        const first = await value(gateway.createCredential(alice.id, newCredential("retry")));
        await expect(
          value(gateway.createCredential(alice.id, newCredential("retry"))),
        ).resolves.toEqual(first);
        await expect(value(gateway.listCredentials(alice.id))).resolves.toEqual([first]);
      });

      it("refuses a key another consumer holds, as identity_unavailable, and keeps theirs", async () => {
        const { gateway } = subject();
        const alice = await consumer(1, "alice");
        const bob = await consumer(2, "bob");
        const alices = await value(gateway.createCredential(alice.id, newCredential("taken")));
        const result = await gateway.createCredential(bob.id, newCredential("taken"));
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error.code).toBe("identity_unavailable");
        await expect(value(gateway.listCredentials(alice.id))).resolves.toEqual([alices]);
        await expect(value(gateway.listCredentials(bob.id))).resolves.toEqual([]);
      });

      it("lists null for a missing consumer and [] for one without credentials", async () => {
        const { gateway } = subject();
        const alice = await consumer(1, "alice");
        await expect(value(gateway.listCredentials(consumerId(404)))).resolves.toBeNull();
        await expect(value(gateway.listCredentials(alice.id))).resolves.toEqual([]);
      });

      it("lists only the consumer's own credentials", async () => {
        const { gateway } = subject();
        const alice = await consumer(1, "alice");
        const bob = await consumer(2, "bob");
        const a1 = await value(gateway.createCredential(alice.id, newCredential("a1")));
        const a2 = await value(gateway.createCredential(alice.id, newCredential("a2")));
        await value(gateway.createCredential(bob.id, newCredential("b1")));
        const listed = await value(gateway.listCredentials(alice.id));
        expect([...(listed ?? [])].sort(byKey)).toEqual([a1, a2]);
      });

      it("lists every credential across pages (more than Kong's page of 100)", async () => {
        const { gateway } = subject();
        const alice = await consumer(1, "alice");
        const keys = Array.from(
          { length: 105 },
          (_, i) => `page-key-${String(i).padStart(3, "0")}`,
        );
        for (const key of keys) await value(gateway.createCredential(alice.id, newCredential(key)));
        const listed = await value(gateway.listCredentials(alice.id));
        expect((listed ?? []).map((credential) => credential.key).sort()).toEqual(keys);
      });

      it("deletes a credential by consumer and key", async () => {
        const { gateway } = subject();
        const alice = await consumer(1, "alice");
        await value(gateway.createCredential(alice.id, newCredential("gone")));
        const kept = await value(gateway.createCredential(alice.id, newCredential("kept")));
        await expect(gateway.deleteCredential(alice.id, "gone")).resolves.toEqual({
          ok: true,
          value: undefined,
        });
        await expect(value(gateway.listCredentials(alice.id))).resolves.toEqual([kept]);
      });

      it("succeeds in deleting a missing credential, or one of a missing consumer", async () => {
        const { gateway } = subject();
        const alice = await consumer(1, "alice");
        await expect(
          value(gateway.deleteCredential(alice.id, "never-was")),
        ).resolves.toBeUndefined();
        await expect(
          value(gateway.deleteCredential(consumerId(404), "never-was")),
        ).resolves.toBeUndefined();
      });

      it("does not delete another consumer's credential through the wrong consumer", async () => {
        const { gateway } = subject();
        const alice = await consumer(1, "alice");
        const bob = await consumer(2, "bob");
        const bobs = await value(gateway.createCredential(bob.id, newCredential("bobs")));
        await value(gateway.deleteCredential(alice.id, "bobs"));
        await expect(value(gateway.listCredentials(bob.id))).resolves.toEqual([bobs]);
      });
    });
  });
}
