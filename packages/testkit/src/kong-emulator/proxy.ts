/**
 * The proxy listener: route matching, the jwt plugin, and forwarding to the upstream with
 * the headers Kong adds (`kong/runloop/handler.lua`), plus Kong's own error responses
 * (`kong/pdk/response.lua` `error`, `kong/error_handlers.lua`).
 */
import { randomBytes } from "node:crypto";
import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import { HEADERS, JSON_CONTENT_TYPE, SERVER_HEADER } from "./constants.js";
import type {
  DeclarativeConfig,
  ExtraPluginInstance,
  JwtPluginInstance,
  RouteConfig,
  ServiceConfig,
} from "./declarative-config.js";
import { type PluginRequest, runJwtPlugin, type WwwAuthenticateFormat } from "./jwt-plugin.js";
import { runKeyAuthPlugin } from "./key-auth.js";
import { kongJson } from "./kong-json.js";
import type { KongModel } from "./model.js";
import { parsePairs, unescapeUri } from "./request-args.js";
import { createRouter, upstreamPath } from "./router.js";

/** Options of {@link createProxyHandler}. */
export interface ProxyOptions {
  readonly model: KongModel;
  readonly config: DeclarativeConfig;
  /** Replaces every service's URL (protocol, host, port and path). */
  readonly upstream?: string;
  readonly wwwAuthenticate?: WwwAuthenticateFormat;
}

type KeyAuthPluginInstance = Extract<ExtraPluginInstance, { readonly name: "key-auth" }>;
type CtxCheckerPluginInstance = Extract<ExtraPluginInstance, { readonly name: "ctx-checker" }>;

/** A node:http request listener. */
export type ProxyHandler = (req: IncomingMessage, res: ServerResponse) => void;

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
]);

/** Request headers Kong sets itself upstream, whatever the client sent. */
const OVERRIDDEN = new Set([
  "host",
  "content-length",
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-forwarded-port",
  "x-forwarded-path",
  "x-forwarded-prefix",
  "x-real-ip",
  "via",
  "x-kong-request-id",
]);

const MIME_TYPES: Record<string, string> = {
  "application/json": JSON_CONTENT_TYPE,
  "text/html": "text/html; charset=utf-8",
  "text/plain": "text/plain; charset=utf-8",
  "application/xml": "application/xml; charset=utf-8",
  application: JSON_CONTENT_TYPE,
  text: "text/plain; charset=utf-8",
};

const MEDIA_RANGE =
  /^\s*((?:[a-z0-9][a-z0-9\-!#$&^_+.]+|\*)\/(?:[a-z0-9][a-z0-9\-!#$&^_+.]+|\*))\s*(?:;\s*q=([0-9.]+))?/i;

/** `get_response_type`: the MIME type of an error body, negotiated from `Accept`. */
function responseTypeFor(accept: string | undefined): string {
  let chosen = JSON_CONTENT_TYPE;
  if (accept === undefined) return chosen;
  let best = 0;
  for (const part of accept.split(",")) {
    const match = MEDIA_RANGE.exec(part);
    if (match === null) continue;
    const mediaType = (match[1] ?? "").toLowerCase();
    const quality = match[2] === undefined ? 1 : Number(match[2]);
    if (!(quality > best)) continue;
    best = quality;
    const [type, subtype] = mediaType.split("/");
    if (subtype === "*")
      chosen = type === "*" ? JSON_CONTENT_TYPE : (MIME_TYPES[type ?? ""] ?? chosen);
    else chosen = MIME_TYPES[mediaType] ?? JSON_CONTENT_TYPE;
  }
  return chosen;
}

/** Kong's built-in error templates (`kong/tools/http.lua`). */
export function errorBody(mimeType: string, message: string, requestId: string): string {
  if (mimeType.startsWith("text/html")) {
    return `<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <title>Error</title>\n  </head>\n  <body>\n    <h1>Error</h1>\n    <p>${message}.</p>\n    <p>request_id: ${requestId}</p>\n  </body>\n</html>\n`;
  }
  if (mimeType.startsWith("application/xml")) {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>${message}</message>\n  <requestid>${requestId}</requestid>\n</error>\n`;
  }
  if (mimeType.startsWith("text/plain")) return `${message}\nrequest_id: ${requestId}\n`;
  return `{\n  "message":"${message}",\n  "request_id":"${requestId}"\n}`;
}

/** Every value of a header, by name case-insensitively and with `_` for `-`, as ngx reads it. */
function headerValues(req: IncomingMessage, name: string): readonly string[] {
  return req.headersDistinct[name.toLowerCase().replace(/_/g, "-")] ?? [];
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  return headerValues(req, name)[0];
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const line of req.headersDistinct.cookie ?? []) {
    for (const part of line.split(";")) {
      const eq = part.indexOf("=");
      if (eq === -1) continue;
      if (part.slice(0, eq).trim().toLowerCase() === wanted) return part.slice(eq + 1).trim();
    }
  }
  return undefined;
}

function queryOf(rawQuery: string): Map<string, (string | true)[]> {
  const query = new Map<string, (string | true)[]>();
  for (const [name, value] of parsePairs(rawQuery)) {
    const values = query.get(name);
    if (values === undefined) query.set(name, [value]);
    else values.push(value);
  }
  return query;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function serviceFor(service: ServiceConfig, upstream: URL | undefined): ServiceConfig {
  if (upstream === undefined) return service;
  const protocol = upstream.protocol === "https:" ? "https" : "http";
  return {
    ...service,
    protocol,
    host: upstream.hostname.replace(/^\[|\]$/g, ""),
    port: upstream.port === "" ? (protocol === "https" ? 443 : 80) : Number(upstream.port),
    path: upstream.pathname === "/" && !upstream.href.endsWith("/") ? null : upstream.pathname,
  };
}

/** The instance of a plugin that applies: route-scoped beats service-scoped beats global. */
function pluginFor<
  T extends { readonly routeId: string | null; readonly serviceId: string | null },
>(
  plugins: readonly T[],
  scope: { readonly routeId: string; readonly serviceId: string | null },
): T | undefined {
  const { routeId, serviceId } = scope;
  return (
    plugins.find((p) => p.routeId === routeId && p.serviceId === null) ??
    plugins.find((p) => p.routeId === routeId && p.serviceId === serviceId) ??
    plugins.find((p) => p.routeId === null && serviceId !== null && p.serviceId === serviceId) ??
    plugins.find((p) => p.routeId === null && p.serviceId === null)
  );
}

/** The raw query string without the arguments named `names` (key-auth `hide_credentials`). */
function withoutQueryArgs(rawQuery: string, names: readonly string[]): string {
  return rawQuery
    .split("&")
    .filter((part) => {
      const eq = part.indexOf("=");
      const name = unescapeUri(eq === -1 ? part : part.slice(0, eq));
      return part !== "" && !names.includes(name);
    })
    .join("&");
}

/**
 * Header pairs as an object for `http.request`, keeping each name's case, the order of first
 * appearance, and repeated names as repeated lines.
 */
function headerObject(
  pairs: ReadonlyArray<readonly [string, string]>,
): Record<string, string | string[]> {
  const object: Record<string, string | string[]> = {};
  const names = new Map<string, string>();
  for (const [name, value] of pairs) {
    const lower = name.toLowerCase();
    const first = names.get(lower) ?? name;
    names.set(lower, first);
    const seen = object[first];
    // A single value stays a string: Node insists on that for Host.
    object[first] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return object;
}

/** The plugins that run on one route, in priority order: jwt (1450), key-auth (1250), ctx-checker (1000). */
interface RoutePlugins {
  readonly jwt: JwtPluginInstance | undefined;
  readonly keyAuth: KeyAuthPluginInstance | undefined;
  readonly ctxChecker: CtxCheckerPluginInstance | undefined;
}

/** Resolves each route's plugins once, at config load, rather than on every request. */
function pluginsByRoute(config: DeclarativeConfig): Map<RouteConfig, RoutePlugins> {
  const extras = config.extraPlugins ?? [];
  const keyAuths = extras.filter((p): p is KeyAuthPluginInstance => p.name === "key-auth");
  const ctxCheckers = extras.filter((p): p is CtxCheckerPluginInstance => p.name === "ctx-checker");
  return new Map(
    config.routes.map((route) => {
      const scope = { routeId: route.id, serviceId: route.serviceId };
      const plugins: RoutePlugins = {
        jwt: pluginFor(config.plugins, scope),
        keyAuth: pluginFor(keyAuths, scope),
        ctxChecker: pluginFor(ctxCheckers, scope),
      };
      return [route, plugins];
    }),
  );
}

const NO_PLUGINS: RoutePlugins = { jwt: undefined, keyAuth: undefined, ctxChecker: undefined };

/** Creates the proxy's request listener. */
export function createProxyHandler(options: ProxyOptions): ProxyHandler {
  const router = createRouter(options.config);
  const routePlugins = pluginsByRoute(options.config);
  const upstreamOverride = options.upstream === undefined ? undefined : new URL(options.upstream);

  return (req, res) => {
    const started = Date.now();
    const requestId = randomBytes(16).toString("hex");

    // Response headers added by plugins' header_filter (ctx-checker), once the route is known.
    let responseExtras = (): Record<string, string> => ({});
    const sendKong = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.statusCode = status;
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      for (const [name, value] of Object.entries(responseExtras())) res.setHeader(name, value);
      res.setHeader("Content-Length", Buffer.byteLength(body));
      res.setHeader(HEADERS.responseLatency, String(Date.now() - started));
      res.setHeader("Server", SERVER_HEADER);
      res.setHeader(HEADERS.requestId, requestId);
      res.end(req.method === "HEAD" ? undefined : body);
    };
    /** `kong.response.error`: Kong's template, in the MIME type negotiated from the request. */
    const sendError = (
      status: number,
      message: string,
      negotiateFromContentType: boolean,
      headers: Record<string, string> = {},
    ) => {
      const accept =
        firstHeader(req, "accept") ??
        (negotiateFromContentType ? firstHeader(req, "content-type") : undefined);
      const mime = responseTypeFor(accept);
      sendKong(status, errorBody(mime, message, requestId), { "Content-Type": mime, ...headers });
    };

    const rawUrl = req.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const rawQuery = queryAt === -1 ? "" : rawUrl.slice(queryAt + 1);
    const hostHeader = req.headers.host ?? "";
    const method = req.method ?? "GET";
    const match = router.match({ method, host: hostHeader, path });
    if (match === null) {
      sendError(404, "no Route matched with those values", false);
      return;
    }

    const upstreamHeaders: Record<string, string | null> = {};
    const query = queryOf(rawQuery);
    let forwardedQuery = rawQuery;
    const { jwt, keyAuth, ctxChecker } = routePlugins.get(match.route) ?? NO_PLUGINS;
    let credentialSet = false;
    let authenticatedJwtToken: string | undefined;
    const ctxCheckerHeaders = (): Record<string, string> => {
      const field = ctxChecker?.config.ctx_check_field ?? null;
      if (ctxChecker === undefined || field === null) return {};
      const kind = ctxChecker.config.ctx_kind;
      // Only kong.ctx.shared.authenticated_jwt_token exists in the emulator's contexts.
      const value =
        kind === "kong.ctx.shared" && field === "authenticated_jwt_token"
          ? authenticatedJwtToken
          : undefined;
      const expected = ctxChecker.config.ctx_check_value;
      if (expected !== null && value !== expected) return {};
      // ngx.header turns `_` into `-`; tostring(nil) is "nil".
      return { [`ctx-checker-${field.replace(/_/g, "-")}`]: value ?? "nil" };
    };
    responseExtras = ctxCheckerHeaders;

    if (jwt !== undefined) {
      const pluginRequest: PluginRequest = {
        method,
        query,
        header: (name) => firstHeader(req, name),
        cookie: (name) => cookieOf(req, name),
      };
      const outcome = runJwtPlugin(
        options.model,
        jwt.config,
        pluginRequest,
        options.wwwAuthenticate,
      );
      if (outcome.kind === "rejected") {
        const headers: Record<string, string> = { "Content-Type": JSON_CONTENT_TYPE };
        if (outcome.wwwAuthenticate !== undefined)
          headers["WWW-Authenticate"] = outcome.wwwAuthenticate;
        sendKong(outcome.status, kongJson(outcome.body), headers);
        return;
      }
      if (outcome.kind === "error") {
        sendError(500, "An unexpected error occurred", true);
        return;
      }
      if (outcome.kind === "authenticated") {
        Object.assign(upstreamHeaders, outcome.upstreamHeaders);
        credentialSet = outcome.token !== undefined;
        authenticatedJwtToken = outcome.token;
      }
    }
    if (keyAuth !== undefined) {
      const outcome = runKeyAuthPlugin(
        options.model,
        options.config.keyAuthCredentials ?? [],
        keyAuth.config,
        {
          method,
          headerValues: (name) => headerValues(req, name),
          queryValues: (name) => query.get(name) ?? [],
        },
        credentialSet,
      );
      if (outcome.kind === "rejected") {
        // key-auth answers through kong.response.error, negotiated from Accept only.
        sendError(outcome.status, outcome.message, false, {
          "WWW-Authenticate": outcome.wwwAuthenticate,
        });
        return;
      }
      if (outcome.kind === "error") {
        sendError(500, "An unexpected error occurred", true);
        return;
      }
      if (outcome.kind === "authenticated") {
        Object.assign(upstreamHeaders, outcome.upstreamHeaders);
        if (outcome.credentialSet) credentialSet = true;
        if (outcome.clearedQueryArgs.length > 0) {
          forwardedQuery = withoutQueryArgs(rawQuery, outcome.clearedQueryArgs);
        }
      }
    }

    // Kong answers 503 for a route without a service (`Kong.access`); with --upstream every
    // route goes there, so that test-style files with service-less routes can be proxied.
    const routeService: ServiceConfig | null =
      match.service ??
      (upstreamOverride === undefined
        ? null
        : { id: "", name: null, protocol: "http", host: "", port: 80, path: null });
    if (routeService === null) {
      sendError(503, "no Service found with those values", false);
      return;
    }
    const service = serviceFor(routeService, upstreamOverride);
    let upstreamUri = upstreamPath(match, path, service.path);
    if (queryAt !== -1 && (forwardedQuery !== "" || rawQuery === "")) {
      upstreamUri += `?${forwardedQuery}`;
    }

    readBody(req).then(
      (body) => {
        const remote = req.socket.remoteAddress ?? "127.0.0.1";
        const host = hostHeader.replace(/:\d+$/, "").toLowerCase();
        const cleared = new Set(Object.keys(upstreamHeaders).map((name) => name.toLowerCase()));
        const headers: [string, string][] = [];
        const raw = req.rawHeaders;
        for (let i = 0; i + 1 < raw.length; i += 2) {
          const name = raw[i] ?? "";
          const lower = name.toLowerCase();
          if (HOP_BY_HOP.has(lower) || OVERRIDDEN.has(lower) || cleared.has(lower)) continue;
          headers.push([name, raw[i + 1] ?? ""]);
        }
        const defaultPort = service.protocol === "https" ? 443 : 80;
        const upstreamHost = match.route.preserveHost
          ? hostHeader
          : service.port === defaultPort
            ? service.host
            : `${service.host}:${service.port}`;
        headers.push(["Host", upstreamHost]);
        const forwardedFor = req.headers["x-forwarded-for"];
        headers.push([
          "X-Forwarded-For",
          forwardedFor === undefined ? remote : `${forwardedFor}, ${remote}`,
        ]);
        headers.push(["X-Forwarded-Proto", "http"]);
        headers.push(["X-Forwarded-Host", host]);
        headers.push(["X-Forwarded-Port", String(req.socket.localPort ?? "")]);
        headers.push(["X-Forwarded-Path", path]);
        if (match.prefix !== null && match.prefix !== "/") {
          headers.push(["X-Forwarded-Prefix", match.prefix]);
        }
        headers.push(["X-Real-IP", remote]);
        const via = req.headers.via;
        headers.push([
          "Via",
          via === undefined ? `1.1 ${SERVER_HEADER}` : `${via}, 1.1 ${SERVER_HEADER}`,
        ]);
        headers.push([HEADERS.requestId, requestId]);
        for (const [name, value] of Object.entries(upstreamHeaders)) {
          if (value !== null) headers.push([name, value]);
        }
        const hasBody = body.length > 0 || req.headers["content-length"] !== undefined;
        if (hasBody) headers.push(["Content-Length", String(body.length)]);

        const sentAt = Date.now();
        const send = service.protocol === "https" ? httpsRequest : httpRequest;
        // nginx sends a request without a body with neither Content-Length nor Transfer-Encoding.
        // Node would announce a chunked body for a bodiless POST (which a server may refuse
        // without a Content-Type: Fastify answers 415), unless told not to before the head is
        // written — and it writes the head at once when the headers come as a flat array.
        const upstream = send({
          host: service.host,
          port: service.port,
          method,
          path: upstreamUri,
          headers: hasBody ? headers.flat() : headerObject(headers),
          setHost: false,
        });
        if (!hasBody) upstream.useChunkedEncodingByDefault = false;
        upstream.on("response", (upstreamRes) => {
          const waited = Date.now() - sentAt;
          res.statusCode = upstreamRes.statusCode ?? 502;
          const rawOut = upstreamRes.rawHeaders;
          let upstreamVia: string | undefined;
          let hasServer = false;
          for (let i = 0; i + 1 < rawOut.length; i += 2) {
            const name = rawOut[i] ?? "";
            const lower = name.toLowerCase();
            if (HOP_BY_HOP.has(lower)) continue;
            if (lower === "via") {
              upstreamVia = rawOut[i + 1];
              continue;
            }
            if (lower === "server") hasServer = true;
            res.appendHeader(name, rawOut[i + 1] ?? "");
          }
          res.setHeader(HEADERS.upstreamLatency, String(waited));
          res.setHeader(HEADERS.proxyLatency, String(sentAt - started));
          res.setHeader(
            "Via",
            upstreamVia === undefined
              ? `1.1 ${SERVER_HEADER}`
              : `${upstreamVia}, 1.1 ${SERVER_HEADER}`,
          );
          if (!hasServer) res.setHeader("Server", SERVER_HEADER);
          for (const [name, value] of Object.entries(responseExtras())) res.setHeader(name, value);
          res.setHeader(HEADERS.requestId, requestId);
          upstreamRes.pipe(res);
        });
        upstream.on("error", () => {
          if (res.headersSent) res.destroy();
          else sendError(502, "An invalid response was received from the upstream server", true);
        });
        upstream.end(hasBody ? body : undefined);
      },
      () => {
        res.destroy();
      },
    );
  };
}
