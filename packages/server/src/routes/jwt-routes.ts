import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { AuthError } from "@kong-jwt-auth/core";
import type { FastifyReply } from "fastify";
import { presentedCredentials } from "../bearer-credentials.js";
import { bearerChallenge, sendAuthError } from "../http-errors.js";
import { infoSchema, signOutAllSchema } from "../schemas/jwt-schemas.js";
import type { RouteOptions } from "./route-options.js";

/** Sends a failure of a bearer-protected route, with the RFC 6750 challenge on a 401. */
function sendAccessError(reply: FastifyReply, error: AuthError, presented: boolean): FastifyReply {
  if (error.code === "invalid_token") {
    reply.header("www-authenticate", bearerChallenge(presented ? error : null));
  }
  return sendAuthError(reply, error);
}

/**
 * The routes under `/api/jwt`, which Kong's jwt plugin guards (SPEC §3.4, §3.5). The service
 * trusts no header on its own: it verifies the bearer token itself and checks Kong's
 * `X-Consumer-*` headers against it.
 */
export const jwtRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { auth }) => {
  app.get("/info", { schema: infoSchema }, async (request, reply) => {
    const { input, presented } = presentedCredentials(request);
    const result = await auth.verifyAccess(input);
    if (!result.ok) return sendAccessError(reply, result.error, presented);
    const info = result.value;
    return reply.code(200).send({
      username: info.username,
      user_id: info.userId,
      consumer_id: info.consumerId,
      credential_key: info.credentialKey,
      issued_at: info.issuedAt,
      expires_at: info.expiresAt,
    });
  });

  app.post("/signout-all", { schema: signOutAllSchema }, async (request, reply) => {
    const { input, presented } = presentedCredentials(request);
    const result = await auth.signOutAll(input);
    if (!result.ok) return sendAccessError(reply, result.error, presented);
    return reply.code(204).send(null);
  });
};
