import { Type } from "typebox";
import { errorSchema, internalErrorSchema } from "./error-schema.js";

const Checks = Type.Object(
  {
    store: Type.Boolean({ description: "The database answered." }),
    identity: Type.Boolean({ description: "Kong's Admin API answered." }),
  },
  { description: "Which dependency answered." },
);

/** `GET /healthz`: the process is up. */
export const healthSchema = {
  tags: ["health"],
  summary: "Liveness: the process answers",
  response: {
    200: Type.Object({ status: Type.Literal("ok") }),
    500: internalErrorSchema,
  },
} as const;

/** `GET /readyz`: the store and Kong's Admin API answer. */
export const readinessSchema = {
  tags: ["health"],
  summary: "Readiness: the database and Kong's Admin API answer",
  response: {
    200: Type.Object({ status: Type.Literal("ok"), checks: Checks }),
    500: internalErrorSchema,
    503: Type.Object(
      {
        ...errorSchema(503, ["not_ready"], "").properties,
        checks: Checks,
      },
      {
        description:
          "A dependency does not answer; `checks` says which. Retry after `Retry-After`.",
      },
    ),
  },
} as const;
