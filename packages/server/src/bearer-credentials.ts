import type { ForwardedIdentity, VerifyAccessInput } from "@kong-jwt-auth/core";
import type { FastifyRequest } from "fastify";

/** What a request to a bearer-protected route presented, read from its headers. */
export interface PresentedCredentials {
  readonly input: VerifyAccessInput;
  /**
   * True when the request carried anything that claims an identity: an `Authorization` header
   * (of any scheme) or one of Kong's `X-Consumer-*`/`X-Credential-*` headers. RFC 6750 §3 wants
   * an error code in the challenge then, and a bare `Bearer` challenge only when nothing was.
   */
  readonly presented: boolean;
}

// RFC 6750 §2.1: the scheme is case-insensitive; the token is a b64token.
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

// Every identity header Kong's auth plugins forward (X-Consumer-Custom-ID and the like included).
const KONG_HEADER = /^x-(consumer-|credential-|anonymous-consumer$)/;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  // Node joins repeated custom headers with ", "; an array only comes from set-cookie. Either
  // way a repeated identity header cannot be trusted, so keep the joined text: it will not match.
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Reads the bearer token and Kong's forwarded identity headers of a request. */
export function presentedCredentials(request: FastifyRequest): PresentedCredentials {
  const authorization = header(request, "authorization");
  const token = authorization === undefined ? null : (BEARER.exec(authorization)?.[1] ?? null);
  const forwarded: ForwardedIdentity = {
    consumerId: header(request, "x-consumer-id"),
    consumerUsername: header(request, "x-consumer-username"),
    credentialIdentifier: header(request, "x-credential-identifier"),
    anonymousConsumer: header(request, "x-anonymous-consumer"),
  };
  const presented =
    authorization !== undefined ||
    Object.keys(request.headers).some((name) => KONG_HEADER.test(name));
  return { input: { token, forwarded }, presented };
}
