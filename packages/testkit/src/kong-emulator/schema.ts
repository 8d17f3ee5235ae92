/**
 * Validation of consumers and jwt_secrets as Kong's schema engine does it
 * (`kong/db/schema/init.lua`, `kong/db/schema/entities/consumers.lua`,
 * `kong/plugins/jwt/daos.lua`): same checks, same order, same messages.
 */
import { JWT_ALGORITHMS } from "./constants.js";
import type { FieldError, FieldErrors } from "./dao-errors.js";
import { isValidUuid, newUuid, randomKongString } from "./ids.js";
import { loadPublicKey } from "./public-key.js";

/** A row or an input payload: field name to value, `null` for an explicit null. */
export type Row = Record<string, unknown>;

/** The DAO operation a payload is checked for. */
export type WriteContext = "insert" | "update" | "upsert";

/** Generic messages of `kong/db/schema/init.lua`. */
const MESSAGES = {
  required: "required field missing",
  unknown: "unknown field",
  string: "expected a string",
  integer: "expected an integer",
  set: "expected a set",
  uuid: "expected a valid UUID",
  timestamp: "expected a valid timestamp",
  lengthMin1: "length must be at least 1",
  missingPk: "missing primary key",
  invalidKey: "invalid key",
} as const;

const ALGORITHM_ONE_OF = `expected one of: ${JWT_ALGORITHMS.join(", ")}`;
const KEYED_ALGORITHMS = new Set(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "EdDSA"]);

/** A JSON object (a Lua table with string keys): not `null`, not an array. */
export function isPlainObject(value: unknown): value is Row {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A string field: type, then the implicit minimum length of 1. */
function checkString(value: unknown): string | undefined {
  if (typeof value !== "string") return MESSAGES.string;
  if (value.length < 1) return MESSAGES.lengthMin1;
  return undefined;
}

function checkUuidField(value: unknown): string | undefined {
  if (typeof value !== "string") return MESSAGES.string;
  // The uuid validator runs before the length validator, so "" is "expected a valid UUID".
  if (!isValidUuid(value)) return MESSAGES.uuid;
  return undefined;
}

function checkTimestamp(value: unknown): string | undefined {
  if (typeof value !== "number" || !Number.isInteger(value)) return MESSAGES.integer;
  if (value <= 0) return MESSAGES.timestamp;
  return undefined;
}

// Printable ASCII except ',' and '/', plus UTF-8 (typedefs.lua `validate_tag`).
const TAG_PATTERN = /^[\x20-\x2b\x2d\x2e\x30-\x7e\u0080-\u{10ffff}]+$/u;

function checkTag(value: unknown): string | undefined {
  const err = checkString(value);
  if (err !== undefined) return err;
  const tag = value as string;
  if (!TAG_PATTERN.test(tag)) {
    return `invalid tag '${tag}': expected printable ascii (except \`,\` and \`/\`) or valid utf-8 sequences`;
  }
  return undefined;
}

function checkTags(value: unknown): FieldError | undefined {
  if (!Array.isArray(value)) return MESSAGES.set;
  const errors: (string | null)[] = [];
  let failed = false;
  value.forEach((item, index) => {
    const err = item === null ? MESSAGES.required : checkTag(item);
    if (err !== undefined) {
      errors[index] = err;
      failed = true;
    }
  });
  if (!failed) return undefined;
  return Array.from(errors, (entry) => entry ?? null);
}

/** Validates `consumer` of a jwt_secret: a foreign key holding the consumer's `id`. */
function checkConsumerReference(value: unknown): FieldError | undefined {
  if (!isPlainObject(value)) return { id: MESSAGES.missingPk };
  const id = value.id;
  let pkError: string | undefined;
  if (id === undefined || id === false) pkError = MESSAGES.missingPk;
  else if (id === null) pkError = MESSAGES.required;
  else pkError = checkUuidField(id);
  if (pkError === undefined) return undefined;
  // Kong then validates the value against the consumers schema (partially) and prefers
  // those errors when there are any.
  const foreign = validateFields(CONSUMER_FIELDS, value);
  return foreign ?? { id: pkError };
}

type FieldChecker = (value: unknown) => FieldError | undefined;

const CONSUMER_FIELDS: Record<string, FieldChecker> = {
  id: checkUuidField,
  created_at: checkTimestamp,
  updated_at: checkTimestamp,
  username: checkString,
  custom_id: checkString,
  tags: checkTags,
};

const JWT_FIELDS: Record<string, FieldChecker> = {
  id: checkUuidField,
  created_at: checkTimestamp,
  consumer: checkConsumerReference,
  key: checkString,
  secret: checkString,
  rsa_public_key: checkString,
  algorithm: (value) => {
    if (typeof value !== "string") return MESSAGES.string;
    if (!(JWT_ALGORITHMS as readonly string[]).includes(value)) return ALGORITHM_ONE_OF;
    return undefined;
  },
  tags: checkTags,
};

function validateFields(fields: Record<string, FieldChecker>, input: Row): FieldErrors | null {
  const errors: FieldErrors = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const check = fields[key];
    if (check === undefined) {
      errors[key] = MESSAGES.unknown;
      continue;
    }
    if (value === null) continue;
    const err = check(value);
    if (err !== undefined) errors[key] = err;
  }
  return Object.keys(errors).length > 0 ? errors : null;
}

function addEntityError(errors: FieldErrors, message: string): void {
  const current = errors["@entity"];
  if (Array.isArray(current)) current.push(message);
  else errors["@entity"] = [message];
}

function isNonEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "string") return value !== "";
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}

/** Removes duplicates from a set field, keeping the first occurrence (`make_set`). */
function normaliseSet(value: unknown): unknown {
  if (isPlainObject(value) && Object.keys(value).length === 0) return [];
  if (!Array.isArray(value)) return value;
  const seen = new Set<unknown>();
  const out: unknown[] = [];
  for (const item of value) {
    if (!seen.has(item)) {
      seen.add(item);
      out.push(item);
    }
  }
  return out;
}

/** What an entity schema offers the model. */
export interface EntitySchema {
  /** Kong's entity name (`consumers`, `jwt_secrets`). */
  readonly name: "consumers" | "jwt_secrets";
  /** Field names in schema order, which is also the order of response bodies. */
  readonly fields: readonly string[];
  /** The field a non-UUID path segment is looked up by. */
  readonly endpointKey: "username" | "key";
  /** Unique fields, in the order Postgres checks their indexes. */
  readonly uniqueFields: readonly string[];
  /** Fills auto fields and defaults (`process_auto_fields`). */
  processAutoFields(input: Row, context: WriteContext, nowSeconds: number): Row;
  /** Returns the field errors of a full (insert/upsert) or merged (update) entity. */
  validate(entity: Row, context: WriteContext): FieldErrors | null;
}

function fillCommon(
  input: Row,
  context: WriteContext,
  nowSeconds: number,
  fields: readonly string[],
): Row {
  const data: Row = { ...input };
  const insertLike = context !== "update";
  if (insertLike && data.id === undefined) data.id = newUuid();
  if (insertLike && (data.created_at === undefined || data.created_at === null)) {
    data.created_at = nowSeconds;
  }
  if ("tags" in data) data.tags = normaliseSet(data.tags);
  if (insertLike) {
    for (const field of fields) if (data[field] === undefined) data[field] = null;
  }
  return data;
}

/** The consumers schema. */
export const consumerSchema: EntitySchema = {
  name: "consumers",
  fields: ["id", "created_at", "updated_at", "username", "custom_id", "tags"],
  endpointKey: "username",
  uniqueFields: ["username", "custom_id"],
  processAutoFields(input, context, nowSeconds) {
    const data = fillCommon(input, context, nowSeconds, this.fields);
    // updated_at is set on every write, whatever the client sent.
    data.updated_at = nowSeconds;
    return data;
  },
  validate(entity, context) {
    const errors = validateFields(CONSUMER_FIELDS, entity) ?? {};
    if (!isNonEmpty(entity.custom_id) && !isNonEmpty(entity.username)) {
      const prefix = context === "update" ? "when updating, " : "";
      addEntityError(
        errors,
        `${prefix}at least one of these fields must be non-empty: 'custom_id', 'username'`,
      );
    }
    return Object.keys(errors).length > 0 ? errors : null;
  },
};

/** The jwt_secrets schema. */
export const jwtSecretSchema: EntitySchema = {
  name: "jwt_secrets",
  fields: ["id", "created_at", "consumer", "key", "secret", "rsa_public_key", "algorithm", "tags"],
  endpointKey: "key",
  uniqueFields: ["key"],
  processAutoFields(input, context, nowSeconds) {
    const data: Row = { ...input };
    if (context !== "update") {
      // Auto strings are generated only when the field is absent, not when it is null.
      if (data.key === undefined) data.key = randomKongString();
      if (data.secret === undefined) data.secret = randomKongString();
      if (data.algorithm === undefined) data.algorithm = "HS256";
    }
    return fillCommon(data, context, nowSeconds, this.fields);
  },
  validate(entity, context) {
    const errors = validateFields(JWT_FIELDS, entity) ?? {};
    const full = context !== "update";
    if (entity.consumer === null || (full && entity.consumer === undefined)) {
      errors.consumer = MESSAGES.required;
    }
    const algorithm = entity.algorithm;
    // The conditional check treats a null algorithm as matching (a null passes any
    // non-required validator), so it too demands a key.
    const keyed =
      algorithm === null || (typeof algorithm === "string" && KEYED_ALGORITHMS.has(algorithm));
    if (algorithm !== undefined && keyed) {
      const key = entity.rsa_public_key;
      let err: string | undefined;
      if (key === undefined || key === null) err = MESSAGES.required;
      else {
        err = checkString(key);
        if (err === undefined && loadPublicKey(key as string) === null) err = MESSAGES.invalidKey;
      }
      if (err !== undefined) {
        errors.rsa_public_key = err;
        addEntityError(errors, "failed conditional validation given value of field 'algorithm'");
      }
    }
    return Object.keys(errors).length > 0 ? errors : null;
  },
};
