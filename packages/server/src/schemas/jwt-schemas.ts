/**
 * Schemas of the bearer-protected routes (SPEC §3.4, §3.5). Kong's jwt plugin guards them at the
 * edge; the service verifies the token again, so a 401 can come from either.
 *
 * @module
 */

import { Type } from "typebox";
import { errorSchema, internalErrorSchema } from "./error-schema.js";

/** The OpenAPI security requirement of every `/api/jwt/*` route. */
export const bearerSecurity = [{ bearerAuth: [] }];

const invalidToken = errorSchema(
  401,
  ["invalid_token"],
  "No valid access token: missing, malformed, expired, signed with a rotated credential, or at odds with Kong's headers. `WWW-Authenticate` says which.",
);

/** `GET /api/jwt/info`. */
export const infoSchema = {
  tags: ["protected"],
  summary: "Who the access token belongs to",
  security: bearerSecurity,
  response: {
    200: Type.Object(
      {
        username: Type.String(),
        user_id: Type.String({ format: "uuid" }),
        consumer_id: Type.String({ description: "The Kong consumer's id." }),
        credential_key: Type.String({ description: "The Kong JWT credential's key (`iss`)." }),
        issued_at: Type.Integer({ description: "Unix seconds (`iat`)." }),
        expires_at: Type.Integer({ description: "Unix seconds (`exp`)." }),
      },
      { description: "The verified identity." },
    ),
    401: invalidToken,
    500: internalErrorSchema,
  },
} as const;

/** `POST /api/jwt/signout-all`. */
export const signOutAllSchema = {
  tags: ["protected"],
  summary: "End every session and rotate the Kong credential, so Kong rejects every access token",
  security: bearerSecurity,
  response: {
    204: Type.Null({ description: "Every session ended; outstanding access tokens are dead." }),
    401: invalidToken,
    500: internalErrorSchema,
    503: errorSchema(
      503,
      ["identity_unavailable"],
      "Kong's Admin API cannot be reached; sessions may already be revoked. Retry.",
    ),
  },
} as const;
