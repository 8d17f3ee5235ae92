import ky, { type KyInstance } from "ky";

/** How the gateway reaches Kong's Admin API when it builds its own HTTP client. */
export interface KongAdminOptions {
  /** Base URL of the Admin API, `http:` or `https:`; may carry a path prefix (e.g. a loopback route). */
  readonly adminUrl: string;
  /** Sent as `Kong-Admin-Token` (Enterprise RBAC). OSS Kong ignores it (kong-contract §7). */
  readonly adminToken?: string;
  /** Extra headers sent with every call (e.g. a header an authenticating reverse proxy wants). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The fetch to call; defaults to the global one at call time (so msw can intercept it). */
  readonly fetch?: typeof globalThis.fetch;
  /** Time allowed for each attempt, in milliseconds. Default 2000. */
  readonly timeoutMs?: number;
  /**
   * Retries after the first attempt, for network errors and 408, 429, 500, 502, 503 and 504 (a
   * timeout is not retried). Default 2.
   */
  readonly retries?: number;
  /** Base of the exponential backoff between attempts, in milliseconds. Default 100. */
  readonly retryDelayMs?: number;
}

/**
 * A ky instance built by the caller (its `prefixUrl` must be the Admin API base URL). The
 * gateway still applies its own timeout and retry policy to every call, because which calls may
 * be retried is part of its correctness, not a transport preference.
 */
export interface KongHttpOptions {
  readonly http: KyInstance;
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly retryDelayMs?: number;
}

/** Either a base URL to build a client from, or a ready ky instance. */
export type KongIdentityGatewayOptions = KongAdminOptions | KongHttpOptions;

/** What the gateway runs on, once the options are checked. */
export interface KongTransport {
  readonly http: KyInstance;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryDelayMs: number;
}

const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_RETRIES = 2;
const DEFAULT_RETRY_DELAY_MS = 100;
/** ky refuses timeouts beyond setTimeout's range. */
const MAX_TIMEOUT_MS = 2_147_483_647;
const MAX_RETRIES = 10;

function fail(option: string, expectation: string): never {
  throw new TypeError(`createKongIdentityGateway: option '${option}' ${expectation}`);
}

function integerOption(
  option: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    fail(option, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function checkAdminUrl(value: unknown): string {
  if (typeof value !== "string") fail("adminUrl", "must be a string");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The value is not echoed: a malformed URL may still hold a password.
    fail("adminUrl", "must be an absolute http: or https: URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    fail("adminUrl", `must use http: or https:, not ${url.protocol}`);
  }
  if (url.username !== "" || url.password !== "") {
    // fetch refuses URLs with credentials; say so now rather than on the first call.
    fail("adminUrl", "must not contain credentials (use adminToken or headers)");
  }
  if (url.search !== "" || url.hash !== "") {
    fail("adminUrl", "must not have a query string or a fragment");
  }
  return url.href;
}

function checkHeaders(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail("headers", "must be an object of header names to string values");
  }
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (typeof headerValue !== "string") fail("headers", `must map '${name}' to a string`);
    headers[name] = headerValue;
  }
  return headers;
}

/** Validates the options (a `TypeError` names the first bad one) and builds the transport. */
export function resolveKongTransport(options: KongIdentityGatewayOptions): KongTransport {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("createKongIdentityGateway: options must be an object");
  }
  const timeoutMs = integerOption(
    "timeoutMs",
    options.timeoutMs,
    DEFAULT_TIMEOUT_MS,
    1,
    MAX_TIMEOUT_MS,
  );
  const retries = integerOption("retries", options.retries, DEFAULT_RETRIES, 0, MAX_RETRIES);
  const retryDelayMs = integerOption(
    "retryDelayMs",
    options.retryDelayMs,
    DEFAULT_RETRY_DELAY_MS,
    0,
    60_000,
  );
  if ("http" in options) {
    if (typeof options.http !== "function") fail("http", "must be a ky instance");
    return { http: options.http, timeoutMs, retries, retryDelayMs };
  }
  const prefixUrl = checkAdminUrl(options.adminUrl);
  const headers = checkHeaders(options.headers);
  if (options.adminToken !== undefined) {
    if (typeof options.adminToken !== "string" || options.adminToken === "") {
      fail("adminToken", "must be a non-empty string");
    }
    headers["Kong-Admin-Token"] = options.adminToken;
  }
  if (options.fetch !== undefined && typeof options.fetch !== "function") {
    fail("fetch", "must be a function");
  }
  const http = ky.create({
    prefixUrl,
    headers: { accept: "application/json", ...headers },
    // Resolved per call, not bound now: a test may install msw after the gateway is built.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  });
  return { http, timeoutMs, retries, retryDelayMs };
}
