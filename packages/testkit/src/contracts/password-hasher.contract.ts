import type { PasswordHasher } from "@kong-jwt-auth/core";
import { expect, it } from "vitest";
import { describeContract } from "./harness.js";

const PASSWORD = "correct horse battery staple";

/**
 * The {@link PasswordHasher} contract: salted, never containing the password, malformed hashes
 * as `invalid_hash` values. It hashes a handful of times only, so a real argon2id adapter built
 * with small test parameters runs it quickly.
 */
export function describePasswordHasherContract(
  name: string,
  setup: () => Promise<{ hasher: PasswordHasher; close?: () => Promise<void> }>,
): void {
  describeContract(name, setup, (subject) => {
    it("produces a hash that is not, and does not contain, the password", async () => {
      const hash = await subject().hasher.hash(PASSWORD);
      expect(hash).not.toBe(PASSWORD);
      expect(hash).not.toContain(PASSWORD);
      expect(hash).not.toContain("horse");
    });

    it("salts: two hashes of one password differ, and both verify", async () => {
      const { hasher } = subject();
      const first = await hasher.hash(PASSWORD);
      const second = await hasher.hash(PASSWORD);
      expect(first).not.toBe(second);
      await expect(hasher.verify(first, PASSWORD)).resolves.toEqual({ ok: true, value: true });
      await expect(hasher.verify(second, PASSWORD)).resolves.toEqual({ ok: true, value: true });
    });

    it("verifies the right password as true and a wrong one as false", async () => {
      const { hasher } = subject();
      const hash = await hasher.hash(PASSWORD);
      await expect(hasher.verify(hash, PASSWORD)).resolves.toEqual({ ok: true, value: true });
      await expect(hasher.verify(hash, `${PASSWORD}!`)).resolves.toEqual({
        ok: true,
        value: false,
      });
      await expect(hasher.verify(hash, "")).resolves.toEqual({ ok: true, value: false });
    });

    it("hashes unicode passwords by their exact code points (normalising is the core's job)", async () => {
      const { hasher } = subject();
      const composed = "pässwörd-✓-🔑-\u00e9";
      const hash = await hasher.hash(composed);
      await expect(hasher.verify(hash, composed)).resolves.toEqual({ ok: true, value: true });
      await expect(hasher.verify(hash, composed.normalize("NFD"))).resolves.toEqual({
        ok: true,
        value: false,
      });
    });

    it("answers a malformed stored hash with an invalid_hash error value, never a throw", async () => {
      const { hasher } = subject();
      for (const malformed of ["", "not a hash", "$argon2id$v=19$m=19456,t=2,p=1$truncated"]) {
        const result = await hasher.verify(malformed, PASSWORD);
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.error.code).toBe("invalid_hash");
          expect(result.error.message).not.toContain(PASSWORD);
        }
      }
    });

    it("does not ask to rehash a hash it has just made", async () => {
      const { hasher } = subject();
      expect(hasher.needsRehash(await hasher.hash(PASSWORD))).toBe(false);
    });
  });
}
