/**
 * Decoding of Admin API arguments as `kong/api/arguments.lua` does it: query strings and
 * form bodies are decoded (nested `a.b`, `a[]`, `a[1]` keys) and then *inferred* against the
 * entity schema (`""` becomes `null`, a lone value of a set becomes a one-element array,
 * integers are parsed); JSON bodies are used exactly as sent.
 */
import type { Row } from "./schema.js";

/** A raw argument value: `true` for a bare `?name`, strings, or nested structures. */
export type ArgValue = string | true | null | ArgValue[] | { [key: string]: ArgValue };

/** The type of a schema field, as far as inference cares. */
export type InferType = "string" | "integer" | "set" | { foreign: InferSpec };

/** Field types of an entity, for inference. */
export type InferSpec = Readonly<Record<string, InferType>>;

/** Inference spec of consumers. */
export const CONSUMER_INFER: InferSpec = {
  id: "string",
  created_at: "integer",
  updated_at: "integer",
  username: "string",
  custom_id: "string",
  tags: "set",
};

/** Inference spec of jwt_secrets. */
export const JWT_INFER: InferSpec = {
  id: "string",
  created_at: "integer",
  consumer: { foreign: CONSUMER_INFER },
  key: "string",
  secret: "string",
  rsa_public_key: "string",
  algorithm: "string",
  tags: "set",
};

/** `ngx.unescape_uri`: `+` is a space and `%XX` is a byte; bad escapes stay as they are. */
export function unescapeUri(text: string): string {
  const spaced = text.replace(/\+/g, " ");
  const bytes: number[] = [];
  for (let i = 0; i < spaced.length; i += 1) {
    const ch = spaced.charAt(i);
    const hex = spaced.slice(i + 1, i + 3);
    if (ch === "%" && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      for (const byte of Buffer.from(ch, "utf8")) bytes.push(byte);
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Splits `a=1&b&c=` into ordered pairs; a bare name yields `true`, as ngx does. */
export function parsePairs(raw: string): [string, string | true][] {
  const pairs: [string, string | true][] = [];
  for (const part of raw.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq === -1) pairs.push([unescapeUri(part), true]);
    else if (eq > 0) pairs.push([unescapeUri(part.slice(0, eq)), unescapeUri(part.slice(eq + 1))]);
  }
  return pairs;
}

function splitName(name: string): { base: string; keys: string[] } {
  // The first delimiter must come after the first character (`[5][x]` names a param "[5]").
  const match = /[[.]/.exec(name.slice(1));
  if (match === null) return { base: name, keys: [] };
  const at = match.index + 1;
  const keys: string[] = [];
  for (const m of name.slice(at).matchAll(/\.([^[.]+)|\[([^\]]*)\]/g))
    keys.push(m[1] ?? m[2] ?? "");
  return { base: name.slice(0, at), keys };
}

function isRecord(value: unknown): value is { [key: string]: ArgValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

type Container = ArgValue[] | { [key: string]: ArgValue };

function isContainer(value: unknown): value is Container {
  return Array.isArray(value) || isRecord(value);
}

const INDEX_KEY = /^\d*$/;

/** Stores `value` at `path`, creating arrays for `[]`/`[n]` steps and maps for the others. */
function setPath(root: { [key: string]: ArgValue }, path: string[], value: ArgValue): void {
  let node: Container = root;
  for (let i = 0; i < path.length; i += 1) {
    const key = path[i] ?? "";
    const last = i === path.length - 1;
    const fresh = (): Container => (INDEX_KEY.test(path[i + 1] ?? "") ? [] : {});
    if (Array.isArray(node)) {
      if (!INDEX_KEY.test(key)) return;
      // Lua arrays are 1-based; `[]` appends.
      const index: number = key === "" ? node.length : Math.max(Number(key) - 1, 0);
      if (last) {
        node[index] = value;
        return;
      }
      const next: ArgValue | undefined = node[index];
      if (isContainer(next)) node = next;
      else {
        const created = fresh();
        node[index] = created;
        node = created;
      }
      continue;
    }
    if (last) {
      node[key] = value;
      return;
    }
    const next: ArgValue | undefined = node[key];
    if (isContainer(next)) node = next;
    else {
      const created = fresh();
      node[key] = created;
      node = created;
    }
  }
}

/** Decodes ordered pairs into a nested object (`consumer.id`, `tags[]`, `tags[2]`, repeats). */
function decodePairs(pairs: [string, ArgValue][]): Record<string, ArgValue> {
  const out: { [key: string]: ArgValue } = {};
  for (const [name, value] of pairs) {
    const { base, keys } = splitName(name);
    if (keys.length > 0) {
      setPath(out, [base, ...keys], value);
      continue;
    }
    const current = out[base];
    if (current === undefined) out[base] = value;
    else if (Array.isArray(current)) current.push(value);
    else out[base] = [current, value];
  }
  // Arrays built from `[n]` keys may have holes; Lua's ipairs stops at the first one.
  for (const [key, value] of Object.entries(out)) {
    if (Array.isArray(value)) {
      const firstHole = Array.from(value, (item) => item === undefined).indexOf(true);
      if (firstHole !== -1) out[key] = value.slice(0, firstHole);
    }
  }
  return out;
}

function inferValue(value: unknown, type: InferType | undefined): unknown {
  if (value === undefined || value === false || type === undefined) return value;
  if (value === "" || value === null) return null;
  if (type === "integer") {
    if (typeof value !== "string") return value;
    const parsed = luaToNumber(value);
    return parsed ?? value;
  }
  if (type === "set") {
    const list = Array.isArray(value) ? value : [value];
    return Array.from(list, (item: unknown) => inferValue(item, "string"));
  }
  if (typeof type === "object") {
    return isRecord(value) ? inferArgs(value, type.foreign) : value;
  }
  return value;
}

/** `infer`: converts decoded strings into the types the schema expects. */
function inferArgs(args: Record<string, unknown>, spec: InferSpec): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(args)) out[key] = inferValue(value, spec[key]);
  return out;
}

/**
 * Lua's `tonumber` on a string: surrounding spaces allowed, decimal or hex (`0x1f`),
 * `nil` (here `null`) for anything else, including the empty string.
 */
export function luaToNumber(text: string): number | null {
  const trimmed = text.trim();
  if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(trimmed)) {
    const negative = trimmed.startsWith("-");
    const value = Number.parseInt(trimmed.replace(/^[-+]?0[xX]/, ""), 16);
    return negative ? -value : value;
  }
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return Number(trimmed);
  if (/^[-+]?(inf|infinity)$/i.test(trimmed)) return trimmed.startsWith("-") ? -Infinity : Infinity;
  if (/^[-+]?nan$/i.test(trimmed)) return Number.NaN;
  return null;
}

/** Query arguments of a URL, decoded and inferred against `spec`. */
export function queryArgs(url: URL, spec: InferSpec): Row {
  return inferArgs(decodePairs(parsePairs(url.search.slice(1))), spec);
}

/** The outcome of reading a POST/PUT/PATCH body. */
export type BodyArgs =
  | { readonly kind: "ok"; readonly args: Row }
  | { readonly kind: "unsupported-media-type" }
  | { readonly kind: "bad-json" }
  | { readonly kind: "unexpected" };

/**
 * Reads the body of a write request the way Kong's `before_filter`, lapis `json_params` and
 * `arguments.load` do together.
 */
export async function readBodyArgs(request: Request, spec: InferSpec): Promise<BodyArgs> {
  const contentType = request.headers.get("content-type");
  const raw = Buffer.from(await request.arrayBuffer());
  if (contentType === null) {
    // A body without a Content-Type is refused; no body at all is an empty payload.
    return raw.length === 0 ? { kind: "ok", args: {} } : { kind: "unsupported-media-type" };
  }
  const isJson = contentType.startsWith("application/json");
  const isForm = contentType.startsWith("application/x-www-form-urlencoded");
  const isMultipart = contentType.startsWith("multipart/form-data");
  if (!isJson && !isForm && !isMultipart) return { kind: "unsupported-media-type" };
  if (isJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString("utf8"));
    } catch {
      return { kind: "bad-json" };
    }
    if (Array.isArray(parsed)) {
      // A JSON array decodes to a Lua table with keys 1..n, each an unknown field.
      const args: Row = {};
      parsed.forEach((item: unknown, index) => {
        args[String(index + 1)] = item;
      });
      return { kind: "ok", args };
    }
    if (typeof parsed !== "object" || parsed === null) return { kind: "unexpected" };
    return { kind: "ok", args: parsed as Row };
  }
  if (isForm) {
    return { kind: "ok", args: inferArgs(decodePairs(parsePairs(raw.toString("utf8"))), spec) };
  }
  try {
    const form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
    const pairs: [string, ArgValue][] = [];
    for (const [name, value] of form.entries()) {
      pairs.push([name, typeof value === "string" ? value : await value.text()]);
    }
    return { kind: "ok", args: inferArgs(decodePairs(pairs), spec) };
  } catch {
    // Kong logs an unparsable multipart body and carries on with no arguments.
    return { kind: "ok", args: {} };
  }
}
