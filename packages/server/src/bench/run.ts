/**
 * `pnpm bench`: the whole stack in this process (Kong emulator + service on loopback, SQLite in a
 * temporary folder, argon2 at the OWASP parameters), measured with autocannon in bounded runs.
 * Prints requests per second and latency percentiles, then stops by itself.
 *
 * Options: `--duration <seconds>` per run (default 5), `--connections <n>` (default 10).
 *
 * @module
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freePorts } from "@kong-jwt-auth/testkit/e2e";
import autocannon from "autocannon";
import { loadConfig } from "../config.js";
import { type Stack, startStack } from "../stack.js";

const KONG_YAML = fileURLToPath(new URL("../../../../kong.yaml", import.meta.url));
const PASSWORD = "correct horse battery staple";

interface Row {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p97_5: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1) throw new Error(`--${name} must be a whole number ≥ 1`);
  return value;
}

async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}`);
  return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
}

async function signIn(
  proxy: string,
  username: string,
): Promise<{ access: string; refresh: string }> {
  const tokens = await postJson(`${proxy}/api/public/signin`, { username, password: PASSWORD });
  const { access_token: access, refresh_token: refresh } = tokens;
  if (typeof access !== "string" || typeof refresh !== "string") throw new Error("no tokens");
  return { access, refresh };
}

function row(name: string, result: autocannon.Result): Row {
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

function table(rows: readonly Row[]): string {
  const header = ["scenario", "req/s", "p50 ms", "p97.5 ms", "p99 ms", "non-2xx", "errors"];
  const cells = rows.map((r) => [
    r.name,
    r.requestsPerSecond.toFixed(0),
    r.p50.toFixed(1),
    r.p97_5.toFixed(1),
    r.p99.toFixed(1),
    String(r.non2xx),
    String(r.errors),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => (cell[column] ?? "").length)),
  );
  const line = (cell: readonly string[]) =>
    cell
      .map((text, column) =>
        column === 0 ? text.padEnd(widths[column] ?? 0) : text.padStart(widths[column] ?? 0),
      )
      .join("  ");
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...cells.map(line)].join(
    "\n",
  );
}

async function run(stack: Stack, duration: number, connections: number): Promise<Row[]> {
  const proxy = stack.urls.proxy;
  if (!proxy) throw new Error("the bench needs the Kong emulator");
  const api = stack.urls.api;
  await postJson(`${proxy}/api/public/signup`, { username: "bench", password: PASSWORD });
  const { access } = await signIn(proxy, "bench");
  const bearer = { authorization: `Bearer ${access}` };
  const rows: Row[] = [];
  const measure = async (name: string, options: autocannon.Options) => {
    process.stdout.write(`running ${name} for ${duration} s…\n`);
    rows.push(row(name, await autocannon({ duration, connections, ...options })));
  };

  await measure("GET /api/jwt/info via Kong", { url: `${proxy}/api/jwt/info`, headers: bearer });
  await measure("GET /api/jwt/info direct", { url: `${api}/api/jwt/info`, headers: bearer });

  // Every refresh needs the token the previous one returned: each connection follows its own
  // chain, started from its own signin, one request at a time (no pipelining).
  const chains = await Promise.all(
    Array.from({ length: connections }, () => signIn(proxy, "bench")),
  );
  await measure("POST /api/public/refresh via Kong", {
    url: `${proxy}/api/public/refresh`,
    // autocannon resets a request's context after every response, so each client keeps its
    // chain in a closure of its own request list.
    setupClient(client) {
      const chain = { token: chains.pop()?.refresh ?? "" };
      client.setRequests([
        {
          method: "POST",
          path: "/api/public/refresh",
          headers: { "content-type": "application/json" },
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({ refresh_token: chain.token }),
          }),
          onResponse(status, body) {
            if (status !== 200) return;
            const next: unknown = JSON.parse(body).refresh_token;
            if (typeof next === "string") chain.token = next;
          },
        },
      ]);
    },
  });

  await measure("POST /api/public/signin via Kong (argon2id m=19456 t=2)", {
    url: `${proxy}/api/public/signin`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "bench", password: PASSWORD }),
  });
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    // `pnpm bench -- --duration 2` passes the `--` along.
    args: process.argv.slice(2).filter((arg) => arg !== "--"),
    options: { duration: { type: "string" }, connections: { type: "string" } },
  });
  const duration = positiveInteger("duration", values.duration, 5);
  const connections = positiveInteger("connections", values.connections, 10);
  const dir = await mkdtemp(join(tmpdir(), "kong-jwt-auth-bench-"));
  const [port, proxyPort, adminPort] = await freePorts(3);
  // Loopback only; argon2 at the defaults (OWASP); no logging, which would dominate the numbers.
  const config = loadConfig({
    HOST: "127.0.0.1",
    PORT: String(port),
    KONG_PROXY_PORT: String(proxyPort),
    KONG_ADMIN_PORT: String(adminPort),
    KONG_CONFIG: KONG_YAML,
    DATABASE_URL: `file:${join(dir, "auth.db")}`,
    LOG_LEVEL: "silent",
  });
  const stack = await startStack({ config });
  try {
    const rows = await run(stack, duration, connections);
    process.stdout.write(
      `\nkong-jwt-auth, ${connections} connections, ${duration} s per scenario (loopback, one process)\n\n${table(rows)}\n`,
    );
  } finally {
    await stack.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
