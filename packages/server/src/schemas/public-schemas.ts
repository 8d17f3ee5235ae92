/**
 * Schemas of the public routes (SPEC §3.1–3.3, §3.5). The body schemas check only shape and
 * type: every rule on a username's or password's *content* lives in core, so a password that is
 * too long answers `weak_password`, not a schema error. The body limit bounds the sizes.
 *
 * @module
 */

import { Type } from "typebox";
import { bodyErrorSchemas, errorSchema } from "./error-schema.js";

const Credentials = Type.Object({
  username: Type.String({ description: "3–64 characters of a-z 0-9 . _ @ -", examples: ["alice"] }),
  password: Type.String({ description: "8–256 characters; not a common password" }),
});

const RefreshTokenBody = Type.Object({
  refresh_token: Type.String({ description: "The refresh token of a signin or refresh." }),
});

/** Answer of signin and refresh (SPEC §3.2). */
export const TokenResponse = Type.Object(
  {
    access_token: Type.String({ description: "JWT to send as `Authorization: Bearer …`." }),
    token_type: Type.Literal("Bearer"),
    expires_in: Type.Integer({ description: "Seconds until the access token expires." }),
    refresh_token: Type.String({ description: "Opaque; rotated on every refresh." }),
    refresh_expires_in: Type.Integer({
      description: "Seconds until the session's absolute expiry; shrinks, never grows.",
    }),
  },
  { description: "New tokens. Never cache this response." },
);

const unavailable = errorSchema(
  503,
  ["identity_unavailable"],
  "Kong's Admin API cannot be reached; retry after `Retry-After` seconds.",
);

/** `POST /api/public/signup`. */
export const signUpSchema = {
  tags: ["public"],
  summary: "Create an account and its Kong consumer and JWT credential",
  body: Credentials,
  response: {
    201: Type.Object(
      {
        id: Type.String({ format: "uuid" }),
        username: Type.String({ description: "Normalised (NFKC, lower case)." }),
      },
      { description: "The account was created." },
    ),
    400: errorSchema(
      400,
      ["invalid_request", "weak_password"],
      "A malformed body or username, or a password the policy refuses.",
    ),
    409: errorSchema(409, ["username_taken"], "The username is taken."),
    ...bodyErrorSchemas,
    503: unavailable,
  },
} as const;

/** `POST /api/public/signin`. */
export const signInSchema = {
  tags: ["public"],
  summary: "Exchange a username and password for an access and a refresh token",
  body: Credentials,
  response: {
    200: TokenResponse,
    400: errorSchema(400, ["invalid_request"], "A malformed body."),
    401: errorSchema(401, ["invalid_credentials"], "Unknown user or wrong password."),
    ...bodyErrorSchemas,
    503: unavailable,
  },
} as const;

/** `POST /api/public/refresh`. */
export const refreshSchema = {
  tags: ["public"],
  summary: "Rotate a refresh token: a new access token and a successor refresh token",
  body: RefreshTokenBody,
  response: {
    200: TokenResponse,
    400: errorSchema(400, ["invalid_request"], "A malformed body."),
    401: errorSchema(
      401,
      ["invalid_grant"],
      "The refresh token is unknown, expired, revoked or reused.",
    ),
    ...bodyErrorSchemas,
  },
} as const;

/** `POST /api/public/signout`. */
export const signOutSchema = {
  tags: ["public"],
  summary: "End the session of a refresh token (idempotent)",
  body: RefreshTokenBody,
  response: {
    204: Type.Null({ description: "Signed out (an unknown token too)." }),
    400: errorSchema(400, ["invalid_request"], "A malformed body."),
    ...bodyErrorSchemas,
  },
} as const;
