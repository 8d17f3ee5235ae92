/**
 * nginx accepts raw UTF-8 bytes in a request target (`GET /consumers/円`), which Kong's
 * `03-consumers_routes_spec` sends; Node's HTTP parser refuses any byte above 0x7F there
 * with a 400, even with `insecureHTTPParser`. So each connection's bytes pass through an
 * escaper that percent-encodes such bytes in request lines only (what nginx then decodes),
 * before Node's parser sees them. Headers and bodies are passed on untouched. The emulator
 * uses it on its Admin API listener.
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { Duplex } from "node:stream";

const LF = 0x0a;
const CR = 0x0d;
/** A header or chunk-size line longer than this is not followed; bytes then pass through. */
const MAX_LINE = 64 * 1024;

/** Where the escaper is in a connection's byte stream. */
type Place =
  | "request-line"
  | "headers"
  | "body"
  | "chunk-size"
  | "chunk-data"
  | "trailers"
  | "pass";

/** `bytes` with every byte above 0x7F as `%XX` (the same Buffer when there is none). */
function escapeHighBytes(bytes: Buffer): Buffer {
  if (!bytes.some((byte) => byte >= 0x80)) return bytes;
  const out: number[] = [];
  for (const byte of bytes) {
    if (byte < 0x80) out.push(byte);
    else for (const ch of `%${byte.toString(16).toUpperCase()}`) out.push(ch.charCodeAt(0));
  }
  return Buffer.from(out);
}

/**
 * Returns a function fed with a connection's inbound chunks in order, returning them with
 * the bytes above 0x7F of every request line as `%XX`. It follows `Content-Length` and
 * chunked bodies to find the next request line of a keep-alive connection.
 */
export function createRequestLineEscaper(): (chunk: Buffer) => Buffer {
  let place: Place = "request-line";
  /** Whether the request line read so far holds only CR/LF (empty lines may precede it). */
  let blank = true;
  let line: Buffer[] = [];
  let contentLength = 0;
  let chunked = false;
  let remaining = 0;

  const nextRequest = () => {
    place = "request-line";
    blank = true;
  };
  /** A complete line (without its LF) of the headers, a chunk size or the trailers. */
  const endOfLine = (text: string) => {
    if (place === "chunk-size") {
      const size = Number.parseInt(text.split(";")[0] ?? "", 16);
      if (Number.isNaN(size)) place = "pass";
      else if (size === 0) place = "trailers";
      else {
        place = "chunk-data";
        remaining = size + 2; // the data, then its CRLF
      }
      return;
    }
    if (text !== "") {
      const colon = text.indexOf(":");
      if (place !== "headers" || colon === -1) return;
      const name = text.slice(0, colon).trim().toLowerCase();
      if (name === "content-length") {
        const value = text.slice(colon + 1).trim();
        contentLength = /^\d+$/.test(value) ? Number(value) : 0;
      } else if (name === "transfer-encoding") {
        chunked = text
          .slice(colon + 1)
          .toLowerCase()
          .includes("chunked");
      }
      return;
    }
    if (place === "trailers") nextRequest();
    else if (chunked) place = "chunk-size";
    else if (contentLength > 0) {
      place = "body";
      remaining = contentLength;
    } else nextRequest();
  };

  return (chunk) => {
    const parts: Buffer[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (place === "pass") {
        parts.push(chunk.subarray(i));
        break;
      }
      if (place === "body" || place === "chunk-data") {
        const take = Math.min(remaining, chunk.length - i);
        parts.push(chunk.subarray(i, i + take));
        i += take;
        remaining -= take;
        if (remaining === 0) {
          if (place === "body") nextRequest();
          else place = "chunk-size";
        }
        continue;
      }
      // Lines are found with indexOf, so headers cost no per-byte work in JavaScript.
      const lf = chunk.indexOf(LF, i);
      const end = lf === -1 ? chunk.length : lf + 1;
      const piece = chunk.subarray(i, end);
      i = end;
      if (place === "request-line") {
        parts.push(escapeHighBytes(piece));
        // Empty lines before a request line are allowed (RFC 9112 §2.2).
        blank = blank && piece.every((byte) => byte === CR || byte === LF);
        if (lf !== -1) {
          if (!blank) {
            place = "headers";
            line = [];
            contentLength = 0;
            chunked = false;
          }
          blank = true;
        }
        continue;
      }
      // headers, chunk-size, trailers: passed on as they are, read line by line
      parts.push(piece);
      line.push(piece);
      if (lf !== -1) {
        const text = Buffer.concat(line)
          .toString("latin1")
          .replace(/\r?\n$/, "");
        line = [];
        endOfLine(text);
      } else if (line.reduce((sum, part) => sum + part.length, 0) > MAX_LINE) place = "pass";
    }
    return parts.length === 1 ? (parts[0] ?? chunk) : Buffer.concat(parts);
  };
}

const SOCKET_FIELDS = [
  "remoteAddress",
  "remotePort",
  "remoteFamily",
  "localAddress",
  "localPort",
] as const;

/** The socket as a Duplex whose inbound bytes went through {@link createRequestLineEscaper}. */
function escapedConnection(socket: Socket): Duplex {
  const escapeRequestLines = createRequestLineEscaper();
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, encoding, callback) {
      socket.write(chunk, encoding, callback);
    },
    final(callback) {
      socket.end(() => callback());
    },
    destroy(error, callback) {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  for (const field of SOCKET_FIELDS) {
    Object.defineProperty(duplex, field, { get: () => socket[field] });
  }
  socket.on("data", (chunk: Buffer) => {
    if (!duplex.push(escapeRequestLines(chunk))) socket.pause();
  });
  socket.on("end", () => duplex.push(null));
  socket.on("error", (error) => duplex.destroy(error));
  socket.on("close", () => duplex.destroy());
  return duplex;
}

/**
 * Makes `server` accept raw UTF-8 request targets, as nginx does: Node's own connection
 * handler is given each socket wrapped in an escaping Duplex (Node documents that any Duplex
 * may be passed as a connection).
 */
export function acceptRawUtf8Paths(server: Server): void {
  const handlers = server.listeners("connection") as ((socket: unknown) => void)[];
  server.removeAllListeners("connection");
  server.on("connection", (socket: Socket) => {
    const connection = escapedConnection(socket);
    for (const handler of handlers) handler.call(server, connection);
  });
}
