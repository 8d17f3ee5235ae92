/**
 * Where HTTP meets the domain's errors: the one table from {@link AuthErrorCode} to status, the
 * one way an error body is built (SPEC §3), and the one error handler of the app.
 *
 * @module
 */

import { STATUS_CODES } from "node:http";
import type { AuthError, AuthErrorCode } from "@kong-jwt-auth/core";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";

/** The status of every expected failure. A new code in core does not compile until it is mapped here. */
export const statusByCode = {
  invalid_request: 400,
  weak_password: 400,
  username_taken: 409,
  invalid_credentials: 401,
  invalid_grant: 401,
  invalid_token: 401,
  identity_unavailable: 503,
} as const satisfies Record<AuthErrorCode, number>;

/** Codes only the HTTP shell produces: no route, a bug, or a dependency that is down. */
export type HttpOnlyCode = "not_found" | "internal_error" | "not_ready";

/** Every `code` an error body can carry. */
export type ErrorCode = AuthErrorCode | HttpOnlyCode;

/** The error body of SPEC §3. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly code: ErrorCode;
  readonly message: string;
}

/** How long a client should wait before retrying a 503, in seconds. */
export const RETRY_AFTER_SECONDS = 5;

/** The message of every 500: what went wrong is for the log, never for the client. */
export const INTERNAL_ERROR_MESSAGE = "Internal Server Error";

/** Builds an error body; `error` is the status's reason phrase. */
export function errorBody(statusCode: number, code: ErrorCode, message: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? "Error", code, message };
}

/** The `WWW-Authenticate` challenge of a 401 from a bearer-protected route (RFC 6750 §3). */
export function bearerChallenge(error: AuthError | null): string {
  if (!error) return "Bearer";
  // A quoted-string may not hold `"` or `\`; core's messages hold neither, but be sure.
  const description = error.message.replace(/["\\]/g, "'");
  return `Bearer error="invalid_token", error_description="${description}"`;
}

/** What a client is told of a 503: the details name Kong's internals and belong in the log. */
export const IDENTITY_UNAVAILABLE_MESSAGE =
  "the identity gateway (Kong's Admin API) is unavailable; retry later";

/**
 * Sends an expected failure with its status from {@link statusByCode}. A 503 tells the client
 * when to retry with a generic message, and is logged at warn level with the detailed one (which
 * names the Kong call and the reason, never a secret), because an operator must fix what the
 * client can only wait out. The error's `cause` is deliberately left out of the body.
 */
export function sendAuthError(reply: FastifyReply, error: AuthError): FastifyReply {
  const status = statusByCode[error.code];
  let message = error.message;
  if (status === 503) {
    reply.log.warn({ code: error.code }, error.message);
    reply.header("retry-after", String(RETRY_AFTER_SECONDS));
    message = IDENTITY_UNAVAILABLE_MESSAGE;
  }
  return reply.code(status).send(errorBody(status, error.code, message));
}

/** Fastify's own errors for a body it could not take, each with a message safe to echo. */
const requestErrorMessages: Readonly<Record<string, string>> = {
  // Node's JSON.parse message quotes the body, which may hold a password: use a fixed one.
  FST_ERR_CTP_INVALID_JSON_BODY: "request body is not valid JSON",
  FST_ERR_CTP_EMPTY_JSON_BODY: "request body is empty",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "request body must be application/json",
  FST_ERR_CTP_BODY_TOO_LARGE: "request body is too large",
};

/**
 * The app's one error handler. Schema errors and bodies Fastify refused answer `invalid_request`
 * with their own status (400, 413, 415); anything else is a bug: logged with its details,
 * answered 500 with a generic body.
 */
export function handleError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error.validation) {
    return reply.code(400).send(errorBody(400, "invalid_request", error.message));
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const message =
      requestErrorMessages[error.code] ?? STATUS_CODES[status] ?? "the request is invalid";
    const code: ErrorCode = status === 404 ? "not_found" : "invalid_request";
    request.log.info({ code: error.code, statusCode: status }, "request refused");
    return reply.code(status).send(errorBody(status, code, message));
  }
  request.log.error({ err: error }, "request failed");
  return reply.code(500).send(errorBody(500, "internal_error", INTERNAL_ERROR_MESSAGE));
}

/** Answers a request no route matched. */
export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply
    .code(404)
    .send(
      errorBody(404, "not_found", `no route for ${request.method} ${request.url.split("?")[0]}`),
    );
}
