import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { errorBody, RETRY_AFTER_SECONDS } from "../http-errors.js";
import { healthSchema, readinessSchema } from "../schemas/health-schemas.js";
import type { RouteOptions } from "./route-options.js";

/** `GET /healthz` (the process answers) and `GET /readyz` (its dependencies answer). */
export const healthRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { auth }) => {
  app.get("/healthz", { schema: healthSchema }, async (_request, reply) =>
    reply.code(200).send({ status: "ok" }),
  );

  app.get("/readyz", { schema: readinessSchema }, async (_request, reply) => {
    const { ready, store, identity } = await auth.checkReadiness();
    const checks = { store, identity };
    if (ready) return reply.code(200).send({ status: "ok", checks });
    const failing = Object.entries(checks)
      .filter(([, up]) => !up)
      .map(([name]) => name);
    return reply
      .code(503)
      .header("retry-after", String(RETRY_AFTER_SECONDS))
      .send({
        ...errorBody(503, "not_ready", `not ready: ${failing.join(", ")} unavailable`),
        // Restated as literals for the reply's type, which the schema narrows to these values.
        code: "not_ready",
        statusCode: 503,
        checks,
      });
  });
};
