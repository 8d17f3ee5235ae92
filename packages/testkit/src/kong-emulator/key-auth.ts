/**
 * Kong's `key-auth` plugin (`kong/plugins/key-auth/{handler,schema,daos}.lua`, 3.9.x), enough
 * of it to combine with the jwt plugin as Kong's `16-jwt/03-access_spec.lua` does: keys from
 * headers and the query string, `hide_credentials`, `anonymous` (logical OR) and the 401s.
 * Credentials come from the declarative file (`keyauth_credentials`).
 */
import { consumerHeaders, loadAnonymousConsumer } from "./consumer-headers.js";
import type { FieldErrors } from "./dao-errors.js";
import type { KongModel } from "./model.js";
import { isPlainObject } from "./schema.js";

/** The key-auth plugin's configuration with every default filled in. */
export interface KeyAuthPluginConfig {
  readonly key_names: readonly string[];
  readonly hide_credentials: boolean;
  readonly anonymous: string | null;
  readonly key_in_header: boolean;
  readonly key_in_query: boolean;
  readonly key_in_body: boolean;
  readonly run_on_preflight: boolean;
  readonly realm: string | null;
}

/** A `keyauth_credentials` row. */
export interface KongKeyAuthCredential {
  readonly id: string;
  readonly created_at: number;
  readonly consumer: { readonly id: string };
  readonly key: string;
  readonly tags: readonly string[] | null;
}

const DEFAULTS: KeyAuthPluginConfig = {
  key_names: ["apikey"],
  hide_credentials: false,
  anonymous: null,
  key_in_header: true,
  key_in_query: true,
  key_in_body: false,
  run_on_preflight: true,
  realm: null,
};

const BOOLEANS = new Set([
  "hide_credentials",
  "key_in_header",
  "key_in_query",
  "key_in_body",
  "run_on_preflight",
]);

/** Validates a key-auth `config` and fills its defaults, with Kong's messages. */
export function validateKeyAuthConfig(
  input: unknown,
): { ok: true; config: KeyAuthPluginConfig } | { ok: false; errors: FieldErrors } {
  const raw = input === undefined || input === null ? {} : input;
  if (!isPlainObject(raw)) return { ok: false, errors: { config: "expected a record" } };
  const errors: FieldErrors = {};
  const merged: Record<string, unknown> = { ...DEFAULTS };
  for (const [key, value] of Object.entries(raw)) {
    if (!(key in DEFAULTS)) {
      errors[key] = "unknown field";
      continue;
    }
    if (value === null) {
      if (key !== "anonymous" && key !== "realm") errors[key] = "required field missing";
      merged[key] = null;
      continue;
    }
    if (BOOLEANS.has(key) && typeof value !== "boolean") errors[key] = "expected a boolean";
    else if ((key === "anonymous" || key === "realm") && typeof value !== "string")
      errors[key] = "expected a string";
    else if (key === "key_names") {
      if (!Array.isArray(value)) errors[key] = "expected an array";
      else {
        const bad = value.find(
          (name) => typeof name !== "string" || !/^[a-zA-Z0-9_-]+$/.test(name),
        );
        if (bad !== undefined) {
          errors[key] = [
            `bad header name '${String(bad)}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`,
          ];
        }
      }
    }
    merged[key] = value;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors: { config: errors } };
  return { ok: true, config: merged as unknown as KeyAuthPluginConfig };
}

/** What key-auth reads of a request. */
export interface KeyAuthRequest {
  readonly method: string;
  /** Every value of a header (case-insensitive, `_` and `-` alike, as `ngx.req.get_headers`). */
  headerValues(name: string): readonly string[];
  /** Every value of a query argument; a bare `?name` gives `true`. */
  queryValues(name: string): readonly (string | true)[];
}

/** How the request continues after key-auth ran. */
export type KeyAuthOutcome =
  | { readonly kind: "skipped" }
  | {
      readonly kind: "authenticated";
      /** Headers to set (value) or clear (`null`) upstream. */
      readonly upstreamHeaders: Readonly<Record<string, string | null>>;
      /** Query arguments to remove upstream (`hide_credentials`). */
      readonly clearedQueryArgs: readonly string[];
      /** Whether a real credential (not the anonymous consumer) was set. */
      readonly credentialSet: boolean;
    }
  | {
      readonly kind: "rejected";
      readonly status: 401;
      readonly message: string;
      readonly wwwAuthenticate: string;
    }
  | { readonly kind: "error" };

/** The plugin's `do_authentication`: the consumer of the key found, or the 401. */
function authenticate(
  model: KongModel,
  credentials: readonly KongKeyAuthCredential[],
  config: KeyAuthPluginConfig,
  request: KeyAuthRequest,
): KeyAuthOutcome {
  const reject = (message: string): KeyAuthOutcome => ({
    kind: "rejected",
    status: 401,
    message,
    wwwAuthenticate: config.realm === null ? "Key" : `Key realm="${config.realm}"`,
  });
  let key: string | undefined;
  const cleared: Record<string, null> = {};
  const clearedQueryArgs: string[] = [];
  for (const name of config.key_names) {
    let values: readonly (string | true)[] = [];
    if (config.key_in_header) values = request.headerValues(name);
    if (values.length === 0 && config.key_in_query) values = request.queryValues(name);
    if (values.length > 1) return reject("Duplicate API key found");
    const value = values[0];
    if (typeof value === "string") {
      key = value;
      if (config.hide_credentials) {
        cleared[name] = null;
        clearedQueryArgs.push(name);
      }
      break;
    }
  }
  if (key === undefined || key === "") return reject("No API key found in request");
  const credential = credentials.find((candidate) => candidate.key === key);
  // A credential whose consumer is gone was cascade-deleted with it.
  const consumer =
    credential === undefined
      ? null
      : model.consumers.view({ field: "id", value: credential.consumer.id });
  if (credential === undefined || consumer === null) return reject("Unauthorized");
  return {
    kind: "authenticated",
    // key-auth identifies the credential by its id (jwt uses the key).
    upstreamHeaders: { ...cleared, ...consumerHeaders(consumer, credential.id) },
    clearedQueryArgs,
    credentialSet: true,
  };
}

/**
 * The plugin's access phase. `credentialAlreadySet` is `kong.client.get_credential()`: an
 * earlier auth plugin (jwt runs first, priority 1450 > 1250) already authenticated.
 */
export function runKeyAuthPlugin(
  model: KongModel,
  credentials: readonly KongKeyAuthCredential[],
  config: KeyAuthPluginConfig,
  request: KeyAuthRequest,
  credentialAlreadySet: boolean,
): KeyAuthOutcome {
  if (!config.run_on_preflight && request.method === "OPTIONS") return { kind: "skipped" };
  if (config.anonymous !== null && credentialAlreadySet) return { kind: "skipped" };
  const outcome = authenticate(model, credentials, config, request);
  if (outcome.kind !== "rejected" || config.anonymous === null) return outcome;
  const anonymous = loadAnonymousConsumer(model, config.anonymous);
  // set_consumer(nil) makes kong.client.authenticate raise: a 500.
  if (anonymous === null) return { kind: "error" };
  return {
    kind: "authenticated",
    upstreamHeaders: consumerHeaders(anonymous, null),
    clearedQueryArgs: [],
    credentialSet: false,
  };
}
