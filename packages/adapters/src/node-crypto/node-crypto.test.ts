import { describeDigestContract, describeRandomContract } from "@kong-jwt-auth/testkit/contracts";
import { expect, it } from "vitest";
import { createNodeDigest } from "./node-digest.js";
import { createNodeRandom } from "./node-random.js";

describeDigestContract("node:crypto digest", async () => ({ digest: createNodeDigest() }));

describeRandomContract("node:crypto random", async () => ({ random: createNodeRandom() }));

it("returns plain Uint8Arrays rather than Node Buffers, so nothing Node-specific leaks into core", () => {
  expect(Object.getPrototypeOf(createNodeRandom().bytes(8))).toBe(Uint8Array.prototype);
});
