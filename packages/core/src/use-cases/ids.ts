import { toBase64Url, uuidV4FromBytes } from "../domain/encoding.js";
import type { Random } from "../ports/random.js";

/** A fresh random UUID (v4). */
export function newId(random: Random): string {
  return uuidV4FromBytes(random.bytes(16));
}

/** `bytes` fresh random bytes as base64url. */
export function randomToken(random: Random, bytes: number): string {
  return toBase64Url(random.bytes(bytes));
}
