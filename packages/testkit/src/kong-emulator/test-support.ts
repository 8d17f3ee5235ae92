/**
 * Helpers for the emulator's own tests. The echo upstream and the JWT signer live in `../e2e`,
 * where other teams can use them too; they are re-exported here for the emulator's tests.
 */
import type { EchoedRequest } from "../e2e/echo-upstream.js";

export { type EchoedRequest, type EchoUpstream, startEchoUpstream } from "../e2e/echo-upstream.js";
export { signJwt } from "../e2e/sign-jwt.js";

import { type ChildProcess, spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { join } from "node:path";

/** The repository root, where `pnpm kong-emulator` is defined. */
const ROOT = join(import.meta.dirname, "../../../..");

/**
 * Runs the CLI the way the README does, through `pnpm kong-emulator` (`--silent` only drops
 * pnpm's echo of the script line), with stdout and stderr piped. Signals go to pnpm, which
 * must hand them to the emulator.
 */
export function runEmulatorCli(args: readonly string[]): ChildProcess {
  return spawn("pnpm", ["--silent", "kong-emulator", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Current time in whole seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A response read by {@link rawRequest}. */
export interface RawReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** A reply of the proxy, with what the echo upstream saw when the request got that far. */
export interface ProxiedReply extends RawReply {
  /** The request as the upstream received it; `null` when Kong answered by itself. */
  readonly echo: EchoedRequest | null;
}

/** {@link rawRequest} to the proxy, reading the echo upstream's body when it answered. */
export async function proxyRequest(
  proxyUrl: string,
  options: Parameters<typeof rawRequest>[1],
): Promise<ProxiedReply> {
  const reply = await rawRequest(proxyUrl, options);
  const echoed = reply.headers.get("x-upstream") === "echo";
  return { ...reply, echo: echoed ? (JSON.parse(reply.text) as EchoedRequest) : null };
}

/**
 * Sends a request with node:http, which (unlike fetch) lets a test choose the Host header
 * and repeat headers; `headers` is a flat name/value list.
 */
export function rawRequest(
  baseUrl: string,
  options: { method?: string; path?: string; headers?: string[]; body?: string },
): Promise<RawReply> {
  const url = new URL(baseUrl);
  const given = options.headers ?? [];
  const hasHost = given.some((name, i) => i % 2 === 0 && name.toLowerCase() === "host");
  // With a raw header list node sends the headers as they are, so Host is added here.
  const headers = hasHost ? given : ["Host", url.host, ...given];
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      method: options.method ?? "GET",
      path: options.path ?? "/",
      headers,
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const headers = new Headers();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
          headers.append(res.rawHeaders[i] ?? "", res.rawHeaders[i + 1] ?? "");
        }
        resolve({
          status: res.statusCode ?? 0,
          headers,
          text: Buffer.concat(chunks).toString("utf8"),
        });
      });
    });
    req.on("error", reject);
    req.end(options.body);
  });
}
