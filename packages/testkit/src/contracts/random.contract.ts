import type { Random } from "@kong-jwt-auth/core";
import { expect, it } from "vitest";
import { describeContract } from "./harness.js";

/** The {@link Random} contract: the requested number of bytes, fresh on every call. */
export function describeRandomContract(
  name: string,
  setup: () => Promise<{ random: Random; close?: () => Promise<void> }>,
): void {
  describeContract(name, setup, (subject) => {
    it("returns a Uint8Array of exactly the requested length", () => {
      for (const length of [1, 16, 32, 33, 64]) {
        const bytes = subject().random.bytes(length);
        expect(bytes).toBeInstanceOf(Uint8Array);
        expect(bytes.length).toBe(length);
      }
    });

    it("returns an empty array for 0 bytes", () => {
      expect(subject().random.bytes(0).length).toBe(0);
    });

    it("returns different bytes on successive calls", () => {
      const { random } = subject();
      const seen = new Set<string>();
      for (let i = 0; i < 100; i += 1) seen.add(Array.from(random.bytes(16)).join(","));
      expect(seen.size).toBe(100);
    });

    it("fills every position, not only the first bytes", () => {
      const bytes = subject().random.bytes(4096);
      // 4096 uniform bytes all zero at one of 32 positions in a row has probability 2^-256.
      expect(bytes.subarray(4064).some((byte) => byte !== 0)).toBe(true);
      expect(new Set(bytes).size).toBeGreaterThan(200);
    });
  });
}
