/**
 * Route matching in the spirit of Kong's `traditional_compatible` router: a route with
 * several paths becomes one candidate per path, candidates are ordered by Kong's priority
 * (number of criteria, plain hosts, regex before prefix, `regex_priority`, prefix length),
 * and paths match by prefix or by a regex anchored at the start (`~` paths).
 */
import type { DeclarativeConfig, RouteConfig, ServiceConfig } from "./declarative-config.js";

/** The request attributes routes match on. */
export interface RouteRequest {
  readonly method: string;
  /** The Host header as sent (any port included). */
  readonly host: string;
  /** Path without the query string, as sent. */
  readonly path: string;
}

/** A matched route. */
export interface RouteMatch {
  readonly route: RouteConfig;
  readonly service: ServiceConfig | null;
  /** The part of the path the route's path matched (`X-Forwarded-Prefix`), if any. */
  readonly prefix: string | null;
  /** The rest of the path after `prefix`. */
  readonly postfix: string;
}

interface Candidate {
  readonly route: RouteConfig;
  readonly path: string | null;
  readonly regex: RegExp | null;
  readonly priority: readonly number[];
  readonly order: number;
}

function priorityOf(route: RouteConfig, path: string | null): number[] {
  let weight = 0;
  if (route.methods.length > 0) weight += 1;
  if (route.hosts.length > 0) weight += 1;
  if (path !== null) weight += 1;
  const plainHostOnly = route.hosts.length > 0 && route.hosts.every((host) => !host.includes("*"));
  const isRegex = path?.startsWith("~") ?? false;
  return [
    weight,
    plainHostOnly ? 1 : 0,
    isRegex ? 1 : 0,
    isRegex ? route.regexPriority : 0,
    path !== null && !isRegex ? path.length : 0,
  ];
}

function comparePriority(a: Candidate, b: Candidate): number {
  for (let i = 0; i < a.priority.length; i += 1) {
    const diff = (b.priority[i] ?? 0) - (a.priority[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.order - b.order;
}

function hostMatches(patterns: readonly string[], hostHeader: string): boolean {
  const withPort = hostHeader.toLowerCase();
  const bare = withPort.replace(/:\d+$/, "");
  return patterns.some((pattern) => {
    const target = pattern.includes(":") ? withPort : bare;
    if (pattern.startsWith("*.")) return target.endsWith(pattern.slice(1));
    if (pattern.endsWith(".*")) return target.startsWith(pattern.slice(0, -1));
    return target === pattern;
  });
}

/** A compiled router over a declarative config. */
export interface Router {
  match(request: RouteRequest): RouteMatch | null;
}

/** Compiles the routes of `config`. */
export function createRouter(config: DeclarativeConfig): Router {
  const candidates: Candidate[] = [];
  config.routes.forEach((route, order) => {
    const paths = route.paths.length > 0 ? route.paths : [null];
    for (const path of paths) {
      const regex = path?.startsWith("~") ? new RegExp(`^(?:${path.slice(1)})`) : null;
      candidates.push({ route, path, regex, priority: priorityOf(route, path), order });
    }
  });
  candidates.sort(comparePriority);
  const services = new Map(config.services.map((service) => [service.id, service]));

  return {
    match(request) {
      const method = request.method.toUpperCase();
      for (const candidate of candidates) {
        const { route } = candidate;
        if (route.methods.length > 0 && !route.methods.includes(method)) continue;
        if (route.hosts.length > 0 && !hostMatches(route.hosts, request.host)) continue;
        let prefix: string | null = null;
        let postfix = request.path;
        if (candidate.regex !== null) {
          const found = candidate.regex.exec(request.path);
          if (found === null) continue;
          prefix = found[0];
          postfix = request.path.slice(found[0].length);
        } else if (candidate.path !== null) {
          if (!request.path.startsWith(candidate.path)) continue;
          prefix = candidate.path;
          postfix = request.path.slice(candidate.path.length);
        }
        const service = route.serviceId === null ? null : (services.get(route.serviceId) ?? null);
        return { route, service, prefix, postfix };
      }
      return null;
    },
  };
}

/**
 * Kong's `get_upstream_uri_v0`: joins the service path and the request path, stripping
 * the matched prefix when `strip_path` is on.
 */
export function upstreamPath(
  match: RouteMatch,
  requestPath: string,
  servicePath: string | null,
): string {
  const base = servicePath ?? "/";
  const postfix = match.prefix === null ? requestPath : match.postfix;
  const strip = match.route.stripPath && match.prefix !== null;
  if (base.endsWith("/")) {
    if (strip) {
      if (postfix === "") {
        if (base === "/") return "/";
        return requestPath.endsWith("/") ? base : base.slice(0, -1);
      }
      return postfix.startsWith("/") ? base.slice(0, -1) + postfix : base + postfix;
    }
    return base + requestPath.slice(1);
  }
  if (strip) {
    if (postfix === "")
      return requestPath.length > 1 && requestPath.endsWith("/") ? `${base}/` : base;
    return postfix.startsWith("/") ? base + postfix : `${base}/${postfix}`;
  }
  return requestPath === "/" ? base : base + requestPath;
}
