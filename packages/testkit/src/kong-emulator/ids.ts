import { randomBytes, randomInt, randomUUID } from "node:crypto";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Kong's `is_valid_uuid`: 36 characters of hex in 8-4-4-4-12 form, any version and
 * either case (the all-zero UUID included).
 */
export function isValidUuid(value: unknown): value is string {
  return typeof value === "string" && value.length === 36 && UUID_PATTERN.test(value);
}

/** A random v4 UUID, lower case as Postgres returns it. */
export function newUuid(): string {
  return randomUUID();
}

/**
 * Kong's `random_string` (`kong/tools/rand.lua`): 24 random bytes in base64, with every
 * `/` replaced by a random capital and every `+` by a random small letter, giving 32
 * characters of `[A-Za-z0-9]`.
 */
export function randomKongString(): string {
  let out = "";
  for (const ch of randomBytes(24).toString("base64")) {
    if (ch === "/") out += String.fromCharCode(randomInt(65, 91));
    else if (ch === "+") out += String.fromCharCode(randomInt(97, 123));
    else out += ch;
  }
  return out;
}
