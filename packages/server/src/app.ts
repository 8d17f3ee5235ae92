import sensible from "@fastify/sensible";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { Auth } from "@kong-jwt-auth/core";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from "fastify";
import type { LogLevel } from "./config.js";
import { handleError, handleNotFound } from "./http-errors.js";
import { routes } from "./routes/routes.js";

/** What the app calls: the use cases, bound to their adapters by the composition root. */
export interface AppDeps {
  /** The use cases from `createAuth`; `/readyz` asks `auth.checkReadiness()`. */
  readonly auth: Auth;
}

/** A destination for log lines (pino writes one JSON object per line). */
export interface LogStream {
  write(line: string): void;
}

/** The HTTP settings of the app. */
export interface AppConfig {
  readonly logLevel: LogLevel;
  /** Where logs go; standard output when absent. Tests pass a stream to read what was logged. */
  readonly logStream?: LogStream;
  /** Largest request body in bytes; default {@link DEFAULT_BODY_LIMIT}. */
  readonly bodyLimit?: number;
}

/**
 * Bodies here are two short strings. The limit bounds the work one request can ask for (the
 * password policy's 256-character maximum is checked by core, after parsing).
 */
export const DEFAULT_BODY_LIMIT = 16 * 1024;

/**
 * Never logged: credentials in headers. Request and response bodies are never logged at all
 * (Fastify logs neither by default, and no hook here adds them).
 */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["proxy-authorization"]',
  'req.headers["kong-admin-token"]',
  'res.headers["set-cookie"]',
];

/** The Fastify instance {@link buildApp} returns, with TypeBox type inference. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/**
 * Builds the HTTP app over the given use cases. It never listens: the composition root does, and
 * tests call `app.inject`. Every route, the OpenAPI document (`/openapi.json`, `/docs`) and the
 * one error handler are registered here.
 *
 * @example
 * ```ts
 * const app = await buildApp({ deps: { auth }, config: { logLevel: "info" } });
 * await app.listen({ port: 3000 });
 * ```
 */
export async function buildApp({
  deps,
  config,
}: {
  readonly deps: AppDeps;
  readonly config: AppConfig;
}): Promise<App> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      serializers: {
        // The query string is dropped: a client that puts a token in the URL (which Kong's
        // `uri_param_names: []` refuses anyway) must not get it written to the log.
        req: (request) => ({
          method: request.method,
          url: request.url.split("?")[0],
          host: request.host,
          remoteAddress: request.ip,
        }),
      },
      ...(config.logStream ? { stream: config.logStream } : {}),
    },
    bodyLimit: config.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Fastify coerces types by default (a number becomes a string): a body of the wrong type
    // must be a 400 instead.
    ajv: { customOptions: { coerceTypes: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // JSON only: without this, a text/plain body would be parsed and then fail the schema as a
  // 400, where the honest answer is 415.
  app.removeContentTypeParser("text/plain");
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);

  // Graceful close: requests in flight finish, but their keep-alive connections must not hold
  // the server open afterwards (Fastify only closes connections that are idle when `close`
  // starts), so every response sent while closing asks the client to close the connection.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (_request, reply, payload) => {
    if (closing) reply.header("connection", "close");
    return payload;
  });

  await app.register(sensible);
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "kong-jwt-auth",
        description:
          "Username/password authentication behind Kong. Access tokens are validated by Kong's jwt plugin at the edge; refresh tokens rotate on every use. Every error body is `{statusCode, error, code, message}`; branch on `code`.",
        version: "0.1.0",
      },
      tags: [
        { name: "public", description: "No authentication (Kong route `/api/public`)." },
        {
          name: "protected",
          description: "Bearer access token (Kong route `/api/jwt`, jwt plugin).",
        },
        { name: "health", description: "Liveness and readiness probes." },
      ],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: "http",
            scheme: "bearer",
            bearerFormat: "JWT",
            description: "An access token from signin or refresh.",
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  await app.register(routes, { auth: deps.auth });
  return app;
}
