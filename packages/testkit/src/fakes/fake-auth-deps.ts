import type { AuthDeps, Digest, PasswordHasher, Random, TokenSigner } from "@kong-jwt-auth/core";
import { createFakeClock, type FakeClock } from "./fake-clock.js";
import { createFakeDigest } from "./fake-digest.js";
import { createFakePasswordHasher } from "./fake-password-hasher.js";
import { createFakeTokenSigner } from "./fake-token-signer.js";
import {
  createInMemoryIdentityGateway,
  type InMemoryIdentityGateway,
} from "./in-memory-identity-gateway.js";
import { createInMemoryUserStore, type InMemoryUserStore } from "./in-memory-user-store.js";
import { createSeededRandom } from "./seeded-random.js";

/** One fake of every port, typed with the concrete fakes so a test can reach their hooks. */
export interface FakeAuthDeps extends AuthDeps {
  readonly users: InMemoryUserStore;
  readonly identity: InMemoryIdentityGateway;
  readonly tokens: TokenSigner;
  readonly hasher: PasswordHasher;
  readonly digest: Digest;
  readonly clock: FakeClock;
  readonly random: Random;
}

/** Options of {@link createFakeAuthDeps}. */
export interface FakeAuthDepsOptions {
  /** Start of the fake clock, epoch ms (default `FAKE_CLOCK_START`). */
  readonly startMs?: number;
  /** Seed of the deterministic random source. */
  readonly seed?: number;
  /** Cost of the fake hasher's new hashes (default 1). */
  readonly hasherCost?: number;
}

/** Creates fresh, empty fakes for `createAuth` or a use case. */
export function createFakeAuthDeps(options: FakeAuthDepsOptions = {}): FakeAuthDeps {
  return {
    users: createInMemoryUserStore(),
    identity: createInMemoryIdentityGateway(),
    tokens: createFakeTokenSigner(),
    hasher: createFakePasswordHasher(
      options.hasherCost === undefined ? {} : { cost: options.hasherCost },
    ),
    digest: createFakeDigest(),
    clock: createFakeClock(options.startMs),
    random: createSeededRandom(options.seed),
  };
}
