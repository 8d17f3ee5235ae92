/**
 * Helpers for the emulator's own tests: an echo upstream and a JWT signer for every
 * algorithm Kong supports (keys generated with node:crypto, never Kong's fixtures).
 */
import { createHmac, constants as cryptoConstants, type KeyObject, sign } from "node:crypto";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";

/** What the echo upstream saw. */
export interface EchoedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A running echo upstream. */
export interface EchoUpstream {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts an upstream that answers 200 with the request it received, as JSON. */
export async function startEchoUpstream(): Promise<EchoUpstream> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = req.url ?? "/";
      const at = url.indexOf("?");
      const echoed: EchoedRequest = {
        method: req.method ?? "",
        path: at === -1 ? url : url.slice(0, at),
        query: at === -1 ? "" : url.slice(at + 1),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const body = JSON.stringify(echoed);
      res.writeHead(200, { "Content-Type": "application/json", "X-Upstream": "echo" });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

const DIGESTS: Record<string, string> = { "256": "sha256", "384": "sha384", "512": "sha512" };

/** Signs a JWT. `key` is the HMAC secret for HS*, a private key otherwise. */
export function signJwt(
  payload: Record<string, unknown>,
  key: string | Buffer | KeyObject,
  alg = "HS256",
  header: Record<string, unknown> = { typ: "JWT", alg },
): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const digest = DIGESTS[alg.slice(2)] ?? "sha256";
  let signature: Buffer;
  if (alg.startsWith("HS")) {
    signature = createHmac(digest, key as string | Buffer)
      .update(input)
      .digest();
  } else if (alg.startsWith("RS")) {
    signature = sign(digest, Buffer.from(input), key as KeyObject);
  } else if (alg.startsWith("PS")) {
    signature = sign(digest, Buffer.from(input), {
      key: key as KeyObject,
      padding: cryptoConstants.RSA_PKCS1_PSS_PADDING,
      saltLength: cryptoConstants.RSA_PSS_SALTLEN_DIGEST,
    });
  } else if (alg.startsWith("ES")) {
    signature = sign(digest, Buffer.from(input), {
      key: key as KeyObject,
      dsaEncoding: "ieee-p1363",
    });
  } else {
    signature = sign(null, Buffer.from(input), key as KeyObject);
  }
  return `${input}.${b64url(signature)}`;
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
