import { STATUS_CODES } from "node:http";
import { Type } from "typebox";
import type { ErrorCode } from "../http-errors.js";

/**
 * The error body of SPEC §3 for one status, with `code` narrowed to what that status carries on
 * that route, so the OpenAPI document tells clients exactly which codes to expect.
 */
export function errorSchema<const C extends ErrorCode>(
  statusCode: number,
  codes: readonly [C, ...C[]],
  description: string,
) {
  return Type.Object(
    {
      statusCode: Type.Literal(statusCode),
      error: Type.String({ examples: [STATUS_CODES[statusCode]] }),
      code: Type.Enum(codes, {
        type: "string",
        description: "Stable, snake_case: branch on this.",
      }),
      message: Type.String({ description: "For people; may change between versions." }),
    },
    { description },
  );
}

/** The 500 every route may answer: a bug, whose details go to the log only. */
export const internalErrorSchema = errorSchema(500, ["internal_error"], "Unexpected failure.");

/** The statuses of a route that reads a JSON body: Fastify refuses some bodies before the handler. */
export const bodyErrorSchemas = {
  413: errorSchema(413, ["invalid_request"], "The body is larger than the limit."),
  415: errorSchema(415, ["invalid_request"], "The body is not application/json."),
  500: internalErrorSchema,
} as const;
