import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isUuidShaped, toBase64Url, uuidV4FromBytes } from "./encoding.js";

describe("toBase64Url", () => {
  it("property: agrees with node's Buffer base64url for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString("base64url"));
      }),
      { numRuns: 500 },
    );
  });

  it("encodes 32 bytes as 43 characters without padding", () => {
    expect(toBase64Url(new Uint8Array(32).fill(255))).toMatch(/^_{42}8$/);
  });
});

describe("uuidV4FromBytes", () => {
  it("property: formats 16 bytes as a version-4, RFC 9562 variant UUID of those bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const uuid = uuidV4FromBytes(bytes);
        expect(uuid).toMatch(
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        );
        const expected = Buffer.from(bytes);
        expected[6] = ((expected[6] ?? 0) & 0x0f) | 0x40;
        expected[8] = ((expected[8] ?? 0) & 0x3f) | 0x80;
        expect(uuid.replaceAll("-", "")).toBe(expected.toString("hex"));
        expect(isUuidShaped(uuid)).toBe(true);
      }),
    );
  });

  it("does not change the bytes it was given", () => {
    const bytes = new Uint8Array(16).fill(0xff);
    uuidV4FromBytes(bytes);
    expect(bytes).toEqual(new Uint8Array(16).fill(0xff));
  });

  it.each([0, 15, 17, 32])("throws for %i bytes", (length) => {
    expect(() => uuidV4FromBytes(new Uint8Array(length))).toThrow(Error);
  });
});

describe("isUuidShaped", () => {
  it("property: recognises node's random UUIDs in either case", () => {
    fc.assert(
      fc.property(fc.boolean(), (upper) => {
        const uuid = randomUUID();
        expect(isUuidShaped(upper ? uuid.toUpperCase() : uuid)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it.each([
    "",
    "alice",
    "123e4567e89b12d3a456426614174000",
    "123e4567-e89b-12d3-a456-42661417400",
    "{123e4567-e89b-12d3-a456-426614174000}",
    "g23e4567-e89b-12d3-a456-426614174000",
  ])("rejects %j", (value) => {
    expect(isUuidShaped(value)).toBe(false);
  });
});
