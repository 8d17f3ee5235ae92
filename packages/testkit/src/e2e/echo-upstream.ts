import { createServer } from "node:http";
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
