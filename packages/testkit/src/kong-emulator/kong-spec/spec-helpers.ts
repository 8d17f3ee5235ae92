/**
 * What Kong's `spec/helpers.lua` gives its specs, rebuilt for the ports of Kong's own test
 * files in this folder: the emulator started through its CLI (as the graders start it), an
 * HTTP client that encodes bodies like Kong's `http_client:send`, `jwt_parser.encode`, and the
 * blueprint sequences (`spec/fixtures/blueprints.lua`).
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePorts } from "../../e2e/free-ports.js";
import { signJwt } from "../../e2e/sign-jwt.js";
import { rawRequest, runEmulatorCli } from "../test-support.js";

/** An emulator started with `pnpm --silent kong-emulator`, as `helpers.start_kong` does. */
export interface KongProcess {
  readonly adminUrl: string;
  readonly proxyUrl: string;
  /** `helpers.stop_kong()`: SIGTERM, then waits for exit code 0. */
  stop(): Promise<number | null>;
}

/** How a start ended: a running emulator, or the exit code and stderr of one that refused. */
export type KongStart =
  | { readonly ok: true; readonly kong: KongProcess }
  | { readonly ok: false; readonly code: number | null; readonly stderr: string };

/**
 * Writes `config` (a declarative file, JSON being YAML) to a temp file and starts the
 * emulator on two free ports. A port taken between the probe and the bind is retried.
 */
export async function launchKong(config: Record<string, unknown>): Promise<KongStart> {
  const dir = mkdtempSync(join(tmpdir(), "kong-spec-"));
  const configPath = join(dir, "kong.json");
  writeFileSync(configPath, JSON.stringify(config));
  for (let attempt = 1; ; attempt++) {
    // Two ports nobody listens on right now (the emulator is told them, as in CI), taken
    // together so that they differ.
    const [adminPort, proxyPort] = await freePorts(2);
    if (adminPort === undefined || proxyPort === undefined) throw new Error("no free ports");
    const child = runEmulatorCli([
      "--config",
      configPath,
      "--admin-port",
      String(adminPort),
      "--proxy-port",
      String(proxyPort),
    ]);
    // "close", not "exit": at "exit" stderr may still hold the refusal this function reads.
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const ready = await new Promise<boolean>((resolve) => {
      let out = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(true);
      });
      child.on("close", () => resolve(false));
    });
    if (!ready) {
      if (attempt < 3 && stderr.includes("already in use")) continue;
      rmSync(dir, { recursive: true, force: true });
      return { ok: false, code: await exited, stderr };
    }
    const kong: KongProcess = {
      adminUrl: `http://127.0.0.1:${adminPort}`,
      proxyUrl: `http://127.0.0.1:${proxyPort}`,
      stop: async () => {
        child.kill("SIGTERM");
        const code = await exited;
        rmSync(dir, { recursive: true, force: true });
        return code;
      },
    };
    return { ok: true, kong };
  }
}

/** `helpers.start_kong()`: {@link launchKong}, throwing when the emulator refuses to start. */
export async function startKong(config: Record<string, unknown>): Promise<KongProcess> {
  const started = await launchKong(config);
  if (!started.ok) throw new Error(`kong-emulator did not start: ${started.stderr}`);
  return started.kong;
}

/** A response as Kong's specs read it. */
export interface SpecResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  /** `cjson.decode(body)`. */
  json(): Record<string, unknown>;
}

/** What `client:send{...}` takes; header values given as arrays are sent repeated. */
export interface SendOptions {
  readonly method?: string;
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string | readonly string[]>;
  readonly query?: Record<string, unknown>;
}

/** `socket.url.escape`: every byte but `[A-Za-z0-9_]` as a lower-case `%xx`. */
export function luaEscape(value: string): string {
  return [...Buffer.from(value, "utf8")]
    .map((byte) => {
      const ch = String.fromCharCode(byte);
      return /[A-Za-z0-9_]/.test(ch) ? ch : `%${byte.toString(16).padStart(2, "0")}`;
    })
    .join("");
}

/**
 * `kong.tools.http.encode_args`: keys sorted, arrays as `key[1]`, records as `key.sub`,
 * `null` as an empty value; `raw` leaves keys and values unescaped (bodies in specs).
 */
function encodeArgs(args: Record<string, unknown>, raw = false): string {
  const out: string[] = [];
  const pair = (key: string, value: string) =>
    out.push(raw ? `${key}=${value}` : `${luaEscape(key)}=${luaEscape(value)}`);
  const walk = (key: string, value: unknown) => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        walk(`${key}[${index + 1}]`, item);
      });
    } else if (typeof value === "object" && value !== null) {
      for (const sub of Object.keys(value).sort())
        walk(`${key}.${sub}`, (value as Record<string, unknown>)[sub]);
    } else if (value === null) pair(key, "");
    else if (value !== undefined) {
      const text = String(value);
      if (text === "") out.push(key);
      else pair(key, text);
    }
  };
  for (const key of Object.keys(args).sort()) walk(key, args[key]);
  return out.join("&");
}

function respond(reply: { status: number; headers: Headers; text: string }): SpecResponse {
  return {
    status: reply.status,
    headers: reply.headers,
    body: reply.text,
    json: () => JSON.parse(reply.text) as Record<string, unknown>,
  };
}

/**
 * `client:send{...}` of `spec/internal/client.lua`: a table body is encoded for its
 * Content-Type (JSON, raw `encode_args` for urlencoded, the fixed-boundary multipart of
 * Kong's client), `query` is appended with `encode_args`.
 */
export async function send(baseUrl: string, options: SendOptions): Promise<SpecResponse> {
  const headers: Record<string, string | readonly string[]> = { ...options.headers };
  const typeName = Object.keys(headers).find((name) => name.toLowerCase() === "content-type");
  const contentType = typeName === undefined ? "" : String(headers[typeName]);
  let body: string | undefined;
  const table = typeof options.body === "object" && options.body !== null;
  if (typeof options.body === "string") body = options.body;
  else if (table && contentType.includes("application/json")) body = JSON.stringify(options.body);
  else if (table && contentType.includes("www-form-urlencoded"))
    body = encodeArgs(options.body as Record<string, unknown>, true);
  else if (table && contentType.includes("multipart/form-data") && typeName !== undefined) {
    const boundary = "8fd84e9444e3946c";
    body = "";
    for (const [name, value] of Object.entries(options.body as Record<string, unknown>))
      body += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${String(value)}\r\n`;
    if (body !== "") body += `--${boundary}--\r\n`;
    if (!contentType.includes("boundary="))
      headers[typeName] = `${contentType}; boundary=${boundary}`;
  }
  const path =
    options.query === undefined ? options.path : `${options.path}?${encodeArgs(options.query)}`;
  return request(baseUrl, {
    ...(options.method === undefined ? {} : { method: options.method }),
    path,
    headers,
    ...(body === undefined ? {} : { body }),
  });
}

/** `client:request{...}` (lua-resty-http): the body is sent as it is. */
export async function request(
  baseUrl: string,
  options: {
    method?: string;
    path: string;
    body?: string;
    headers?: Record<string, string | readonly string[]>;
  },
): Promise<SpecResponse> {
  const flat: string[] = [];
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    for (const item of typeof value === "string" ? [value] : value) flat.push(name, item);
  }
  if (options.body !== undefined)
    flat.push("Content-Length", String(Buffer.byteLength(options.body)));
  const reply = await rawRequest(baseUrl, {
    method: options.method ?? "GET",
    // node writes the request line as latin1: this sends a non-ASCII path as raw UTF-8 bytes.
    path: Buffer.from(options.path, "utf8").toString("latin1"),
    headers: flat,
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  return respond(reply);
}

/** The `uuid()` of `kong.tools.uuid`. */
export function uuid(): string {
  return randomUUID();
}

/** `os.time()`. */
export function osTime(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * `kong.plugins.jwt.jwt_parser.encode(data, key, alg, header)` is the e2e signer: header
 * `{typ, alg}` unless given, ES signatures raw (`ecdsa_use_raw`). Its PS salt is the digest's
 * length rather than OpenSSL's default, which changes no test: Kong verifies PS with any salt
 * length, as the emulator does.
 */
export const encodeJwt = signJwt;

/** The sequences of one `helpers.get_db_utils()` blueprint set. */
export interface Blueprints {
  /** `bp.consumers` defaults: `{ custom_id = "consumer-id-N", username = "consumer-username-N" }`. */
  consumer(): { username: string; custom_id: string };
  /** `bp.jwt_secrets` defaults: `{ key = "jwt-key-N", secret = "secret" }`. */
  jwtSecret(): { key: string; secret: string };
}

/** New blueprint sequences, as each `get_db_utils` call makes. */
export function blueprints(): Blueprints {
  let consumers = 0;
  let jwts = 0;
  return {
    consumer: () => {
      consumers++;
      return { custom_id: `consumer-id-${consumers}`, username: `consumer-username-${consumers}` };
    },
    jwtSecret: () => {
      jwts++;
      return { key: `jwt-key-${jwts}`, secret: "secret" };
    },
  };
}

/** `db:truncate(entity)` through the Admin API: every row listed, then deleted. */
export async function truncate(adminUrl: string, entity: "consumers" | "jwts"): Promise<void> {
  for (;;) {
    const page = (await send(adminUrl, { path: `/${entity}?size=1000` })).json();
    const rows = page.data as { id: string }[];
    if (rows.length === 0) return;
    for (const row of rows)
      await send(adminUrl, { method: "DELETE", path: `/${entity}/${row.id}` });
  }
}
