import { describe, expect, it } from "vitest";
import {
  describeDigestContract,
  describePasswordHasherContract,
  describeRandomContract,
  describeTokenSignerContract,
} from "../contracts/index.js";
import { createFakeAuthDeps } from "./fake-auth-deps.js";
import { createFakeClock } from "./fake-clock.js";
import { createFakeDigest } from "./fake-digest.js";
import { createFakePasswordHasher } from "./fake-password-hasher.js";
import { createFakeTokenSigner } from "./fake-token-signer.js";
import { createSeededRandom } from "./seeded-random.js";

describeTokenSignerContract("fake token signer", async () => ({ signer: createFakeTokenSigner() }));
describePasswordHasherContract("fake password hasher", async () => ({
  hasher: createFakePasswordHasher(),
}));
describeDigestContract("fake digest", async () => ({ digest: createFakeDigest() }));
describeRandomContract("seeded random", async () => ({ random: createSeededRandom() }));

describe("fake password hasher", () => {
  it("asks to rehash a hash made with another cost, and not one made with its own", async () => {
    const cheap = createFakePasswordHasher({ cost: 1 });
    const dear = createFakePasswordHasher({ cost: 2 });
    const hash = await cheap.hash("a password");
    expect(dear.needsRehash(hash)).toBe(true);
    expect(cheap.needsRehash(hash)).toBe(false);
    await expect(dear.verify(hash, "a password")).resolves.toEqual({ ok: true, value: true });
  });
});

describe("seeded random", () => {
  it("repeats its sequence for the same seed and differs for another", () => {
    const a = createSeededRandom(42);
    const b = createSeededRandom(42);
    const c = createSeededRandom(43);
    const first = a.bytes(32);
    expect(b.bytes(32)).toEqual(first);
    expect(c.bytes(32)).not.toEqual(first);
  });

  it("refuses a negative length", () => {
    expect(() => createSeededRandom().bytes(-1)).toThrow(RangeError);
  });
});

describe("fake clock", () => {
  it("stands still until set or advanced", () => {
    const clock = createFakeClock(1000);
    expect(clock.now()).toBe(1000);
    clock.advance(500);
    expect(clock.now()).toBe(1500);
    clock.set(10);
    expect(clock.now()).toBe(10);
  });
});

describe("createFakeAuthDeps", () => {
  it("gives fresh, empty fakes every time", async () => {
    const first = createFakeAuthDeps();
    await first.identity.createConsumer({ id: "c", username: "alice" });
    const second = createFakeAuthDeps();
    expect(second.identity.consumers()).toEqual([]);
    expect(second.users.listUsers()).toEqual([]);
  });

  it("honours the start time, seed and hasher cost", async () => {
    const deps = createFakeAuthDeps({ startMs: 5, seed: 7, hasherCost: 3 });
    expect(deps.clock.now()).toBe(5);
    expect(deps.random.bytes(8)).toEqual(createSeededRandom(7).bytes(8));
    expect(await deps.hasher.hash("pw")).toMatch(/^fake\$v=3\$/);
  });
});
