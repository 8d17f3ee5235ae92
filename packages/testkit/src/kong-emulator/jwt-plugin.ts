/**
 * Kong's `jwt` plugin (`kong/plugins/jwt/handler.lua` and `schema.lua`, 3.9.x): its config
 * schema with defaults and validation, and the access phase with Kong's order of checks.
 */
import { consumerHeaders, loadAnonymousConsumer } from "./consumer-headers.js";
import type { FieldErrors } from "./dao-errors.js";
import { recordLookup } from "./entity-cache.js";
import {
  type DecodedJwt,
  decodeBase64UrlLikeNginx,
  decodeJwt,
  KongRuntimeError,
  luaIndex,
  verifyJwtSignature,
  verifyRegisteredClaims,
  withinMaximumExpiration,
} from "./jwt-token.js";
import type { KongModel } from "./model.js";
import { isPlainObject, type Row } from "./schema.js";

/** The jwt plugin's configuration with every default filled in. */
export interface JwtPluginConfig {
  readonly uri_param_names: readonly string[];
  readonly cookie_names: readonly string[];
  readonly header_names: readonly string[];
  readonly key_claim_name: string;
  readonly secret_is_base64: boolean;
  readonly claims_to_verify: readonly ("exp" | "nbf")[] | null;
  readonly anonymous: string | null;
  readonly run_on_preflight: boolean;
  readonly maximum_expiration: number;
  readonly realm: string | null;
}

/** The config Kong stores for `config: {}`. */
export const DEFAULT_JWT_CONFIG: JwtPluginConfig = {
  uri_param_names: ["jwt"],
  cookie_names: [],
  header_names: ["authorization"],
  key_claim_name: "iss",
  secret_is_base64: false,
  claims_to_verify: null,
  anonymous: null,
  run_on_preflight: true,
  maximum_expiration: 0,
  realm: null,
};

/**
 * `WWW-Authenticate` format: `'3.9'` is what Kong 3.8.0–3.9.3 send when `realm` is set
 * (`Bearer realm="r" error="invalid_token"`, a space); `'head'` is the unreleased fix that
 * Kong Enterprise 3.10+ ships (`Bearer realm="r", error="invalid_token"`).
 */
export type WwwAuthenticateFormat = "3.9" | "head";

type SetCheck = { readonly oneOf?: readonly string[] };

function checkSet(value: unknown, check: SetCheck = {}): FieldErrors[string] | undefined {
  if (!Array.isArray(value)) return "expected a set";
  const errors: (string | null)[] = [];
  let failed = false;
  value.forEach((item: unknown, index) => {
    let err: string | undefined;
    if (item === null) err = "required field missing";
    else if (typeof item !== "string") err = "expected a string";
    else if (check.oneOf !== undefined && !check.oneOf.includes(item)) {
      err = `expected one of: ${check.oneOf.join(", ")}`;
    } else if (item.length < 1) err = "length must be at least 1";
    if (err !== undefined) {
      errors[index] = err;
      failed = true;
    }
  });
  return failed ? Array.from(errors, (entry) => entry ?? null) : undefined;
}

function checkString(value: unknown): string | undefined {
  if (typeof value !== "string") return "expected a string";
  return value.length < 1 ? "length must be at least 1" : undefined;
}

function checkBoolean(value: unknown): string | undefined {
  return typeof value === "boolean" ? undefined : "expected a boolean";
}

const FIELD_CHECKS: Record<string, (value: unknown) => FieldErrors[string] | undefined> = {
  uri_param_names: (value) => checkSet(value),
  cookie_names: (value) => checkSet(value),
  key_claim_name: checkString,
  secret_is_base64: checkBoolean,
  claims_to_verify: (value) => checkSet(value, { oneOf: ["exp", "nbf"] }),
  anonymous: checkString,
  run_on_preflight: checkBoolean,
  maximum_expiration: (value) => {
    if (typeof value !== "number" || !Number.isFinite(value)) return "expected a number";
    return value < 0 || value > 31536000 ? "value should be between 0 and 31536000" : undefined;
  },
  header_names: (value) => checkSet(value),
  realm: checkString,
};

const REQUIRED = new Set(["secret_is_base64", "run_on_preflight"]);

function dedupe(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * Validates a jwt plugin `config` and fills its defaults, as Kong's plugin schema does.
 * Errors are keyed like Kong's (`config.<field>`, plus `@entity` for the conditional check).
 */
export function validateJwtConfig(
  input: unknown,
): { ok: true; config: JwtPluginConfig } | { ok: false; errors: FieldErrors } {
  const raw = input === undefined || input === null ? {} : input;
  if (!isPlainObject(raw)) return { ok: false, errors: { config: "expected a record" } };
  const configErrors: FieldErrors = {};
  for (const [key, value] of Object.entries(raw)) {
    const check = FIELD_CHECKS[key];
    if (check === undefined) {
      configErrors[key] = "unknown field";
      continue;
    }
    if (value === null) {
      if (REQUIRED.has(key)) configErrors[key] = "required field missing";
      continue;
    }
    const err = check(value);
    if (err !== undefined) configErrors[key] = err;
  }
  const merged: Record<string, unknown> = { ...DEFAULT_JWT_CONFIG };
  for (const [key, value] of Object.entries(raw)) {
    // An explicit null keeps null; only an absent field takes the default.
    if (value !== undefined) merged[key] = value;
  }
  const errors: FieldErrors = {};
  const maximum = merged.maximum_expiration;
  const claims = merged.claims_to_verify;
  if (
    typeof maximum === "number" &&
    maximum > 0 &&
    Array.isArray(claims) &&
    !claims.includes("exp") &&
    configErrors.claims_to_verify === undefined
  ) {
    // A null claims_to_verify passes this check in Kong (null satisfies a non-required
    // validator); the plugin then rejects every token that has no exp.
    configErrors.claims_to_verify = "expected to contain: exp";
    errors["@entity"] = [
      "failed conditional validation given value of field 'config.maximum_expiration'",
    ];
  }
  if (Object.keys(configErrors).length > 0) {
    errors.config = configErrors;
    return { ok: false, errors };
  }
  const config: JwtPluginConfig = {
    uri_param_names: dedupe(merged.uri_param_names as string[]),
    cookie_names: dedupe(merged.cookie_names as string[]),
    header_names: dedupe(merged.header_names as string[]),
    key_claim_name: merged.key_claim_name as string,
    secret_is_base64: merged.secret_is_base64 as boolean,
    claims_to_verify: claims === null ? null : (dedupe(claims as string[]) as ("exp" | "nbf")[]),
    anonymous: merged.anonymous as string | null,
    run_on_preflight: merged.run_on_preflight as boolean,
    maximum_expiration: merged.maximum_expiration as number,
    realm: merged.realm as string | null,
  };
  return { ok: true, config };
}

/** What the plugin reads of a request. */
export interface PluginRequest {
  readonly method: string;
  /** Query arguments, decoded as ngx does: repeated names give several values, `?a` gives `true`. */
  readonly query: ReadonlyMap<string, readonly (string | true)[]>;
  /** First occurrence of a header, by case-insensitive name. */
  header(name: string): string | undefined;
  /** Value of a cookie, by case-insensitive name, as nginx's `$cookie_<name>`. */
  cookie(name: string): string | undefined;
}

/** How the request continues after the plugin ran. */
export type JwtOutcome =
  | { readonly kind: "skipped" }
  | {
      readonly kind: "authenticated";
      /** Headers to set (value) or clear (`null`) on the upstream request. */
      readonly upstreamHeaders: Readonly<Record<string, string | null>>;
      /**
       * `kong.ctx.shared.authenticated_jwt_token`: the token, absent for the anonymous
       * consumer (whose credential is not set either).
       */
      readonly token?: string;
    }
  | {
      readonly kind: "rejected";
      readonly status: 401;
      readonly body: Record<string, string>;
      readonly wwwAuthenticate?: string;
    }
  | { readonly kind: "error" };

interface Failure {
  readonly body: Record<string, string>;
  readonly wwwAuthenticate?: string;
}

/** `retrieve_tokens`: every source is read and the tokens collected into a set. */
function retrieveTokens(config: JwtPluginConfig, request: PluginRequest): Set<string | true> {
  const tokens = new Set<string | true>();
  for (const name of config.uri_param_names) {
    for (const value of request.query.get(name) ?? []) if (value !== "") tokens.add(value);
  }
  for (const name of config.cookie_names) {
    const value = request.cookie(name);
    if (value !== undefined && value !== "") tokens.add(value);
  }
  for (const name of config.header_names) {
    const value = request.header(name);
    if (value === undefined) continue;
    const match = /\s*[Bb]earer\s+(.+)/.exec(value);
    const token = match?.[1];
    if (token !== undefined && token !== "") tokens.add(token);
  }
  return tokens;
}

/** `do_authentication`: returns the headers on success, or the 401 failure. */
function authenticate(
  model: KongModel,
  config: JwtPluginConfig,
  request: PluginRequest,
  format: WwwAuthenticateFormat,
):
  | { ok: true; headers: Record<string, string | null>; token: string }
  | { ok: false; failure: Failure } {
  const base = config.realm === null ? "Bearer" : `Bearer realm="${config.realm}"`;
  const separator = config.realm !== null && format === "head" ? ", " : " ";
  const withError = `${base}${separator}error="invalid_token"`;
  const fail = (message: string, wwwAuthenticate: string | undefined = withError) => ({
    ok: false as const,
    failure: { body: { message }, ...(wwwAuthenticate === undefined ? {} : { wwwAuthenticate }) },
  });

  const tokens = retrieveTokens(config, request);
  if (tokens.size === 0) return fail("Unauthorized", base);
  if (tokens.size > 1) return fail("Multiple tokens provided");
  const [token] = tokens;
  if (typeof token !== "string") return fail("Unrecognizable token");

  const decoded = decodeJwt(token);
  if (!decoded.ok) return fail(`Bad token; ${decoded.reason}`);
  const jwt: DecodedJwt = decoded.jwt;
  const claimName = config.key_claim_name;

  // `claims[name] or header[name]`: nil and false fall through to the header.
  let key = luaIndex(jwt.claims, claimName);
  if (key === undefined || key === false) key = luaIndex(jwt.header, claimName);
  if (key === undefined || key === false) return fail(`No mandatory '${claimName}' in claims`);
  if (key === "") return fail(`Invalid '${claimName}' in claims`);
  // select_by_key refuses a non-string value with a Lua error.
  if (typeof key !== "string") throw new KongRuntimeError(`key must be a string`);

  const credential = model.jwtSecrets.view({ field: "key", value: key });
  recordLookup(model, "jwt_secrets", key, credential);
  if (credential === null) return fail(`No credentials found for given '${claimName}'`);

  // The proxy reads rows without nulls, so a null algorithm is the default HS256.
  const algorithm = typeof credential.algorithm === "string" ? credential.algorithm : "HS256";
  if (jwt.alg !== algorithm) return fail("Invalid algorithm");

  let material: string | Buffer | null;
  if (algorithm.startsWith("HS")) {
    const secret = typeof credential.secret === "string" ? credential.secret : null;
    material =
      secret !== null && config.secret_is_base64 ? decodeBase64UrlLikeNginx(secret) : secret;
  } else {
    material = typeof credential.rsa_public_key === "string" ? credential.rsa_public_key : null;
  }
  if (material === null) return fail("Invalid key/secret");
  if (!verifyJwtSignature(jwt, material)) return fail("Invalid signature");

  const now = model.nowSeconds();
  const claimErrors = verifyRegisteredClaims(jwt, config.claims_to_verify ?? [], now);
  if (claimErrors !== null)
    return { ok: false, failure: { body: claimErrors, wwwAuthenticate: withError } };
  if (
    config.maximum_expiration > 0 &&
    !withinMaximumExpiration(jwt, config.maximum_expiration, now)
  ) {
    return {
      ok: false,
      failure: { body: { exp: "exceeds maximum allowed expiration" }, wwwAuthenticate: withError },
    };
  }

  const consumerId = String((credential.consumer as Row).id);
  const consumer = model.consumers.view({ field: "id", value: consumerId });
  recordLookup(model, "consumers", consumerId, consumer);
  if (consumer === null) {
    // Kong sends this one without WWW-Authenticate.
    return fail(`Could not find consumer for '${claimName}=${key}'`, undefined);
  }
  // The credential was found by its key, which identifies it upstream.
  return { ok: true, headers: consumerHeaders(consumer, key), token };
}

/**
 * The plugin's access phase. Authentication state lives in the model, so Admin API changes
 * apply to the very next request (Kong invalidates its cache on every write). Kong's
 * "anonymous and a credential is already set" skip is left out: jwt (priority 1450) runs
 * before every other auth plugin the emulator has, so no credential is ever set before it.
 */
export function runJwtPlugin(
  model: KongModel,
  config: JwtPluginConfig,
  request: PluginRequest,
  format: WwwAuthenticateFormat = "3.9",
): JwtOutcome {
  if (!config.run_on_preflight && request.method === "OPTIONS") return { kind: "skipped" };
  try {
    const result = authenticate(model, config, request, format);
    if (result.ok) {
      return { kind: "authenticated", upstreamHeaders: result.headers, token: result.token };
    }
    if (config.anonymous !== null) {
      const anonymous = loadAnonymousConsumer(model, config.anonymous);
      // Kong 3.9.3 then calls authenticate(nil, nil), which raises: a 500.
      if (anonymous === null) return { kind: "error" };
      return { kind: "authenticated", upstreamHeaders: consumerHeaders(anonymous, null) };
    }
    return {
      kind: "rejected",
      status: 401,
      body: result.failure.body,
      ...(result.failure.wwwAuthenticate === undefined
        ? {}
        : { wwwAuthenticate: result.failure.wwwAuthenticate }),
    };
  } catch (error) {
    if (error instanceof KongRuntimeError) return { kind: "error" };
    throw error;
  }
}
