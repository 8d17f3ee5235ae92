/**
 * The one in-memory store behind both Admin API front-ends and the proxy: consumers and
 * jwt_secrets with Kong's DAO semantics over Postgres (ordering by id, opaque offsets,
 * unique constraints, cascade delete, read-before-write on update).
 */
import type { JwtAlgorithm } from "./constants.js";
import {
  type DaoError,
  databaseError,
  foreignKeysUnresolved,
  foreignKeyViolation,
  invalidOffset,
  invalidSize,
  luaTable,
  notFound,
  operationUnsupported,
  primaryKeyViolation,
  schemaViolation,
  uniqueViolation,
} from "./dao-errors.js";
import { isValidUuid } from "./ids.js";
import {
  consumerSchema,
  type EntitySchema,
  jwtSecretSchema,
  type Row,
  type WriteContext,
} from "./schema.js";

/** A consumer as the Admin API renders it. */
export interface KongConsumer {
  id: string;
  created_at: number;
  updated_at: number;
  username: string | null;
  custom_id: string | null;
  tags: string[] | null;
}

/** A JWT credential (`jwt_secrets` row) as the Admin API renders it. */
export interface KongJwtCredential {
  id: string;
  created_at: number;
  consumer: { id: string };
  key: string | null;
  secret: string | null;
  rsa_public_key: string | null;
  algorithm: JwtAlgorithm | null;
  tags: string[] | null;
}

/** Either the entity or the DAO error Kong would return. */
export type DaoResult<T> = { ok: true; value: T } | { ok: false; error: DaoError };

/** How a path segment addresses a row: by `id`, or by the endpoint key (`username`/`key`). */
export interface Lookup {
  readonly field: string;
  readonly value: string;
}

/** Options of a write: `dbless` makes the strategy refuse it as DB-less Kong does. */
export interface WriteOptions {
  readonly dbless?: boolean;
}

/** One page of a listing. `offset` is present only when another page exists. */
export interface Page {
  readonly rows: Row[];
  readonly offset?: string;
}

/** The DAO of one entity: Kong's `kong.db.<entity>` methods, synchronous and in memory. */
export interface EntityDao {
  readonly schema: EntitySchema;
  /** A copy of the row whose `field` equals `value`, or `null`. */
  select(lookup: Lookup): Row | null;
  /**
   * The stored row itself, read-only, or `null`: for the proxy, which reads a credential and
   * its consumer on every request and need not pay for the copy {@link EntityDao.select} makes.
   */
  view(lookup: Lookup): Readonly<Row> | null;
  insert(input: Row, options?: WriteOptions): DaoResult<Row>;
  update(lookup: Lookup, input: Row, options?: WriteOptions): DaoResult<Row>;
  upsert(lookup: Lookup, input: Row, options?: WriteOptions): DaoResult<Row>;
  /** Deletes (cascading); deleting nothing is a success, as in Kong. */
  delete(lookup: Lookup, options?: WriteOptions): DaoResult<true>;
  /** Ordered by id; `size` defaults to 100, `filter` narrows the rows (tags, consumer). */
  page(
    size: number | undefined,
    offset: string | undefined,
    filter?: (row: Row) => boolean,
  ): DaoResult<Page>;
  /** Every row, ordered by id. */
  all(): Row[];
}

/** Options of {@link createKongModel}. */
export interface KongModelOptions {
  /** Clock in milliseconds since the epoch; timestamps are its whole seconds. */
  readonly now?: () => number;
}

/** Thrown by the model's convenience methods when Kong would have answered with an error. */
export class KongModelError extends Error {
  /** The DAO error Kong would have returned. */
  readonly dao: DaoError;
  constructor(dao: DaoError) {
    super(dao.message);
    this.name = "KongModelError";
    this.dao = dao;
  }
}

/** The shared in-memory state of the emulator. */
export interface KongModel {
  /** Current time in whole seconds, from the injected clock. */
  nowSeconds(): number;
  readonly consumers: EntityDao;
  readonly jwtSecrets: EntityDao;
  /** Creates a consumer; throws {@link KongModelError} on what Kong would reject. */
  createConsumer(input: {
    id?: string;
    username?: string;
    custom_id?: string;
    tags?: string[];
  }): KongConsumer;
  /** Creates a JWT credential for a consumer given by id or username. */
  createJwtCredential(
    consumer: string,
    input?: {
      id?: string;
      key?: string;
      secret?: string;
      algorithm?: JwtAlgorithm;
      rsa_public_key?: string;
      tags?: string[];
    },
  ): KongJwtCredential;
  /** Looks a consumer up as `GET /consumers/{segment}` does (a UUID means id only). */
  findConsumer(idOrUsername: string): KongConsumer | null;
  /** The credential whose `key` equals `key` exactly (what the jwt plugin does). */
  findJwtCredentialByKey(key: string): KongJwtCredential | null;
  listConsumers(): KongConsumer[];
  /** All credentials, or those of one consumer id. */
  listJwtCredentials(consumerId?: string): KongJwtCredential[];
  /** Deletes a consumer by id or username, with its credentials. */
  deleteConsumer(idOrUsername: string): void;
  /** Empties the store. */
  reset(): void;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function project(schema: EntitySchema, row: Row): Row {
  const out: Row = {};
  for (const field of schema.fields) out[field] = row[field] ?? null;
  return out;
}

function normaliseId(value: unknown): unknown {
  return isValidUuid(value) ? value.toLowerCase() : value;
}

function decodeOffsetToken(token: string): DaoResult<unknown> {
  // ngx.decode_base64: standard alphabet, padding optional, length % 4 == 1 is invalid.
  const stripped = token.replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]*$/.test(stripped) || stripped.length % 4 === 1) {
    return { ok: false, error: invalidOffset(token, "bad base64 encoding") };
  }
  const text = Buffer.from(stripped, "base64").toString("utf8");
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: invalidOffset(token, "bad json encoding") };
  }
}

/** Encodes the offset token as Kong's Postgres strategy does: unpadded base64 of `["<id>"]`. */
export function encodeOffset(id: string): string {
  return Buffer.from(JSON.stringify([id]), "utf8")
    .toString("base64")
    .replace(/=+$/, "");
}

/** One entity's rows by (lower-case) id. */
type Store = Map<string, Row>;

/** Creates an empty model. */
export function createKongModel(options: KongModelOptions = {}): KongModel {
  const clock = options.now ?? Date.now;
  const nowSeconds = (): number => Math.floor(clock() / 1000);
  const consumerStore: Store = new Map();
  const jwtStore: Store = new Map();

  function findRow(store: Store, lookup: Lookup): Row | undefined {
    if (lookup.field === "id") {
      return isValidUuid(lookup.value) ? store.get(lookup.value.toLowerCase()) : undefined;
    }
    for (const row of store.values()) if (row[lookup.field] === lookup.value) return row;
    return undefined;
  }

  function conflict(store: Store, field: string, value: unknown, exceptId?: unknown): boolean {
    if (value === null || value === undefined) return false;
    for (const row of store.values()) {
      if (row.id !== exceptId && row[field] === value) return true;
    }
    return false;
  }

  /** `resolve_foreign`: a `consumer` given by username or custom_id becomes `{id}`. */
  function resolveForeign(entity: Row): DaoError | null {
    const reference = entity.consumer;
    if (typeof reference !== "object" || reference === null || Array.isArray(reference)) {
      return null;
    }
    const ref = reference as Row;
    if (isValidUuid(ref.id)) return null;
    for (const field of ["username", "custom_id"]) {
      const value = ref[field];
      if (typeof value !== "string" || value === "") continue;
      const found = findRow(consumerStore, { field, value });
      if (found === undefined) return foreignKeysUnresolved("consumer", field, value, "consumers");
      entity.consumer = { id: found.id };
      return null;
    }
    return null;
  }

  /** The unique-index checks Postgres does on write, mapped the way Kong's strategy maps them. */
  function uniqueError(
    schema: EntitySchema,
    store: Store,
    entity: Row,
    exceptId: unknown,
    checkPk: boolean,
    pkKey: Record<string, unknown>,
  ): DaoError | null {
    const pkTaken = checkPk && store.has(String(entity.id));
    const taken = schema.uniqueFields.filter((field) =>
      conflict(store, field, entity[field], exceptId),
    );
    if (schema.name === "jwt_secrets") {
      // Kong searches the Postgres message for each unique field name; "key" is in every
      // unique-violation message ("duplicate key value ..."), so even an id clash is
      // reported as a clash on `key`.
      return pkTaken || taken.length > 0 ? uniqueViolation({ key: entity.key ?? null }) : null;
    }
    if (pkTaken) return primaryKeyViolation(pkKey);
    const first = taken[0];
    return first === undefined ? null : uniqueViolation({ [first]: entity[first] });
  }

  function foreignError(schema: EntitySchema, entity: Row): DaoError | null {
    if (schema.name !== "jwt_secrets") return null;
    const reference = entity.consumer as Row;
    if (consumerStore.has(String(reference.id).toLowerCase())) return null;
    return foreignKeyViolation("consumer", { id: reference.id }, "consumers");
  }

  function unsupported(schema: EntitySchema, operation: string, by?: string): DaoError {
    const suffix = by === undefined || by === "id" ? "" : ` by '${by}'`;
    return operationUnsupported(
      `cannot ${operation} '${schema.name}' entities${suffix} when not using a database`,
    );
  }

  function store(schema: EntitySchema, target: Store, entity: Row): Row {
    const row = project(schema, entity);
    row.id = normaliseId(row.id);
    if (schema.name === "jwt_secrets") {
      const reference = row.consumer as Row;
      row.consumer = { id: normaliseId(reference.id) };
    }
    target.set(String(row.id), row);
    return clone(row);
  }

  function prepare(schema: EntitySchema, input: Row, context: WriteContext): Row {
    return schema.processAutoFields(clone(input), context, nowSeconds());
  }

  function validated(schema: EntitySchema, entity: Row, context: WriteContext): DaoError | null {
    const resolveErr = schema.name === "jwt_secrets" ? resolveForeign(entity) : null;
    if (resolveErr !== null) return resolveErr;
    const errors = schema.validate(entity, context);
    return errors === null ? null : schemaViolation(errors);
  }

  function makeDao(schema: EntitySchema, target: Store): EntityDao {
    return {
      schema,
      select(lookup) {
        const row = findRow(target, lookup);
        return row === undefined ? null : clone(row);
      },
      view(lookup) {
        return findRow(target, lookup) ?? null;
      },
      insert(input, writeOptions = {}) {
        const entity = prepare(schema, input, "insert");
        const err = validated(schema, entity, "insert");
        if (err !== null) return { ok: false, error: err };
        if (writeOptions.dbless === true)
          return { ok: false, error: unsupported(schema, "create") };
        if (entity.id === null) {
          // Postgres refuses a null primary key; Kong renders ngx.null as "userdata: NULL".
          return {
            ok: false,
            error: {
              ...primaryKeyViolation({ id: null }),
              message: `primary key violation on key '${luaTable({ id: "userdata: NULL" })}'`,
            },
          };
        }
        entity.id = normaliseId(entity.id);
        const uniqueErr = uniqueError(schema, target, entity, undefined, true, { id: entity.id });
        if (uniqueErr !== null) return { ok: false, error: uniqueErr };
        const fkErr = foreignError(schema, entity);
        if (fkErr !== null) return { ok: false, error: fkErr };
        return { ok: true, value: store(schema, target, entity) };
      },
      update(lookup, input, writeOptions = {}) {
        const prepared = prepare(schema, input, "update");
        const existing = findRow(target, lookup);
        if (existing === undefined) {
          return {
            ok: false,
            error: notFound({ [lookup.field]: lookup.value }, lookup.field === "id"),
          };
        }
        const merged = clone(existing);
        for (const [field, value] of Object.entries(prepared)) {
          if (value !== undefined) merged[field] = value;
        }
        const err = validated(schema, merged, "update");
        if (err !== null) return { ok: false, error: err };
        if (writeOptions.dbless === true) {
          return { ok: false, error: unsupported(schema, "update", lookup.field) };
        }
        // The primary key is never part of an UPDATE's SET list.
        merged.id = existing.id;
        const uniqueErr = uniqueError(schema, target, merged, existing.id, false, {});
        if (uniqueErr !== null) return { ok: false, error: uniqueErr };
        const fkErr = foreignError(schema, merged);
        if (fkErr !== null) return { ok: false, error: fkErr };
        return { ok: true, value: store(schema, target, merged) };
      },
      upsert(lookup, input, writeOptions = {}) {
        const entity = prepare(schema, input, "upsert");
        entity[lookup.field] = lookup.field === "id" ? normaliseId(lookup.value) : lookup.value;
        const err = validated(schema, entity, "upsert");
        if (err !== null) return { ok: false, error: err };
        if (writeOptions.dbless === true) {
          return { ok: false, error: unsupported(schema, "create or update", lookup.field) };
        }
        const existing = findRow(target, lookup);
        if (existing !== undefined) entity.id = existing.id;
        else entity.id = normaliseId(entity.id);
        const pkKey = lookup.field === "id" ? { id: entity.id } : { [lookup.field]: lookup.value };
        const uniqueErr = uniqueError(
          schema,
          target,
          entity,
          existing?.id,
          existing === undefined,
          pkKey,
        );
        if (uniqueErr !== null) return { ok: false, error: uniqueErr };
        const fkErr = foreignError(schema, entity);
        if (fkErr !== null) return { ok: false, error: fkErr };
        return { ok: true, value: store(schema, target, entity) };
      },
      delete(lookup, writeOptions = {}) {
        const existing = findRow(target, lookup);
        if (existing === undefined) return { ok: true, value: true };
        if (writeOptions.dbless === true) {
          return { ok: false, error: unsupported(schema, "remove", lookup.field) };
        }
        target.delete(String(existing.id));
        if (schema.name === "consumers") {
          for (const [id, row] of jwtStore) {
            if ((row.consumer as Row).id === existing.id) jwtStore.delete(id);
          }
        }
        return { ok: true, value: true };
      },
      page(size, offset, filter) {
        if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > 1000)) {
          return { ok: false, error: invalidSize("size must be an integer between 1 and 1000") };
        }
        const limit = size ?? 100;
        let after: string | undefined;
        if (offset !== undefined) {
          const decoded = decodeOffsetToken(offset);
          if (!decoded.ok) return decoded;
          const value = decoded.value;
          if (Array.isArray(value)) {
            const first: unknown = value[0];
            if (first !== undefined && first !== null) {
              // Postgres compares against a uuid column: anything else is a database error.
              if (!isValidUuid(first)) {
                return {
                  ok: false,
                  error: databaseError(`invalid input syntax for type uuid: "${String(first)}"`),
                };
              }
              after = first.toLowerCase();
            }
          } else if (typeof value === "string" || (typeof value === "object" && value !== null)) {
            // Indexing a non-array gives nil, and `id > NULL` matches nothing.
            return { ok: true, value: { rows: [] } };
          } else {
            return { ok: false, error: databaseError("invalid offset token") };
          }
        }
        const sorted = [...target.values()]
          .filter((row) => filter === undefined || filter(row))
          .sort((a, b) => compareIds(String(a.id), String(b.id)))
          .filter((row) => after === undefined || String(row.id) > after);
        const rows = sorted.slice(0, limit).map(clone);
        const last = rows[rows.length - 1];
        if (sorted.length > limit && last !== undefined) {
          return { ok: true, value: { rows, offset: encodeOffset(String(last.id)) } };
        }
        return { ok: true, value: { rows } };
      },
      all() {
        return [...target.values()]
          .sort((a, b) => compareIds(String(a.id), String(b.id)))
          .map(clone);
      },
    };
  }

  const consumers = makeDao(consumerSchema, consumerStore);
  const jwtSecrets = makeDao(jwtSecretSchema, jwtStore);

  function unwrap<T>(result: DaoResult<Row>): T {
    if (!result.ok) throw new KongModelError(result.error);
    return result.value as unknown as T;
  }

  function consumerLookup(segment: string): Lookup {
    return isValidUuid(segment)
      ? { field: "id", value: segment }
      : { field: "username", value: segment };
  }

  return {
    nowSeconds,
    consumers,
    jwtSecrets,
    createConsumer(input) {
      return unwrap<KongConsumer>(consumers.insert({ ...input }));
    },
    createJwtCredential(consumer, input = {}) {
      const lookup = consumerLookup(consumer);
      const owner = consumers.view(lookup);
      if (owner === null) {
        throw new KongModelError(notFound({ [lookup.field]: consumer }, lookup.field === "id"));
      }
      return unwrap<KongJwtCredential>(jwtSecrets.insert({ ...input, consumer: { id: owner.id } }));
    },
    findConsumer(idOrUsername) {
      return consumers.select(consumerLookup(idOrUsername)) as KongConsumer | null;
    },
    findJwtCredentialByKey(key) {
      return jwtSecrets.select({ field: "key", value: key }) as KongJwtCredential | null;
    },
    listConsumers() {
      return consumers.all() as unknown as KongConsumer[];
    },
    listJwtCredentials(consumerId) {
      const rows = jwtSecrets.all() as unknown as KongJwtCredential[];
      return consumerId === undefined
        ? rows
        : rows.filter((row) => row.consumer.id === consumerId.toLowerCase());
    },
    deleteConsumer(idOrUsername) {
      consumers.delete(consumerLookup(idOrUsername));
    },
    reset() {
      consumerStore.clear();
      jwtStore.clear();
    },
  };
}
