/** The Kong release whose wire behaviour the emulator reproduces. */
export const KONG_VERSION = "3.9.3";

/** `Server` header value Kong sends (`meta._SERVER_TOKENS`). */
export const SERVER_HEADER = `kong/${KONG_VERSION}`;

/** Content type of every JSON body Kong generates itself. */
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/** Upstream header names Kong sets (`kong/constants.lua` `HEADERS`). */
export const HEADERS = {
  consumerId: "X-Consumer-ID",
  consumerCustomId: "X-Consumer-Custom-ID",
  consumerUsername: "X-Consumer-Username",
  credentialIdentifier: "X-Credential-Identifier",
  anonymous: "X-Anonymous-Consumer",
  requestId: "X-Kong-Request-Id",
  proxyLatency: "X-Kong-Proxy-Latency",
  upstreamLatency: "X-Kong-Upstream-Latency",
  responseLatency: "X-Kong-Response-Latency",
  adminLatency: "X-Kong-Admin-Latency",
} as const;

/** Algorithms a jwt_secrets row may hold, in the order Kong's schema lists them. */
export const JWT_ALGORITHMS = [
  "HS256",
  "HS384",
  "HS512",
  "RS256",
  "RS384",
  "RS512",
  "ES256",
  "ES384",
  "ES512",
  "PS256",
  "PS384",
  "PS512",
  "EdDSA",
] as const;

/** One of the algorithms in {@link JWT_ALGORITHMS}. */
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];
