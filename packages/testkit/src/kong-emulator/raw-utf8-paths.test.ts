import { describe, expect, it } from "vitest";
import { createRequestLineEscaper } from "./raw-utf8-paths.js";

/** Feeds `input` to a new escaper in pieces of `size` bytes and joins the output. */
function escapeInPieces(input: Buffer, size: number): string {
  const escaper = createRequestLineEscaper();
  const out: Buffer[] = [];
  for (let i = 0; i < input.length; i += size) out.push(escaper(input.subarray(i, i + size)));
  return Buffer.concat(out).toString("latin1");
}

const raw = (text: string) => Buffer.from(text, "utf8");

describe("createRequestLineEscaper", () => {
  it("percent-encodes UTF-8 bytes of a request line, leaving headers alone", () => {
    const input = raw("GET /consumers/円 HTTP/1.1\r\nX-Name: 円\r\n\r\n");
    expect(escapeInPieces(input, 1024)).toBe(
      `GET /consumers/%E5%86%86 HTTP/1.1\r\nX-Name: ${raw("円").toString("latin1")}\r\n\r\n`,
    );
  });

  it("skips Content-Length and chunked bodies to find the next request line", () => {
    const body = '{"円":1}';
    const input = raw(
      `POST /a HTTP/1.1\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}` +
        "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\n円\r\n0\r\nT: 円\r\n\r\n" +
        "GET /円 HTTP/1.1\r\n\r\n",
    );
    for (const size of [1, 7, 4096]) {
      const out = escapeInPieces(input, size);
      expect(out).toContain(raw(body).toString("latin1"));
      expect(out).toContain(`3;x=y\r\n${raw("円").toString("latin1")}\r\n0\r\n`);
      expect(out.endsWith("GET /%E5%86%86 HTTP/1.1\r\n\r\n")).toBe(true);
    }
  });
});
