/**
 * `@kong-jwt-auth/testkit/e2e`: small helpers for end-to-end tests of a service behind Kong (or
 * the Kong emulator): free ports for a stack whose addresses must be known before it starts, an
 * upstream that echoes what the gateway forwarded, and an independent JWT signer.
 *
 * @module
 */

export { type EchoedRequest, type EchoUpstream, startEchoUpstream } from "./echo-upstream.js";
export { freePorts } from "./free-ports.js";
export { signJwt } from "./sign-jwt.js";
