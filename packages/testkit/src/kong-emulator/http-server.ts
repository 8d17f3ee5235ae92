/**
 * The HTTP emulator: two node:http listeners, the Admin API and the proxy, over one model.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type AdminApiOptions, createAdminApi } from "./admin-api.js";
import type { DeclarativeConfig } from "./declarative-config.js";
import type { WwwAuthenticateFormat } from "./jwt-plugin.js";
import { createKongModel, type KongModel } from "./model.js";
import { createProxyHandler } from "./proxy.js";
import { acceptRawUtf8Paths } from "./raw-utf8-paths.js";

/** Where the emulator reports what it does. */
export interface EmulatorLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Options of {@link startKongEmulator}. */
export interface KongEmulatorOptions {
  /** Services, routes, plugins and consumers; without it the proxy matches nothing. */
  readonly config?: DeclarativeConfig;
  /** The model to serve (shared with msw handlers, for instance). A new one by default. */
  readonly model?: KongModel;
  /** Interface both listeners bind to. Default `127.0.0.1`. */
  readonly host?: string;
  /** Admin API port; 0 (the default) picks a free port. */
  readonly adminPort?: number;
  /** Proxy port; 0 (the default) picks a free port. */
  readonly proxyPort?: number;
  /** Replaces every service's URL, e.g. `http://127.0.0.1:3000`. */
  readonly upstream?: string;
  /** Receives one warning per ignored plugin or entity. Silent by default. */
  readonly logger?: EmulatorLogger;
  /** `WWW-Authenticate` format of the jwt plugin. Default `'3.9'`. */
  readonly wwwAuthenticate?: WwwAuthenticateFormat;
  /** Options of the Admin API (admin token, DB-less mode…). */
  readonly admin?: AdminApiOptions;
}

/** A running emulator. */
export interface RunningKongEmulator {
  /** e.g. `http://127.0.0.1:8001`. */
  readonly adminUrl: string;
  /** e.g. `http://127.0.0.1:8000`. */
  readonly proxyUrl: string;
  readonly model: KongModel;
  /** Stops both listeners (open connections are closed). */
  close(): Promise<void>;
}

function toRequest(req: IncomingMessage, body: Buffer, base: string): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] ?? "", raw[i + 1] ?? "");
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(new URL(req.url ?? "/", base), {
    method,
    headers,
    ...(hasBody ? { body } : {}),
  });
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  const body = Buffer.from(await response.arrayBuffer());
  res.end(body.length > 0 ? body : undefined);
}

function listen(server: Server, port: number, host: string, role: string): Promise<number> {
  // nginx sends no Keep-Alive header and keeps idle connections for 60 s; Node's default
  // 5 s timeout would also advertise itself in a header Kong never sends.
  server.keepAliveTimeout = 0;
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
      const reason =
        error.code === "EADDRINUSE"
          ? `${role} port ${where} is already in use`
          : error.code === "EACCES"
            ? `no permission to listen on ${role} port ${where}`
            : `${role} listener on ${where}: ${error.message}`;
      // Keep the errno code, so callers can tell a busy port from other failures.
      reject(Object.assign(new Error(reason, { cause: error }), { code: error.code }));
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function urlOf(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * Starts the Admin API and proxy listeners. Consumers and credentials of `config` are
 * added to the model first; ignored plugins and entities are reported through `logger`.
 */
export async function startKongEmulator(
  options: KongEmulatorOptions = {},
): Promise<RunningKongEmulator> {
  const model = options.model ?? createKongModel();
  const host = options.host ?? "127.0.0.1";
  const config: DeclarativeConfig = options.config ?? {
    services: [],
    routes: [],
    plugins: [],
    consumers: [],
    jwtSecrets: [],
    warnings: [],
  };
  for (const warning of config.warnings) options.logger?.warn(warning);
  for (const consumer of config.consumers) {
    const result = model.consumers.upsert({ field: "id", value: consumer.id }, { ...consumer });
    if (!result.ok) throw new Error(`cannot load consumer: ${result.error.message}`);
  }
  for (const credential of config.jwtSecrets) {
    const result = model.jwtSecrets.upsert(
      { field: "id", value: credential.id },
      { ...credential },
    );
    if (!result.ok) throw new Error(`cannot load jwt_secret: ${result.error.message}`);
  }

  const adminApi = createAdminApi(model, {
    enabledPlugins: () => (config.plugins.length > 0 ? ["jwt"] : []),
    ...options.admin,
  });
  const admin = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const base = `http://${req.headers.host ?? "localhost"}`;
      let request: Request;
      try {
        request = toRequest(req, Buffer.concat(chunks), base);
      } catch {
        res.statusCode = 400;
        res.end();
        return;
      }
      adminApi(request)
        .then((response) => writeResponse(res, response))
        .catch(() => {
          res.statusCode = 500;
          res.end();
        });
    });
  });
  const proxy = createServer(
    createProxyHandler({
      model,
      config,
      ...(options.upstream === undefined ? {} : { upstream: options.upstream }),
      ...(options.wwwAuthenticate === undefined
        ? {}
        : { wwwAuthenticate: options.wwwAuthenticate }),
    }),
  );

  // Only the Admin API: the escaping costs the listener about a quarter of its throughput,
  // and the proxy (which `pnpm bench` measures) gets no raw UTF-8 paths from this project.
  acceptRawUtf8Paths(admin);

  try {
    const adminPort = await listen(admin, options.adminPort ?? 0, host, "admin");
    const proxyPort = await listen(proxy, options.proxyPort ?? 0, host, "proxy");
    const emulator: RunningKongEmulator = {
      adminUrl: urlOf(host, adminPort),
      proxyUrl: urlOf(host, proxyPort),
      model,
      close: async () => {
        await Promise.all([closeServer(admin), closeServer(proxy)]);
      },
    };
    options.logger?.info(
      `Kong emulator listening: proxy ${emulator.proxyUrl}, admin ${emulator.adminUrl}`,
    );
    return emulator;
  } catch (error) {
    await Promise.all([closeServer(admin), closeServer(proxy)]);
    throw error;
  }
}
