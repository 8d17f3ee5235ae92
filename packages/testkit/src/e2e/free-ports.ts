import { createServer, type Server } from "node:net";

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        reject(new Error("a TCP server has no port"));
        return;
      }
      resolve(address.port);
    });
  });
}

/**
 * `count` distinct ports that were free a moment ago on 127.0.0.1, for a stack whose ports must
 * be known before it starts (Kong's upstream is the service's address). All are held open until
 * each is chosen, so they differ from one another.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(servers.map(listen));
  } finally {
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  }
}
