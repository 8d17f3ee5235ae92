/**
 * Kong Admin API bodies, read defensively: only the fields the gateway uses are checked, and a
 * body that lacks one is "unexpected" rather than a crash further in (kong-contract §2–§3).
 */
import type { Consumer, JwtCredential } from "@kong-jwt-auth/core";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/** A consumer body (`{"id", "username", …}`), or null when it does not have that shape. */
export function parseConsumer(body: unknown): Consumer | null {
  if (!isRecord(body) || !isNonEmptyString(body.id)) return null;
  const { username } = body;
  // Kong renders absent fields as null; a missing key is tolerated for the same meaning.
  if (username !== null && username !== undefined && typeof username !== "string") return null;
  return { id: body.id, username: username ?? null };
}

/**
 * A `jwt_secrets` body read from a consumer's nested endpoint, or null when it does not have that
 * shape. Kong always renders `consumer` and `algorithm`; an Admin API that leaves them out (or
 * null) is read as Kong's proxy reads such a row: the credential of the consumer in the path,
 * with the default algorithm HS256.
 */
export function parseCredential(body: unknown, consumerId: string): JwtCredential | null {
  if (!isRecord(body) || !isNonEmptyString(body.id)) return null;
  const { consumer, key, secret, algorithm } = body;
  if (!isNonEmptyString(key) || typeof secret !== "string") return null;
  if (algorithm !== null && algorithm !== undefined && !isNonEmptyString(algorithm)) return null;
  let owner = consumerId;
  if (consumer !== null && consumer !== undefined) {
    if (!isRecord(consumer) || !isNonEmptyString(consumer.id)) return null;
    owner = consumer.id;
  }
  return { id: body.id, consumerId: owner, key, secret, algorithm: algorithm ?? "HS256" };
}

/** One page of a paginated list (kong-contract §1.6). */
export interface Page {
  readonly data: readonly unknown[];
  /** The opaque offset of the next page, or null on the last page. */
  readonly offset: string | null;
}

/**
 * Reads `{"data": [...], "next": …, "offset": …}`. The offset is taken from `next` (a path
 * relative to Kong's root, which may not be ours when the Admin API sits behind a prefix) or,
 * failing that, from `offset`.
 */
export function parsePage(body: unknown): Page | null {
  if (!isRecord(body) || !Array.isArray(body.data)) return null;
  const { next, offset } = body;
  if (next === null || next === undefined) return { data: body.data, offset: null };
  if (typeof next !== "string") return null;
  const fromNext = new URL(next, "http://kong.invalid").searchParams.get("offset");
  const resolved = fromNext ?? (isNonEmptyString(offset) ? offset : null);
  return resolved === null ? null : { data: body.data, offset: resolved };
}

/** The DAO error code in an error body (`{"code": 3, "name": "primary key violation", …}`). */
export function daoErrorCode(body: unknown): number | null {
  return isRecord(body) && typeof body.code === "number" ? body.code : null;
}

/** Kong's DAO code for a primary key violation, answered as 400 (kong-contract §1.4). */
export const PRIMARY_KEY_VIOLATION = 3;

/** Kong's DAO code for "operation unsupported": a write to a DB-less Kong, answered as 405 (§6.2). */
export const OPERATION_UNSUPPORTED = 12;

/** True when `GET /` reports `configuration.database: "off"`: Kong runs DB-less (kong-contract §6). */
export function reportsDbless(body: unknown): boolean {
  return isRecord(body) && isRecord(body.configuration) && body.configuration.database === "off";
}
