/**
 * What `kong.cache` would hold for the jwt plugin, so that `GET /cache/{key}` answers as in
 * Kong (`kong/api/routes/cache.lua`), which `spec/03-plugins/16-jwt/04-invalidations_spec.lua`
 * polls. The proxy records each lookup; an entry stays valid while the row it saw is
 * unchanged, because Kong invalidates a cache key on every write to that entity.
 */
import type { KongModel } from "./model.js";
import type { Row } from "./schema.js";

/** The entities the proxy caches, by Kong's `cache_key` prefix. */
export type CachedEntity = "jwt_secrets" | "consumers";

interface Entry {
  /** The row as the proxy saw it (JSON), or `null` for a cached miss. */
  readonly snapshot: string | null;
}

const caches = new WeakMap<KongModel, Map<string, Entry>>();

function cacheOf(model: KongModel): Map<string, Entry> {
  let cache = caches.get(model);
  if (cache === undefined) {
    cache = new Map();
    caches.set(model, cache);
  }
  return cache;
}

function current(model: KongModel, entity: CachedEntity, key: string): Row | null {
  return entity === "jwt_secrets"
    ? model.jwtSecrets.select({ field: "key", value: key })
    : model.consumers.select({ field: "id", value: key });
}

/** Records that the proxy loaded `key` of `entity` and found `row` (or nothing). */
export function recordLookup(
  model: KongModel,
  entity: CachedEntity,
  key: string,
  row: Readonly<Row> | null,
): void {
  cacheOf(model).set(`${entity}:${key}`, { snapshot: row === null ? null : JSON.stringify(row) });
}

/**
 * `dao:cache_key(key)` is `<entity>:<key>:::::<ws_id>`; the workspace part is ignored here
 * (the emulator has one workspace), and `<entity>:<key>` alone is accepted too.
 */
function parseCacheKey(cacheKey: string): { entity: CachedEntity; key: string } | null {
  const parts = cacheKey.split(":");
  const entity = parts[0];
  if (entity !== "jwt_secrets" && entity !== "consumers") return null;
  const key =
    parts.length >= 7 ? parts.slice(1, parts.length - 5).join(":") : parts.slice(1).join(":");
  return { entity, key };
}

/**
 * `kong.cache:probe(key)`: the cached value (Kong answers 200 with it, `{}` for a cached
 * miss) or `null` when the key is not cached or was invalidated by a write.
 */
export function probeCache(model: KongModel, cacheKey: string): Row | null {
  const parsed = parseCacheKey(cacheKey);
  if (parsed === null) return null;
  const cache = cacheOf(model);
  const id = `${parsed.entity}:${parsed.key}`;
  const entry = cache.get(id);
  if (entry === undefined) return null;
  const row = current(model, parsed.entity, parsed.key);
  if ((row === null ? null : JSON.stringify(row)) !== entry.snapshot) {
    cache.delete(id);
    return null;
  }
  if (row === null) return {};
  // Cached rows are read without nulls.
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null));
}

/** `DELETE /cache/{key}` (`invalidate_local`) or, without a key, `DELETE /cache` (`purge`). */
export function invalidateCache(model: KongModel, cacheKey?: string): void {
  const cache = cacheOf(model);
  if (cacheKey === undefined) {
    cache.clear();
    return;
  }
  const parsed = parseCacheKey(cacheKey);
  if (parsed !== null) cache.delete(`${parsed.entity}:${parsed.key}`);
}
