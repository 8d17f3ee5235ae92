/**
 * Loading of a decK-style declarative file (`_format_version: "3.0"`): services, routes,
 * plugins (the jwt plugin is emulated, the others are ignored with a warning), consumers
 * and their jwt_secrets. Every problem is collected and reported at once.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { type FieldErrors, schemaViolationMessage } from "./dao-errors.js";
import { isValidUuid, newUuid, randomKongString } from "./ids.js";
import { type JwtPluginConfig, validateJwtConfig } from "./jwt-plugin.js";
import {
  type KeyAuthPluginConfig,
  type KongKeyAuthCredential,
  validateKeyAuthConfig,
} from "./key-auth.js";
import { createKongModel, type KongConsumer, type KongJwtCredential } from "./model.js";
import { isPlainObject, type Row } from "./schema.js";

/** A service (only what the proxy needs). */
export interface ServiceConfig {
  readonly id: string;
  readonly name: string | null;
  readonly protocol: "http" | "https";
  readonly host: string;
  readonly port: number;
  /** Path prefix added upstream, `null` when the URL has none. */
  readonly path: string | null;
}

/** A route. */
export interface RouteConfig {
  readonly id: string;
  readonly name: string | null;
  /** Id of the route's service, `null` for a route without one. */
  readonly serviceId: string | null;
  readonly paths: readonly string[];
  readonly methods: readonly string[];
  readonly hosts: readonly string[];
  readonly stripPath: boolean;
  readonly preserveHost: boolean;
  readonly regexPriority: number;
}

/** An enabled jwt plugin and where it applies (neither route nor service: global). */
export interface JwtPluginInstance {
  readonly id: string;
  readonly name: "jwt";
  readonly routeId: string | null;
  readonly serviceId: string | null;
  readonly config: JwtPluginConfig;
}

/** A loaded declarative configuration. */
export interface DeclarativeConfig {
  readonly services: readonly ServiceConfig[];
  readonly routes: readonly RouteConfig[];
  readonly plugins: readonly JwtPluginInstance[];
  /** Consumers with ids and timestamps assigned, loaded into the model at start. */
  readonly consumers: readonly KongConsumer[];
  readonly jwtSecrets: readonly KongJwtCredential[];
  /** One line per ignored item (plugins and entities the emulator does not emulate). */
  readonly warnings: readonly string[];
  /** The other plugins the proxy runs (`key-auth`, Kong's test plugin `ctx-checker`). */
  readonly extraPlugins?: readonly ExtraPluginInstance[];
  /** `keyauth_credentials` of the file (nested under consumers or top-level). */
  readonly keyAuthCredentials?: readonly KongKeyAuthCredential[];
}

/**
 * Config of Kong's test plugin `ctx-checker` (`spec/fixtures/custom_plugins`), which Kong's
 * jwt tests use to read `kong.ctx.shared.authenticated_jwt_token` back in a response header.
 */
export interface CtxCheckerConfig {
  readonly ctx_kind: string;
  readonly ctx_check_field: string | null;
  readonly ctx_check_value: string | null;
}

/** A plugin other than jwt that the proxy runs, and where it applies. */
export type ExtraPluginInstance =
  | {
      readonly id: string;
      readonly name: "key-auth";
      readonly routeId: string | null;
      readonly serviceId: string | null;
      readonly config: KeyAuthPluginConfig;
    }
  | {
      readonly id: string;
      readonly name: "ctx-checker";
      readonly routeId: string | null;
      readonly serviceId: string | null;
      readonly config: CtxCheckerConfig;
    };

const CTX_CHECKER_FIELDS = new Set([
  "ctx_set_field",
  "ctx_set_value",
  "ctx_set_array",
  "ctx_check_field",
  "ctx_check_value",
  "ctx_check_array",
  "ctx_kind",
  "ctx_throw_error",
]);

/** Validates a `ctx-checker` config (only its check part is emulated). */
function validateCtxCheckerConfig(
  input: unknown,
): { ok: true; config: CtxCheckerConfig } | { ok: false; errors: FieldErrors } {
  const raw = input === undefined || input === null ? {} : input;
  if (!isPlainObject(raw)) return { ok: false, errors: { config: "expected a record" } };
  const errors: FieldErrors = {};
  for (const key of Object.keys(raw))
    if (!CTX_CHECKER_FIELDS.has(key)) errors[key] = "unknown field";
  const text = (value: unknown): string | null => (typeof value === "string" ? value : null);
  if (Object.keys(errors).length > 0) return { ok: false, errors: { config: errors } };
  return {
    ok: true,
    config: {
      ctx_kind: text(raw.ctx_kind) ?? "ngx.ctx",
      ctx_check_field: text(raw.ctx_check_field),
      ctx_check_value: text(raw.ctx_check_value),
    },
  };
}

/** Thrown by {@link loadDeclarativeConfig}; `problems` lists every problem found. */
export class KongConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[], source = "declarative config") {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`invalid ${source} (${count}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "KongConfigError";
    this.problems = problems;
  }
}

const SERVICE_FIELDS = new Set([
  "id",
  "name",
  "url",
  "protocol",
  "host",
  "port",
  "path",
  "retries",
  "connect_timeout",
  "write_timeout",
  "read_timeout",
  "tags",
  "client_certificate",
  "tls_verify",
  "tls_verify_depth",
  "ca_certificates",
  "enabled",
  "routes",
  "plugins",
  "created_at",
  "updated_at",
]);
const ROUTE_FIELDS = new Set([
  "id",
  "name",
  "protocols",
  "methods",
  "hosts",
  "paths",
  "headers",
  "https_redirect_status_code",
  "regex_priority",
  "strip_path",
  "path_handling",
  "preserve_host",
  "request_buffering",
  "response_buffering",
  "snis",
  "sources",
  "destinations",
  "tags",
  "service",
  "plugins",
  "created_at",
  "updated_at",
]);
const PLUGIN_FIELDS = new Set([
  "id",
  "name",
  "instance_name",
  "config",
  "enabled",
  "protocols",
  "tags",
  "route",
  "service",
  "consumer",
  "consumer_group",
  "ordering",
  "created_at",
  "updated_at",
]);
const CONSUMER_FIELDS = new Set([
  "id",
  "username",
  "custom_id",
  "tags",
  "jwt_secrets",
  "keyauth_credentials",
  "plugins",
  "created_at",
  "updated_at",
]);
const KEYAUTH_FIELDS = new Set(["id", "created_at", "consumer", "key", "ttl", "tags"]);
/** Attributes Kong's declarative schema accepts on every entity (`add_extra_attributes`). */
const EXTRA_ATTRIBUTES = new Set(["_comment", "_ignore"]);
/** `_format_version` values Kong 3.9 accepts; 1.1 and 2.1 are migrated to 3.0 on load. */
const FORMAT_VERSIONS = new Set(["1.1", "2.1", "3.0"]);
/** Kong entities the file may hold that the emulator does not emulate. */
const IGNORED_ENTITIES = new Set([
  "upstreams",
  "targets",
  "certificates",
  "ca_certificates",
  "snis",
  "vaults",
  "consumer_groups",
  "key_sets",
  "keys",
  "acls",
  "basicauth_credentials",
  "hmacauth_credentials",
  "oauth2_credentials",
  "mtls_auth_credentials",
  "filter_chains",
  "parameters",
]);
const TOP_LEVEL = new Set([
  "_format_version",
  "_transform",
  "_comment",
  "_ignore",
  "_workspace",
  "_info",
  "_konnect",
  "services",
  "routes",
  "plugins",
  "consumers",
  "jwt_secrets",
  "keyauth_credentials",
]);

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The entity's `id` when the file gives a UUID (lower-cased), else a new one. */
function idOf(raw: Record<string, unknown>): string {
  return typeof raw.id === "string" && isValidUuid(raw.id) ? raw.id.toLowerCase() : newUuid();
}

function withoutExtras(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !EXTRA_ATTRIBUTES.has(key)));
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * `migrate_path_280_300`: a path made only of `[a-zA-Z0-9.-_~/%]` is a plain prefix
 * (normalised: unreserved escapes decoded, slashes merged, dot segments resolved); any
 * other path was a regex in formats 1.1/2.1 and becomes `~<path>`.
 */
export function migratePath(path: string): string {
  if (!/^[a-zA-Z0-9.\-_~/%]*$/.test(path)) {
    return `~${path.replace(/%([0-9A-Fa-f]{2})/g, (triplet, hex: string) => {
      const ch = String.fromCharCode(Number.parseInt(hex, 16));
      if ("!#$%&'()*+,/:;=?@[]".includes(ch)) return triplet.toUpperCase();
      if (".^-{}\\|".includes(ch)) return `\\${ch}`;
      return ch;
    })}`;
  }
  const decoded = path.replace(/%([0-9A-Fa-f]{2})/g, (triplet, hex: string) => {
    const ch = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(ch) ? ch : triplet.toUpperCase();
  });
  const segments: string[] = [];
  for (const segment of decoded.replace(/\/{2,}/g, "/").split("/")) {
    if (segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  let joined = segments.join("/");
  if (decoded.startsWith("/") && !joined.startsWith("/")) joined = `/${joined}`;
  if (/\/\.{1,2}$/.test(decoded) && !joined.endsWith("/")) joined += "/";
  return joined;
}

interface PendingPlugin {
  readonly where: string;
  readonly raw: Record<string, unknown>;
  readonly routeRef: unknown;
  readonly serviceRef: unknown;
}

/**
 * Reads and validates a declarative file. Throws {@link KongConfigError} listing every
 * problem; the returned config lists ignored items in `warnings`.
 */
export function loadDeclarativeConfig(
  source: { path: string } | { text: string },
): DeclarativeConfig {
  let text: string;
  const label = "path" in source ? source.path : "declarative config";
  if ("path" in source) {
    try {
      text = readFileSync(source.path, "utf8");
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new KongConfigError([`cannot read the file: ${reason}`], label);
    }
  } else text = source.text;

  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new KongConfigError([`not valid YAML or JSON: ${reason}`], label);
  }
  if (!isPlainObject(document))
    throw new KongConfigError(["expected a map at the top level"], label);

  const problems: string[] = [];
  const warnings: string[] = [];
  const version = document._format_version;
  if (version === undefined) problems.push("_format_version: required field missing");
  else if (typeof version !== "string" || !FORMAT_VERSIONS.has(version)) {
    problems.push(
      `_format_version: expected one of: 1.1, 2.1, 3.0 (got ${JSON.stringify(version)})`,
    );
  }
  // Kong migrates 1.1/2.1 files to 3.0: regex-looking paths gain their `~` prefix.
  const legacyPaths = version === "1.1" || version === "2.1";
  for (const key of Object.keys(document)) {
    if (IGNORED_ENTITIES.has(key))
      warnings.push(`ignoring '${key}': not emulated by the Kong emulator`);
    else if (!TOP_LEVEL.has(key)) problems.push(`${key}: unknown field`);
  }

  const services: ServiceConfig[] = [];
  const routes: RouteConfig[] = [];
  const pending: PendingPlugin[] = [];
  const serviceNames = new Map<string, string>();
  const routeNames = new Map<string, string>();

  const unknownFields = (where: string, raw: Record<string, unknown>, allowed: Set<string>) => {
    for (const key of Object.keys(raw))
      if (!allowed.has(key) && !EXTRA_ATTRIBUTES.has(key))
        problems.push(`${where}.${key}: unknown field`);
  };

  const collectPlugins = (
    where: string,
    value: unknown,
    routeRef: unknown,
    serviceRef: unknown,
  ) => {
    list(value).forEach((raw, index) => {
      const at = `${where}[${index}]`;
      if (!isPlainObject(raw)) problems.push(`${at}: expected a record`);
      else pending.push({ where: at, raw, routeRef, serviceRef });
    });
  };

  const addRoute = (where: string, raw: unknown, serviceId: string | null) => {
    if (!isPlainObject(raw)) {
      problems.push(`${where}: expected a record`);
      return;
    }
    unknownFields(where, raw, ROUTE_FIELDS);
    const id = idOf(raw);
    const name = typeof raw.name === "string" ? raw.name : null;
    if (name !== null) {
      if (routeNames.has(name)) problems.push(`${where}.name: duplicate route name '${name}'`);
      routeNames.set(name, id);
    }
    const strings = (field: string): string[] => {
      const value = raw[field];
      if (value === undefined || value === null) return [];
      if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
        problems.push(`${where}.${field}: expected an array of strings`);
        return [];
      }
      return value as string[];
    };
    const paths = strings("paths").map((path) => (legacyPaths ? migratePath(path) : path));
    paths.forEach((path, index) => {
      if (path.startsWith("~")) {
        try {
          new RegExp(path.slice(1));
        } catch {
          problems.push(`${where}.paths[${index}]: invalid regex: '${path.slice(1)}'`);
        }
      } else if (!path.startsWith("/")) {
        problems.push(
          `${where}.paths[${index}]: should start with: / (fixed path) or ~/ (regex path)`,
        );
      }
    });
    const methods = strings("methods");
    const hosts = strings("hosts").map((host) => host.toLowerCase());
    if (
      paths.length === 0 &&
      methods.length === 0 &&
      hosts.length === 0 &&
      raw.headers === undefined
    ) {
      problems.push(
        `${where}: must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http'`,
      );
    }
    const boolean = (field: string, fallback: boolean): boolean => {
      const value = raw[field];
      if (value === undefined) return fallback;
      if (typeof value !== "boolean") {
        problems.push(`${where}.${field}: expected a boolean`);
        return fallback;
      }
      return value;
    };
    let resolvedService = serviceId;
    if (raw.service !== undefined && serviceId === null) {
      const ref = isPlainObject(raw.service) ? (raw.service.name ?? raw.service.id) : raw.service;
      const found =
        typeof ref === "string"
          ? (serviceNames.get(ref) ?? services.find((s) => s.id === ref)?.id)
          : undefined;
      if (found === undefined) problems.push(`${where}.service: no service '${String(ref)}'`);
      else resolvedService = found;
    }
    routes.push({
      id,
      name,
      serviceId: resolvedService,
      paths,
      methods: methods.map((method) => method.toUpperCase()),
      hosts,
      stripPath: boolean("strip_path", true),
      preserveHost: boolean("preserve_host", false),
      regexPriority: typeof raw.regex_priority === "number" ? raw.regex_priority : 0,
    });
    collectPlugins(`${where}.plugins`, raw.plugins, { id }, undefined);
  };

  list(document.services).forEach((raw, index) => {
    const where = `services[${index}]`;
    if (!isPlainObject(raw)) {
      problems.push(`${where}: expected a record`);
      return;
    }
    unknownFields(where, raw, SERVICE_FIELDS);
    const id = idOf(raw);
    const name = typeof raw.name === "string" ? raw.name : null;
    if (name !== null) {
      if (serviceNames.has(name)) problems.push(`${where}.name: duplicate service name '${name}'`);
      serviceNames.set(name, id);
    }
    let protocol = typeof raw.protocol === "string" ? raw.protocol : "http";
    let host = typeof raw.host === "string" ? raw.host : "";
    let port = typeof raw.port === "number" ? raw.port : undefined;
    let path = typeof raw.path === "string" ? raw.path : null;
    if (typeof raw.url === "string") {
      try {
        const url = new URL(raw.url);
        protocol = url.protocol.replace(/:$/, "");
        host = url.hostname.replace(/^\[|\]$/g, "");
        port = url.port === "" ? undefined : Number(url.port);
        path = /^[a-z]+:\/\/[^/]+\//i.test(raw.url) ? url.pathname : null;
      } catch {
        problems.push(`${where}.url: missing host in url`);
      }
    } else if (host === "") problems.push(`${where}.host: required field missing`);
    if (protocol !== "http" && protocol !== "https") {
      problems.push(`${where}.protocol: only http and https services are emulated`);
    }
    services.push({
      id,
      name,
      protocol: protocol === "https" ? "https" : "http",
      host,
      port: port ?? (protocol === "https" ? 443 : 80),
      path,
    });
    list(raw.routes).forEach((route, routeIndex) => {
      addRoute(`${where}.routes[${routeIndex}]`, route, id);
    });
    collectPlugins(`${where}.plugins`, raw.plugins, undefined, { id });
  });

  list(document.routes).forEach((raw, index) => {
    addRoute(`routes[${index}]`, raw, null);
  });
  collectPlugins("plugins", document.plugins, undefined, undefined);

  // Consumers and credentials go through a scratch model, so that they get the same
  // validation, defaults and unique checks as Admin API writes.
  const scratch = createKongModel();
  const consumers: KongConsumer[] = [];
  const jwtSecrets: KongJwtCredential[] = [];
  /** The credential's consumer: the one it is nested under, or its `consumer` reference. */
  const ownerOf = (
    where: string,
    raw: Record<string, unknown>,
    consumerId: string | undefined,
  ): string | undefined => {
    if (consumerId !== undefined) return consumerId;
    const ref = isPlainObject(raw.consumer)
      ? (raw.consumer.id ?? raw.consumer.username)
      : raw.consumer;
    const found = typeof ref === "string" ? scratch.findConsumer(ref) : null;
    if (found === null) problems.push(`${where}.consumer: no consumer '${String(ref)}'`);
    return found?.id;
  };
  const insertCredential = (where: string, raw: unknown, consumerId: string | undefined) => {
    if (!isPlainObject(raw)) {
      problems.push(`${where}: expected a record`);
      return;
    }
    const owner = ownerOf(where, raw, consumerId);
    if (owner === undefined) return;
    const input = withoutExtras(raw);
    const result = scratch.jwtSecrets.insert({ ...input, consumer: { id: owner } });
    if (result.ok) jwtSecrets.push(result.value as unknown as KongJwtCredential);
    else problems.push(`${where}: ${result.error.message}`);
  };
  const keyAuthCredentials: KongKeyAuthCredential[] = [];
  const insertKeyAuth = (where: string, raw: unknown, consumerId: string | undefined) => {
    if (!isPlainObject(raw)) {
      problems.push(`${where}: expected a record`);
      return;
    }
    unknownFields(where, raw, KEYAUTH_FIELDS);
    const owner = ownerOf(where, raw, consumerId);
    if (owner === undefined) return;
    const key = raw.key === undefined ? randomKongString() : raw.key;
    if (typeof key !== "string" || key === "") {
      problems.push(
        `${where}.key: ${typeof key === "string" ? "length must be at least 1" : "expected a string"}`,
      );
      return;
    }
    if (keyAuthCredentials.some((credential) => credential.key === key)) {
      problems.push(
        `${where}: uniqueness violation: 'keyauth_credentials' entity with key set to '${key}' already declared`,
      );
      return;
    }
    keyAuthCredentials.push({
      id: idOf(raw),
      created_at: Math.floor(Date.now() / 1000),
      consumer: { id: owner },
      key,
      tags: Array.isArray(raw.tags) ? (raw.tags as string[]) : null,
    });
  };
  list(document.consumers).forEach((raw, index) => {
    const where = `consumers[${index}]`;
    if (!isPlainObject(raw)) {
      problems.push(`${where}: expected a record`);
      return;
    }
    for (const key of Object.keys(raw)) {
      if (IGNORED_ENTITIES.has(key))
        warnings.push(`ignoring '${where}.${key}': not emulated by the Kong emulator`);
      else if (!CONSUMER_FIELDS.has(key) && !EXTRA_ATTRIBUTES.has(key))
        problems.push(`${where}.${key}: unknown field`);
    }
    const input: Row = {};
    for (const field of ["id", "username", "custom_id", "tags", "created_at"]) {
      if (raw[field] !== undefined) input[field] = raw[field];
    }
    const result = scratch.consumers.insert(input);
    if (!result.ok) {
      problems.push(`${where}: ${result.error.message}`);
      return;
    }
    const consumer = result.value as unknown as KongConsumer;
    consumers.push(consumer);
    list(raw.keyauth_credentials).forEach((credential, credentialIndex) => {
      insertKeyAuth(`${where}.keyauth_credentials[${credentialIndex}]`, credential, consumer.id);
    });
    list(raw.jwt_secrets).forEach((credential, credentialIndex) => {
      insertCredential(`${where}.jwt_secrets[${credentialIndex}]`, credential, consumer.id);
    });
    list(raw.plugins).forEach((plugin, pluginIndex) => {
      const name = isPlainObject(plugin) ? String(plugin.name) : "?";
      if (name === "jwt")
        problems.push(
          `${where}.plugins[${pluginIndex}]: consumer: value must be null (the jwt plugin cannot be scoped to a consumer)`,
        );
      else
        warnings.push(
          `ignoring plugin '${name}' at ${where}.plugins[${pluginIndex}]: not emulated by the Kong emulator`,
        );
    });
  });
  list(document.jwt_secrets).forEach((raw, index) => {
    insertCredential(`jwt_secrets[${index}]`, raw, undefined);
  });
  list(document.keyauth_credentials).forEach((raw, index) => {
    insertKeyAuth(`keyauth_credentials[${index}]`, raw, undefined);
  });

  const plugins: JwtPluginInstance[] = [];
  const extraPlugins: ExtraPluginInstance[] = [];
  const scopes = new Set<string>();
  for (const plugin of pending) {
    const { raw, where } = plugin;
    const name = raw.name;
    if (typeof name !== "string") {
      problems.push(`${where}.name: required field missing`);
      continue;
    }
    if (name !== "jwt" && name !== "key-auth" && name !== "ctx-checker") {
      warnings.push(`ignoring plugin '${name}' at ${where}: not emulated by the Kong emulator`);
      continue;
    }
    unknownFields(where, raw, PLUGIN_FIELDS);
    if (name !== "ctx-checker" && raw.consumer !== undefined && raw.consumer !== null) {
      problems.push(
        `${where}.consumer: value must be null (the ${name} plugin cannot be scoped to a consumer)`,
      );
    }
    const resolveRef = (
      value: unknown,
      names: Map<string, string>,
      ids: readonly { id: string }[],
      kind: string,
    ): string | null | undefined => {
      if (value === undefined || value === null) return null;
      const ref = isPlainObject(value) ? (value.id ?? value.name) : value;
      if (typeof ref !== "string") return undefined;
      const found = names.get(ref) ?? ids.find((item) => item.id === ref.toLowerCase())?.id;
      if (found === undefined) problems.push(`${where}.${kind}: no ${kind} '${ref}'`);
      return found;
    };
    const routeId = resolveRef(plugin.routeRef ?? raw.route, routeNames, routes, "route");
    const serviceId = resolveRef(
      plugin.serviceRef ?? raw.service,
      serviceNames,
      services,
      "service",
    );
    const validated =
      name === "jwt"
        ? validateJwtConfig(raw.config)
        : name === "key-auth"
          ? validateKeyAuthConfig(raw.config)
          : validateCtxCheckerConfig(raw.config);
    if (!validated.ok) {
      problems.push(
        `${where} (${name}): ${schemaViolationMessage(validated.errors as FieldErrors)}`,
      );
      continue;
    }
    if (routeId === undefined || serviceId === undefined) continue;
    const scope = `${name}|${routeId ?? "*"}|${serviceId ?? "*"}`;
    if (scopes.has(scope))
      problems.push(`${where}: a ${name} plugin is already configured on this scope`);
    scopes.add(scope);
    if (raw.enabled === false) continue;
    const id = idOf(raw);
    if (name === "jwt") {
      plugins.push({ id, name, routeId, serviceId, config: validated.config as JwtPluginConfig });
    } else if (name === "key-auth") {
      const config = validated.config as KeyAuthPluginConfig;
      extraPlugins.push({ id, name, routeId, serviceId, config });
    } else {
      const config = validated.config as CtxCheckerConfig;
      extraPlugins.push({ id, name, routeId, serviceId, config });
    }
  }

  if (problems.length > 0) throw new KongConfigError(problems, label);
  return {
    services,
    routes,
    plugins,
    consumers,
    jwtSecrets,
    warnings,
    extraPlugins,
    keyAuthCredentials,
  };
}
