/**
 * Kong's Admin API for consumers and JWT credentials as a WHATWG fetch handler, so that the
 * msw handlers and the node:http listener answer from the same code and the same model.
 * The endpoint flows follow `kong/api/endpoints.lua` step by step (which lookup happens
 * first decides which error a client sees).
 */
import { hostname as osHostname } from "node:os";
import { JSON_CONTENT_TYPE, KONG_VERSION, SERVER_HEADER } from "./constants.js";
import { type DaoError, httpStatusOf, invalidOptions, invalidSize } from "./dao-errors.js";
import { invalidateCache, probeCache } from "./entity-cache.js";
import { isValidUuid, newUuid } from "./ids.js";
import { kongJson } from "./kong-json.js";
import type { DaoResult, EntityDao, KongModel, Lookup, Page } from "./model.js";
import {
  CONSUMER_INFER,
  type InferSpec,
  JWT_INFER,
  luaToNumber,
  queryArgs,
  readBodyArgs,
  unescapeUri,
} from "./request-args.js";
import type { Row } from "./schema.js";

/** Options of {@link createAdminApi}. */
export interface AdminApiOptions {
  /**
   * When set, every request must carry this value in the admin token header, otherwise
   * 401 `{"message":"Invalid credentials. Token or User credentials required"}` (what
   * Kong Enterprise RBAC answers). OSS Kong ignores the header; so does the default.
   */
  readonly requireAdminToken?: string;
  /** Header that carries the admin token (Kong's `rbac_auth_header`). Default `Kong-Admin-Token`. */
  readonly adminTokenHeader?: string;
  /**
   * Emulate DB-less mode: entity writes answer 405 with code 12 ("operation unsupported")
   * after validation, as `kong/db/strategies/off` does. Default false (Postgres).
   */
  readonly dbless?: boolean;
  /** `hostname` in `GET /`. Defaults to the machine's hostname. */
  readonly hostname?: string;
  /** `node_id` in `GET /`. Defaults to a random UUID fixed for this handler. */
  readonly nodeId?: string;
  /** Plugin names listed as `enabled_in_cluster` in `GET /`. */
  readonly enabledPlugins?: () => readonly string[];
}

/** A fetch-style Admin API: WHATWG Request in, Response out. */
export type AdminApiHandler = (request: Request) => Promise<Response>;

type Json = Record<string, unknown> | unknown[];

interface Reply {
  readonly status: number;
  readonly body?: Json;
  readonly headers?: Record<string, string>;
}

const NOT_FOUND: Reply = { status: 404, body: { message: "Not found" } };
const METHOD_NOT_ALLOWED: Reply = { status: 405, body: { message: "Method not allowed" } };
const UNEXPECTED: Reply = { status: 500, body: { message: "An unexpected error occurred" } };
const CONFIG_NEEDS_DBLESS: Reply = {
  status: 400,
  body: {
    message: "this endpoint is only available when Kong is configured to not use a database",
  },
};

function ok(body: Json): Reply {
  return { status: 200, body };
}

function daoErrorReply(error: DaoError): Reply {
  const status = httpStatusOf(error);
  if (status === 500) return UNEXPECTED;
  return { status, body: { ...error } };
}

function fromResult(result: DaoResult<Row>, status = 200): Reply {
  return result.ok ? { status, body: result.value } : daoErrorReply(result.error);
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

interface RouteContext {
  readonly url: URL;
  /** Raw (still escaped) path parameters, as lapis captures them. */
  readonly params: readonly string[];
  /** The decoded body arguments (writes only). */
  readonly args: Row;
}

interface Route {
  readonly pattern: readonly string[];
  /** Inference spec of the body (the entity written). */
  readonly bodySpec: InferSpec;
  readonly methods: Partial<Record<Method, (ctx: RouteContext) => Reply>>;
}

/** A path segment as Kong resolves it: UUID-shaped means id only, else the endpoint key. */
function lookupFor(dao: EntityDao, rawSegment: string): Lookup {
  const value = unescapeUri(rawSegment);
  return isValidUuid(value) ? { field: "id", value } : { field: dao.schema.endpointKey, value };
}

function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const TAG_BYTES = "\\x20-\\x2B\\x2D\\x2E\\x30-\\x7E\\u0080-\\u{10FFFF}";
const TAGS_AND = new RegExp(`^([${TAG_BYTES}]+(?:,|$))+$`, "u");
const TAGS_OR = new RegExp(`^([${TAG_BYTES}]+(?:/|$))+$`, "u");

type ListingOptions = { ok: true; filter?: (row: Row) => boolean } | { ok: false; reply: Reply };

/** `extract_options` for a listing: the `tags` filter. */
function tagsOption(args: Row): ListingOptions {
  const tags = args.tags;
  if (tags === undefined) return { ok: true };
  if (tags === null || (Array.isArray(tags) && tags.length === 0)) {
    return { ok: false, reply: daoErrorReply(invalidOptions({ tags: "cannot be null" })) };
  }
  const first: unknown = Array.isArray(tags) ? tags[0] : tags;
  if (typeof first !== "string") return { ok: false, reply: UNEXPECTED };
  const rowTags = (row: Row): string[] => (Array.isArray(row.tags) ? (row.tags as string[]) : []);
  if (TAGS_AND.test(first)) {
    const wanted = first.split(",").filter((tag) => tag !== "");
    return { ok: true, filter: (row) => wanted.every((tag) => rowTags(row).includes(tag)) };
  }
  if (TAGS_OR.test(first)) {
    const wanted = first.split("/").filter((tag) => tag !== "");
    return { ok: true, filter: (row) => wanted.some((tag) => rowTags(row).includes(tag)) };
  }
  // Kong hands such a value to the database without a condition, which fails.
  return { ok: false, reply: UNEXPECTED };
}

type PageRequest = { ok: true; page: Page } | { ok: false; reply: Reply };

/** Listing flow of `page_collection`: tags option, then `size`, then the DAO's checks. */
function pageOf(dao: EntityDao, url: URL, extraFilter?: (row: Row) => boolean): PageRequest {
  const args = queryArgs(url, dao.schema.name === "consumers" ? CONSUMER_INFER : JWT_INFER);
  const options = tagsOption(args);
  if (!options.ok) return options;
  let size: number | undefined;
  if (args.size !== undefined) {
    const parsed = typeof args.size === "string" ? luaToNumber(args.size) : null;
    if (parsed === null)
      return { ok: false, reply: daoErrorReply(invalidSize("size must be a number")) };
    size = parsed;
  }
  const offset = args.offset;
  if (offset !== undefined && typeof offset !== "string") return { ok: false, reply: UNEXPECTED };
  const filter = options.filter;
  const combined =
    filter === undefined && extraFilter === undefined
      ? undefined
      : (row: Row) => (filter?.(row) ?? true) && (extraFilter?.(row) ?? true);
  const result = dao.page(size, offset as string | undefined, combined);
  if (!result.ok) return { ok: false, reply: daoErrorReply(result.error) };
  return { ok: true, page: result.value };
}

function listingBody(page: Page, next: string | null): Json {
  const body: Record<string, unknown> = { data: page.rows, next };
  if (page.offset !== undefined) body.offset = page.offset;
  return body;
}

/** Creates the Admin API handler over `model`. */
export function createAdminApi(model: KongModel, options: AdminApiOptions = {}): AdminApiHandler {
  const consumers = model.consumers;
  const jwts = model.jwtSecrets;
  const write = { dbless: options.dbless === true };
  const nodeId = options.nodeId ?? newUuid();
  const tokenHeader = options.adminTokenHeader ?? "Kong-Admin-Token";

  function topLevelList(dao: EntityDao, collection: string) {
    return ({ url }: RouteContext): Reply => {
      const result = pageOf(dao, url);
      if (!result.ok) return result.reply;
      const { page } = result;
      let next: string | null = null;
      if (page.offset !== undefined) {
        const args = queryArgs(url, {});
        const tags = args.tags;
        const tagText = Array.isArray(tags) ? tags[0] : tags;
        const size = args.size;
        next = `/${collection}?offset=${escapeUri(page.offset)}`;
        if (typeof tagText === "string") next += `&tags=${escapeUri(tagText)}`;
        if (typeof size === "string") next += `&size=${size}`;
      }
      return ok(listingBody(page, next));
    };
  }

  function entityRoutes(dao: EntityDao) {
    return {
      GET: ({ params }: RouteContext): Reply => {
        const row = dao.select(lookupFor(dao, params[0] ?? ""));
        return row === null ? NOT_FOUND : ok(row);
      },
      PUT: ({ params, args }: RouteContext): Reply =>
        fromResult(dao.upsert(lookupFor(dao, params[0] ?? ""), args, write)),
      PATCH: ({ params, args }: RouteContext): Reply =>
        fromResult(dao.update(lookupFor(dao, params[0] ?? ""), args, write)),
      DELETE: ({ params }: RouteContext): Reply => {
        const result = dao.delete(lookupFor(dao, params[0] ?? ""), write);
        return result.ok ? { status: 204 } : daoErrorReply(result.error);
      },
    };
  }

  /** The consumer of a nested route, or the 404 Kong answers first. */
  function parentConsumer(params: readonly string[]): Row | null {
    return consumers.select(lookupFor(consumers, params[0] ?? ""));
  }

  /** The credential of a nested route, provided it belongs to `consumer`. */
  function ownedCredential(consumer: Row, segment: string): Row | null {
    const credential = jwts.select(lookupFor(jwts, segment));
    if (credential === null) return null;
    const owner = credential.consumer as Row | null;
    return owner !== null && owner.id === consumer.id ? credential : null;
  }

  /** The id of the consumer owning the credential of `/jwts/{id|key}/consumer`, or `null`. */
  function credentialOwnerId(params: readonly string[]): string | null {
    const credential = jwts.select(lookupFor(jwts, params[0] ?? ""));
    return credential === null ? null : String((credential.consumer as Row).id);
  }

  const routes: Route[] = [
    {
      pattern: [],
      bodySpec: {},
      methods: {
        GET: () =>
          ok({
            tagline: "Welcome to kong",
            version: KONG_VERSION,
            edition: "community",
            hostname: options.hostname ?? osHostname(),
            node_id: nodeId,
            timers: { running: 0, pending: 0 },
            plugins: {
              available_on_server: { jwt: { version: KONG_VERSION, priority: 1450 } },
              enabled_in_cluster: [...(options.enabledPlugins?.() ?? [])],
            },
            lua_version: "LuaJIT 2.1.0-20231117",
            configuration: {
              database: options.dbless === true ? "off" : "postgres",
              router_flavor: "traditional_compatible",
              plugins: ["bundled"],
              loaded_plugins: { jwt: true },
              admin_listen: ["127.0.0.1:8001"],
              proxy_listen: ["0.0.0.0:8000"],
              role: "traditional",
            },
            pids: { master: process.pid, workers: [process.pid] },
          }),
      },
    },
    {
      pattern: ["status"],
      bodySpec: {},
      methods: {
        GET: () =>
          ok({
            database: { reachable: true },
            memory: { workers_lua_vms: [], lua_shared_dicts: {} },
            server: {
              total_requests: 0,
              connections_active: 1,
              connections_accepted: 1,
              connections_handled: 1,
              connections_reading: 0,
              connections_writing: 1,
              connections_waiting: 0,
            },
          }),
      },
    },
    {
      // `kong/api/routes/cache.lua`: what the proxy has cached (04-invalidations_spec polls it).
      pattern: ["cache", ":"],
      bodySpec: {},
      methods: {
        GET: ({ params }) => {
          const value = probeCache(model, unescapeUri(params[0] ?? ""));
          return value === null ? NOT_FOUND : ok(value);
        },
        DELETE: ({ params }) => {
          invalidateCache(model, unescapeUri(params[0] ?? ""));
          return { status: 204 };
        },
      },
    },
    {
      pattern: ["cache"],
      bodySpec: {},
      methods: {
        DELETE: () => {
          invalidateCache(model);
          return { status: 204 };
        },
      },
    },
    {
      // `kong/api/routes/config.lua`: only DB-less Kong reloads its configuration.
      pattern: ["config"],
      bodySpec: {},
      methods: {
        GET: () => (options.dbless === true ? NOT_FOUND : CONFIG_NEEDS_DBLESS),
        POST: () => (options.dbless === true ? NOT_FOUND : CONFIG_NEEDS_DBLESS),
      },
    },
    {
      pattern: ["consumers"],
      bodySpec: CONSUMER_INFER,
      methods: {
        GET: (ctx) => {
          const args = queryArgs(ctx.url, CONSUMER_INFER);
          const customId = args.custom_id;
          if (customId !== undefined && (typeof customId !== "string" || customId === "")) {
            return { status: 400, body: { message: "custom_id must be an unempty string" } };
          }
          if (typeof customId === "string") {
            const row = consumers.select({ field: "custom_id", value: customId });
            return ok({ data: row === null ? [] : [row], next: null });
          }
          return topLevelList(consumers, "consumers")(ctx);
        },
        POST: ({ args }) => fromResult(consumers.insert(args, write), 201),
      },
    },
    { pattern: ["consumers", ":"], bodySpec: CONSUMER_INFER, methods: entityRoutes(consumers) },
    {
      pattern: ["consumers", ":", "jwt"],
      bodySpec: JWT_INFER,
      methods: {
        GET: ({ params, url }) => {
          const consumer = parentConsumer(params);
          if (consumer === null) return NOT_FOUND;
          const result = pageOf(jwts, url, (row) => (row.consumer as Row).id === consumer.id);
          if (!result.ok) return result.reply;
          const { page } = result;
          const next =
            page.offset === undefined
              ? null
              : `/consumers/${params[0] ?? ""}/jwt?offset=${escapeUri(page.offset)}`;
          return ok(listingBody(page, next));
        },
        POST: ({ params, args }) => {
          const consumer = parentConsumer(params);
          if (consumer === null) return NOT_FOUND;
          return fromResult(jwts.insert({ ...args, consumer: { id: consumer.id } }, write), 201);
        },
      },
    },
    {
      pattern: ["consumers", ":", "jwt", ":"],
      bodySpec: JWT_INFER,
      methods: {
        GET: ({ params }) => {
          const consumer = parentConsumer(params);
          if (consumer === null) return NOT_FOUND;
          const credential = ownedCredential(consumer, params[1] ?? "");
          return credential === null ? NOT_FOUND : ok(credential);
        },
        PUT: ({ params, args }) => {
          const consumer = parentConsumer(params);
          if (consumer === null) return NOT_FOUND;
          // Kong upserts without checking who owned the credential before.
          const lookup = lookupFor(jwts, params[1] ?? "");
          return fromResult(jwts.upsert(lookup, { ...args, consumer: { id: consumer.id } }, write));
        },
        PATCH: ({ params, args }) => {
          const consumer = parentConsumer(params);
          if (consumer === null) return NOT_FOUND;
          const body =
            args.consumer === undefined || args.consumer === false
              ? { ...args, consumer: { id: consumer.id } }
              : args;
          const credential = ownedCredential(consumer, params[1] ?? "");
          if (credential === null) return NOT_FOUND;
          return fromResult(jwts.update(lookupFor(jwts, params[1] ?? ""), body, write));
        },
        DELETE: ({ params }) => {
          const consumer = parentConsumer(params);
          if (consumer === null) return NOT_FOUND;
          const credential = ownedCredential(consumer, params[1] ?? "");
          if (credential === null) return NOT_FOUND;
          const result = jwts.delete({ field: "id", value: String(credential.id) }, write);
          return result.ok ? { status: 204 } : daoErrorReply(result.error);
        },
      },
    },
    {
      pattern: ["jwts"],
      bodySpec: JWT_INFER,
      methods: {
        GET: topLevelList(jwts, "jwts"),
        POST: ({ args }) => fromResult(jwts.insert(args, write), 201),
      },
    },
    { pattern: ["jwts", ":"], bodySpec: JWT_INFER, methods: entityRoutes(jwts) },
    {
      pattern: ["jwts", ":", "consumer"],
      bodySpec: CONSUMER_INFER,
      methods: {
        GET: ({ params }) => {
          const id = credentialOwnerId(params);
          const owner = id === null ? null : consumers.select({ field: "id", value: id });
          return owner === null ? NOT_FOUND : ok(owner);
        },
        PUT: ({ params, args }) => {
          const id = credentialOwnerId(params);
          if (id === null) return NOT_FOUND;
          return fromResult(consumers.upsert({ field: "id", value: id }, args, write));
        },
        PATCH: ({ params, args }) => {
          const id = credentialOwnerId(params);
          if (id === null) return NOT_FOUND;
          return fromResult(consumers.update({ field: "id", value: id }, args, write));
        },
        DELETE: ({ params }) =>
          credentialOwnerId(params) === null ? NOT_FOUND : METHOD_NOT_ALLOWED,
      },
    },
  ];

  function matchRoute(segments: readonly string[]): { route: Route; params: string[] } | null {
    for (const route of routes) {
      if (route.pattern.length !== segments.length) continue;
      const params: string[] = [];
      let matched = true;
      route.pattern.forEach((part, index) => {
        const segment = segments[index] ?? "";
        if (part === ":") {
          if (segment === "") matched = false;
          else params.push(segment);
        } else if (part !== segment) matched = false;
      });
      if (matched) return { route, params };
    }
    return null;
  }

  /** Lapis routing plus Kong's `default_route`: retry without, then with, a trailing slash. */
  function resolve(pathname: string): { route: Route; params: string[] } | null {
    const split = (path: string): string[] => (path === "/" ? [] : path.slice(1).split("/"));
    const direct = matchRoute(split(pathname));
    if (direct !== null) return direct;
    if (pathname.length > 1 && pathname.endsWith("/"))
      return matchRoute(split(pathname.slice(0, -1)));
    return null;
  }

  async function dispatch(request: Request): Promise<Reply> {
    if (options.requireAdminToken !== undefined) {
      if (request.headers.get(tokenHeader) !== options.requireAdminToken) {
        return {
          status: 401,
          body: { message: "Invalid credentials. Token or User credentials required" },
        };
      }
    }
    const url = new URL(request.url);
    const resolved = resolve(url.pathname);
    if (resolved === null) return NOT_FOUND;
    const { route, params } = resolved;
    const method = request.method.toUpperCase();
    const available = Object.keys(route.methods) as Method[];
    if (method === "OPTIONS") {
      const allow = [...available, "HEAD", "OPTIONS"].sort().join(", ");
      const requested = request.headers.get("access-control-request-headers");
      return {
        status: 204,
        headers: {
          Allow: allow,
          "Access-Control-Allow-Methods": allow,
          "Access-Control-Allow-Headers": requested ?? "Content-Type",
        },
      };
    }
    let args: Row = {};
    const contentType = request.headers.get("content-type") ?? "";
    const yamlOnConfig =
      route.pattern[0] === "config" &&
      (contentType.startsWith("application/yaml") || contentType.startsWith("text/yaml"));
    if ((method === "POST" || method === "PUT" || method === "PATCH") && !yamlOnConfig) {
      const body = await readBodyArgs(request, route.bodySpec);
      if (body.kind === "unsupported-media-type") return { status: 415 };
      if (body.kind === "bad-json")
        return { status: 400, body: { message: "Cannot parse JSON body" } };
      if (body.kind === "unexpected") return UNEXPECTED;
      args = body.args;
    }
    const handler = route.methods[(method === "HEAD" ? "GET" : method) as Method];
    if (handler === undefined) return METHOD_NOT_ALLOWED;
    try {
      return handler({ url, params, args });
    } catch {
      return UNEXPECTED;
    }
  }

  return async (request) => {
    const started = Date.now();
    const reply = await dispatch(request);
    const headers = new Headers(reply.headers);
    const text = reply.body === undefined ? "" : kongJson(reply.body);
    if (reply.body !== undefined) headers.set("Content-Type", JSON_CONTENT_TYPE);
    if (reply.status !== 204) headers.set("Content-Length", String(Buffer.byteLength(text)));
    headers.set("Access-Control-Allow-Origin", request.headers.get("origin") ?? "*");
    headers.set("Access-Control-Allow-Credentials", "true");
    headers.set("X-Kong-Admin-Latency", String(Date.now() - started));
    headers.set("Server", SERVER_HEADER);
    const noBody = reply.status === 204 || request.method.toUpperCase() === "HEAD" || text === "";
    return new Response(noBody ? null : text, { status: reply.status, headers });
  };
}
