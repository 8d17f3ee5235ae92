/**
 * `@kong-jwt-auth/testkit`: in-memory fakes of every port of `@kong-jwt-auth/core`, for the
 * core's own tests and for services that embed it. The contract suites (which need vitest) are
 * in `@kong-jwt-auth/testkit/contracts`, the Kong emulator in `@kong-jwt-auth/testkit/kong-emulator`.
 *
 * @module
 */

export {
  createFakeAuthDeps,
  type FakeAuthDeps,
  type FakeAuthDepsOptions,
} from "./fakes/fake-auth-deps.js";
export { createFakeClock, FAKE_CLOCK_START, type FakeClock } from "./fakes/fake-clock.js";
export { createFakeDigest } from "./fakes/fake-digest.js";
export {
  createFakePasswordHasher,
  type FakePasswordHasherOptions,
} from "./fakes/fake-password-hasher.js";
export { createFakeTokenSigner } from "./fakes/fake-token-signer.js";
export type { FaultInjection, FaultOptions } from "./fakes/faults.js";
export {
  type CredentialEdit,
  createInMemoryIdentityGateway,
  type IdentityGatewayMethod,
  type InMemoryIdentityGateway,
} from "./fakes/in-memory-identity-gateway.js";
export {
  createInMemoryUserStore,
  type InMemoryUserStore,
  type UserStoreMethod,
} from "./fakes/in-memory-user-store.js";
export { createSeededRandom } from "./fakes/seeded-random.js";
