/**
 * Kong's DAO error objects (`kong/db/errors.lua`) and the HTTP status the Admin API gives
 * each of them (`kong/api/endpoints.lua`). Messages are built the way Kong builds them,
 * because clients and Kong's own tests compare them byte for byte.
 */

/** Field errors as the schema validator reports them: a string per field, nested maps for
 * records and foreign keys, arrays for set elements, and entity-level errors under `@entity`. */
export type FieldErrors = { [field: string]: FieldError };
/** One field's error: a message, an element list (holes are `null`), or a nested map. */
export type FieldError = string | (string | null)[] | FieldErrors;

/** A DAO error as Kong serialises it (the `strategy` key is dropped by the Admin API). */
export interface DaoError {
  readonly code: number;
  readonly name: string;
  readonly message: string;
  readonly fields?: Record<string, unknown>;
  readonly options?: Record<string, unknown>;
}

/** Error codes from `kong/db/errors.lua`. */
const ERROR_CODES = {
  schemaViolation: 2,
  primaryKeyViolation: 3,
  foreignKeyViolation: 4,
  uniqueViolation: 5,
  notFound: 6,
  invalidOffset: 7,
  databaseError: 8,
  invalidSize: 9,
  invalidOptions: 11,
  operationUnsupported: 12,
  foreignKeysUnresolved: 13,
} as const;

const HTTP_STATUS_BY_CODE: Record<number, number> = {
  1: 400,
  2: 400,
  3: 400,
  4: 400,
  5: 409,
  6: 404,
  7: 400,
  8: 500,
  9: 400,
  10: 400,
  11: 400,
  12: 405,
  13: 400,
  19: 400,
};

/** HTTP status the Admin API answers for a DAO error (500 for unknown codes). */
export function httpStatusOf(error: DaoError): number {
  return HTTP_STATUS_BY_CODE[error.code] ?? 500;
}

const LUA_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LUA_KEYWORDS = new Set([
  "and",
  "break",
  "do",
  "else",
  "elseif",
  "end",
  "false",
  "for",
  "function",
  "goto",
  "if",
  "in",
  "local",
  "nil",
  "not",
  "or",
  "repeat",
  "return",
  "then",
  "true",
  "until",
  "while",
]);

/** Lua's `%q` quoting, as Penlight uses it for single-line strings. */
function luaQuote(value: string): string {
  if (value.includes("\n") || /\[=*\[|\]=*\]/.test(value)) {
    // Penlight switches to a long bracket when the string spans lines.
    let level = 0;
    while (value.includes(`]${"=".repeat(level)}]`)) level += 1;
    const eq = "=".repeat(level);
    const body = value.startsWith("\n") ? `\n${value}` : value;
    return `[${eq}[${body}]${eq}]`;
  }
  let out = '"';
  for (let i = 0; i < value.length; i += 1) {
    const ch = value.charAt(i);
    const code = value.charCodeAt(i);
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\r") out += "\\r";
    else if (code === 0) out += "\\0";
    else if (code < 32 || code === 127) {
      const next = value.charCodeAt(i + 1);
      out += next >= 48 && next <= 57 ? `\\${String(code).padStart(3, "0")}` : `\\${code}`;
    } else out += ch;
  }
  return `${out}"`;
}

/**
 * Penlight's compact `pretty.write(t, "")` for the small flat tables Kong puts in messages,
 * e.g. `{username="bob"}`; `null` is written as `null` (Kong rewrites `userdata: NULL`).
 */
export function luaTable(entries: Record<string, unknown>): string {
  const parts = Object.entries(entries).map(([key, value]) => {
    const k = LUA_IDENTIFIER.test(key) && !LUA_KEYWORDS.has(key) ? key : `[${luaQuote(key)}]`;
    return `${k}=${luaValue(value)}`;
  });
  return `{${parts.join(",")}}`;
}

function luaValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return luaQuote(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `{${value.map(luaValue).join(",")}}`;
  if (typeof value === "object") return luaTable(value as Record<string, unknown>);
  return String(value);
}

/** Byte-wise key order, as Lua's `table.sort` orders field names. */
function sortedKeys(record: Record<string, unknown>): string[] {
  return Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function errorKeys(value: FieldError): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((entry, index) => (entry === null ? [] : [String(index + 1)]));
  }
  if (typeof value === "object") return sortedKeys(value);
  return [];
}

function errorAt(value: FieldError, key: string): unknown {
  if (Array.isArray(value)) return value[Number(key) - 1];
  if (typeof value === "object") return value[key];
  return undefined;
}

/** The message of a schema violation: entity errors first, then `field: error` sorted by field. */
export function schemaViolationMessage(errors: FieldErrors): string {
  const items: string[] = [];
  const entity = errors["@entity"];
  if (Array.isArray(entity)) {
    for (const item of entity) if (item !== null) items.push(item);
  }
  for (const field of sortedKeys(errors)) {
    if (field === "@entity") continue;
    const value = errors[field];
    if (value === undefined) continue;
    if (typeof value === "string") {
      items.push(`${field}: ${value}`);
      continue;
    }
    for (const sub of errorKeys(value)) {
      const inner = errorAt(value, sub);
      const text = typeof inner === "string" ? inner : luaValue(inner);
      items.push(`${field}.${sub}: ${text}`);
    }
  }
  return items.length === 1
    ? `schema violation (${items[0]})`
    : `${items.length} schema violations (${items.join("; ")})`;
}

/** Code 2: the body of a 400 for invalid input. */
export function schemaViolation(errors: FieldErrors): DaoError {
  return {
    code: ERROR_CODES.schemaViolation,
    name: "schema violation",
    message: schemaViolationMessage(errors),
    fields: errors,
  };
}

/** Code 5: a unique constraint was hit (409). */
export function uniqueViolation(key: Record<string, unknown>): DaoError {
  return {
    code: ERROR_CODES.uniqueViolation,
    name: "unique constraint violation",
    message: `UNIQUE violation detected on '${luaTable(key)}'`,
    fields: key,
  };
}

/** Code 3: the primary key already exists. */
export function primaryKeyViolation(key: Record<string, unknown>): DaoError {
  return {
    code: ERROR_CODES.primaryKeyViolation,
    name: "primary key violation",
    message: `primary key violation on key '${luaTable(key)}'`,
    fields: key,
  };
}

/** Code 4: the foreign key points at no row. */
export function foreignKeyViolation(
  field: string,
  key: Record<string, unknown>,
  parent: string,
): DaoError {
  return {
    code: ERROR_CODES.foreignKeyViolation,
    name: "foreign key violation",
    message: `the foreign key '${luaTable(key)}' does not reference an existing '${parent}' entity.`,
    fields: { [field]: key },
  };
}

/** Code 13: a foreign key given by a unique field (e.g. `consumer.username`) matched nothing. */
export function foreignKeysUnresolved(
  field: string,
  uniqueField: string,
  value: unknown,
  parent: string,
): DaoError {
  const text = `the foreign key cannot be resolved with '${luaTable({ [uniqueField]: value })}' for an existing '${parent}' entity`;
  return {
    code: ERROR_CODES.foreignKeysUnresolved,
    name: "foreign keys unresolved",
    message: `foreign key unresolved (${field}.${uniqueField}: ${text})`,
    fields: { [field]: { [uniqueField]: text } },
  };
}

/** Code 6, raised by the DAO (e.g. PATCH of a missing row). */
export function notFound(key: Record<string, unknown>, byPrimaryKey: boolean): DaoError {
  return {
    code: ERROR_CODES.notFound,
    name: "not found",
    message: byPrimaryKey
      ? `could not find the entity with primary key '${luaTable(key)}'`
      : `could not find the entity with '${luaTable(key)}'`,
    fields: key,
  };
}

/** Code 7: an offset token that cannot be decoded. */
export function invalidOffset(offset: string, reason: string): DaoError {
  return {
    code: ERROR_CODES.invalidOffset,
    name: "invalid offset",
    message: `'${offset}' is not a valid offset: ${reason}`,
  };
}

/** Code 9: a bad `size` query parameter. */
export function invalidSize(message: string): DaoError {
  return { code: ERROR_CODES.invalidSize, name: "invalid size", message };
}

/** Code 11: a bad listing option such as an empty `tags`. */
export function invalidOptions(options: Record<string, string>): DaoError {
  const items = sortedKeys(options).map((key) => `${key}: ${options[key]}`);
  return {
    code: ERROR_CODES.invalidOptions,
    name: "invalid options",
    message:
      items.length === 1
        ? `invalid option (${items[0]})`
        : `${items.length} option violations (${items.join("; ")})`,
    options,
  };
}

/** Code 12: a write in DB-less mode. */
export function operationUnsupported(message: string): DaoError {
  return { code: ERROR_CODES.operationUnsupported, name: "operation unsupported", message };
}

/** Code 8: what a Postgres error becomes; the Admin API answers 500. */
export function databaseError(message: string): DaoError {
  return { code: ERROR_CODES.databaseError, name: "database error", message };
}
