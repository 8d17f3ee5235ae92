/**
 * msw front-end of the Kong Admin API emulator. Import it from
 * `@kong-jwt-auth/testkit/kong-emulator/msw`, so that the HTTP emulator does not pull msw in.
 */
import { type HttpHandler, http } from "msw";
import { type AdminApiOptions, createAdminApi } from "./admin-api.js";
import type { KongModel } from "./model.js";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * msw handlers that answer every method and path under `baseUrl` (e.g.
 * `http://kong-admin:8001`) from the Admin API emulator over `model`. Use them with
 * `setupServer(...kongAdminHandlers(model, url))` and `onUnhandledRequest: "error"`.
 */
export function kongAdminHandlers(
  model: KongModel,
  baseUrl: string,
  options: AdminApiOptions = {},
): HttpHandler[] {
  const api = createAdminApi(model, options);
  const base = new URL(baseUrl);
  const prefix = `${base.origin}${base.pathname.replace(/\/+$/, "")}`;
  const pattern = new RegExp(`^${escapeRegExp(prefix)}(?:/.*)?$`);
  return [
    http.all(pattern, async ({ request }) => {
      if (prefix === base.origin) return api(request);
      // A base URL with a path prefix (Kong behind a reverse proxy): strip it.
      const url = new URL(request.url);
      url.pathname = url.pathname.slice(prefix.length - base.origin.length) || "/";
      const hasBody = request.method !== "GET" && request.method !== "HEAD";
      const body = hasBody ? await request.arrayBuffer() : undefined;
      return api(new Request(url, { method: request.method, headers: request.headers, body }));
    }),
  ];
}
