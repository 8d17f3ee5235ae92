import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { TokenPair } from "@kong-jwt-auth/core";
import type { Static } from "typebox";
import { sendAuthError } from "../http-errors.js";
import {
  refreshSchema,
  signInSchema,
  signOutSchema,
  signUpSchema,
  type TokenResponse,
} from "../schemas/public-schemas.js";
import type { RouteOptions } from "./route-options.js";

/** The wire form of a {@link TokenPair} (SPEC §3.2). */
function tokenResponse(pair: TokenPair): Static<typeof TokenResponse> {
  return {
    access_token: pair.accessToken,
    token_type: pair.tokenType,
    expires_in: pair.expiresIn,
    refresh_token: pair.refreshToken,
    refresh_expires_in: pair.refreshExpiresIn,
  };
}

// RFC 6749 §5.1: a response that carries tokens must not be stored by any cache.
const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" } as const;

/** The unauthenticated routes under `/api/public` (SPEC §3.1–3.3, §3.5). */
export const publicRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { auth }) => {
  app.post("/signup", { schema: signUpSchema }, async (request, reply) => {
    const result = await auth.signUp(request.body);
    if (!result.ok) return sendAuthError(reply, result.error);
    return reply.code(201).send(result.value);
  });

  app.post("/signin", { schema: signInSchema }, async (request, reply) => {
    reply.headers(NO_STORE);
    const result = await auth.signIn(request.body);
    if (!result.ok) return sendAuthError(reply, result.error);
    return reply.code(200).send(tokenResponse(result.value));
  });

  app.post("/refresh", { schema: refreshSchema }, async (request, reply) => {
    reply.headers(NO_STORE);
    const result = await auth.refresh({ refreshToken: request.body.refresh_token });
    if (!result.ok) return sendAuthError(reply, result.error);
    return reply.code(200).send(tokenResponse(result.value));
  });

  app.post("/signout", { schema: signOutSchema }, async (request, reply) => {
    await auth.signOut({ refreshToken: request.body.refresh_token });
    return reply.code(204).send(null);
  });
};
