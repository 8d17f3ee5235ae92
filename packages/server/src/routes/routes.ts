import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { healthRoutes } from "./health-routes.js";
import { jwtRoutes } from "./jwt-routes.js";
import { publicRoutes } from "./public-routes.js";
import type { RouteOptions } from "./route-options.js";

/** Every route of SPEC §3, each group under the prefix that `kong.yaml` routes to it. */
export const routes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, options) => {
  await app.register(publicRoutes, { ...options, prefix: "/api/public" });
  await app.register(jwtRoutes, { ...options, prefix: "/api/jwt" });
  await app.register(healthRoutes, options);
};
