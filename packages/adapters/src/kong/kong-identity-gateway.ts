import {
  type Consumer,
  err,
  type IdentityGateway,
  type IdentityResult,
  type IdentityUnavailableError,
  type JwtCredential,
  ok,
  type Result,
} from "@kong-jwt-auth/core";
import { isHTTPError, isTimeoutError } from "ky";
import {
  type KongIdentityGatewayOptions,
  type KongTransport,
  resolveKongTransport,
} from "./kong-admin-options.js";
import {
  daoErrorCode,
  OPERATION_UNSUPPORTED,
  PRIMARY_KEY_VIOLATION,
  parseConsumer,
  parseCredential,
  parsePage,
  reportsDbless,
} from "./kong-wire.js";

/** A call as sent, and the label that names it in messages (a path template: no values). */
interface Call {
  readonly method: "get" | "post" | "delete";
  readonly path: string;
  readonly label: string;
  readonly json?: unknown;
  readonly searchParams?: Readonly<Record<string, string>>;
}

/** A response the gateway judges by status: anything that is not a retriable failure. */
interface Reply {
  readonly status: number;
  readonly body: unknown;
}

type Sent = Result<Reply, IdentityUnavailableError>;

/**
 * Statuses retried like network errors. Every call this gateway makes is idempotent (GET, DELETE,
 * and POSTs that carry the id or key they create), so every call may be retried.
 */
const RETRIED_STATUSES = [408, 429, 500, 502, 503, 504];
const BACKOFF_LIMIT_MS = 2000;
/** A paginated list longer than this is a Kong fault (or a loop), not a user's credentials. */
const MAX_PAGES = 100;

const enc = encodeURIComponent;

function unavailable(message: string): IdentityUnavailableError {
  return { code: "identity_unavailable", message: `Kong Admin API ${message}` };
}

/** Said when Kong turns out to be DB-less: no retry can help, only the operator. */
const DBLESS =
  "Kong runs DB-less (database = off), so its Admin API cannot create consumers or JWT credentials; run Kong with a database (PostgreSQL)";

function unexpectedStatus(call: Call, { status, body }: Reply): IdentityUnavailableError {
  if (status === 405 && daoErrorCode(body) === OPERATION_UNSUPPORTED) {
    return unavailable(`${call.label} answered 405: ${DBLESS}`);
  }
  const hint = status === 401 || status === 403 ? " (check the admin token)" : "";
  return unavailable(`${call.label} answered an unexpected ${status}${hint}`);
}

function unexpectedBody(call: Call): IdentityUnavailableError {
  return unavailable(`${call.label} answered with an unexpected body`);
}

/** Why a call failed, in words safe to log: no headers, no bodies, no secrets. */
function describeFailure(error: unknown, timeoutMs: number): string {
  if (isTimeoutError(error)) return `timed out after ${timeoutMs} ms`;
  if (isHTTPError(error)) return `answered ${error.response.status}`;
  const cause = error instanceof Error ? error.cause : undefined;
  const code =
    typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
      ? cause.code
      : null;
  return code ? `network error (${code})` : "network error";
}

/** The JSON of a body, or undefined: a non-JSON body (a proxy's HTML 404) is judged by status. */
function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function createSender(transport: KongTransport): (call: Call) => Promise<Sent> {
  const { http, timeoutMs, retries, retryDelayMs } = transport;
  return async (call) => {
    let attempts = 1;
    try {
      const response = await http(call.path, {
        method: call.method,
        json: call.json,
        searchParams: call.searchParams,
        timeout: timeoutMs,
        // Only retriable statuses throw (and are retried); the others are answers to judge.
        throwHttpErrors: (status) => RETRIED_STATUSES.includes(status),
        retry: {
          limit: retries,
          methods: ["get", "post", "delete"],
          statusCodes: RETRIED_STATUSES,
          afterStatusCodes: [429, 503],
          maxRetryAfter: BACKOFF_LIMIT_MS,
          // A timed-out attempt has already spent the whole timeout: retrying it would multiply
          // the wait of a client whose Kong hangs. Fast failures (refused, reset, 5xx) retry.
          retryOnTimeout: false,
          delay: (attempt) => retryDelayMs * 2 ** (attempt - 1),
          // "Equal jitter": at least half the backoff, so retries stay spaced but not in step.
          jitter: (delay) => delay / 2 + (Math.random() * delay) / 2,
          backoffLimit: BACKOFF_LIMIT_MS,
        },
        hooks: {
          beforeRetry: [
            ({ retryCount }) => {
              attempts = retryCount + 1;
            },
          ],
        },
      });
      return ok({ status: response.status, body: parseJson(await response.text()) });
    } catch (error) {
      const tries = attempts === 1 ? "1 attempt" : `${attempts} attempts`;
      return err(
        unavailable(`${call.label} failed after ${tries}: ${describeFailure(error, timeoutMs)}`),
      );
    }
  };
}

/**
 * The {@link IdentityGateway} over Kong's Admin API (kong-contract §2–§3), with ky.
 *
 * Every call has a timeout (default 2 s, not retried, so a hung Kong costs a caller one timeout)
 * and bounded retries with exponential backoff and jitter on network errors and 408, 429, 500,
 * 502, 503 and 504. All calls are idempotent: the two POSTs carry the consumer id and credential
 * key the service chose, and a retry that finds its own earlier write (409, or a primary-key
 * violation) recovers it. Any fault, refusal or malformed answer becomes an
 * `identity_unavailable` value naming the call and the reason; no call throws. Path segments are
 * always URL-encoded.
 *
 * @throws TypeError naming the option when the options are invalid.
 */
export function createKongIdentityGateway(options: KongIdentityGatewayOptions): IdentityGateway {
  const send = createSender(resolveKongTransport(options));

  /** A GET of one entity: 404 is absence, 200 is parsed, anything else is unexpected. */
  async function getOne<T>(
    call: Call,
    parse: (body: unknown) => T | null,
  ): Promise<Result<T | null, IdentityUnavailableError>> {
    const sent = await send(call);
    if (!sent.ok) return sent;
    if (sent.value.status === 404) return ok(null);
    if (sent.value.status !== 200) return err(unexpectedStatus(call, sent.value));
    const entity = parse(sent.value.body);
    return entity ? ok(entity) : err(unexpectedBody(call));
  }

  /** A DELETE: Kong's 204, and a 404 (already gone, which is what was asked), both succeed. */
  async function deleteOne(call: Call): Promise<Result<void, IdentityUnavailableError>> {
    const sent = await send(call);
    if (!sent.ok) return sent;
    const { status } = sent.value;
    return status === 204 || status === 200 || status === 404
      ? ok(undefined)
      : err(unexpectedStatus(call, sent.value));
  }

  async function consumerByUsername(
    username: string,
  ): Promise<Result<Consumer | null, IdentityUnavailableError>> {
    const found = await getOne(
      { method: "get", path: `consumers/${enc(username)}`, label: "GET /consumers/{username}" },
      parseConsumer,
    );
    if (!found.ok || found.value === null) return found;
    // A UUID-shaped segment is resolved as an id (kong-contract §1.5): never report that
    // consumer as the owner of a username it does not have.
    return ok(found.value.username === username ? found.value : null);
  }

  function findCredential(
    consumerId: string,
    key: string,
  ): Promise<Result<JwtCredential | null, IdentityUnavailableError>> {
    return getOne(
      {
        method: "get",
        path: `consumers/${enc(consumerId)}/jwt/${enc(key)}`,
        label: "GET /consumers/{id}/jwt/{key}",
      },
      (body) => parseCredential(body, consumerId),
    );
  }

  return {
    findConsumerByUsername: consumerByUsername,

    async createConsumer(input) {
      const call: Call = {
        method: "post",
        path: "consumers",
        label: "POST /consumers",
        json: { id: input.id, username: input.username },
      };
      const sent = await send(call);
      if (!sent.ok) return sent;
      const { status, body } = sent.value;
      if (status === 201 || status === 200) {
        const consumer = parseConsumer(body);
        return consumer ? ok({ consumer, created: true }) : err(unexpectedBody(call));
      }
      const exists =
        status === 409 || (status === 400 && daoErrorCode(body) === PRIMARY_KEY_VIOLATION);
      if (!exists) return err(unexpectedStatus(call, sent.value));
      // The username (or our id) exists: either someone else's consumer, to adopt, or our own
      // create whose response was lost before a retry, recognised by the id we chose.
      const found = await consumerByUsername(input.username);
      if (!found.ok) return found;
      if (found.value === null) {
        return err(unavailable(`POST /consumers answered ${status} but the consumer is not found`));
      }
      return ok({ consumer: found.value, created: found.value.id === input.id });
    },

    deleteConsumer(consumerId) {
      // Kong answers 204 even for a missing consumer; a 404 from a proxy in front means the same.
      return deleteOne({
        method: "delete",
        path: `consumers/${enc(consumerId)}`,
        label: "DELETE /consumers/{id}",
      });
    },

    async listCredentials(consumerId) {
      const credentials: JwtCredential[] = [];
      const seenOffsets = new Set<string>();
      let offset: string | null = null;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const call: Call = {
          method: "get",
          path: `consumers/${enc(consumerId)}/jwt`,
          label: "GET /consumers/{id}/jwt",
          ...(offset === null ? {} : { searchParams: { offset } }),
        };
        const sent = await send(call);
        if (!sent.ok) return sent;
        if (sent.value.status === 404) return ok(null);
        if (sent.value.status !== 200) return err(unexpectedStatus(call, sent.value));
        const parsed = parsePage(sent.value.body);
        if (!parsed) return err(unexpectedBody(call));
        for (const item of parsed.data) {
          const credential = parseCredential(item, consumerId);
          if (!credential) return err(unexpectedBody(call));
          credentials.push(credential);
        }
        if (parsed.offset === null) return ok(credentials);
        if (seenOffsets.has(parsed.offset)) return err(unexpectedBody(call));
        seenOffsets.add(parsed.offset);
        offset = parsed.offset;
      }
      return err(unavailable(`GET /consumers/{id}/jwt returned more than ${MAX_PAGES} pages`));
    },

    async createCredential(consumerId, credential) {
      const call: Call = {
        method: "post",
        path: `consumers/${enc(consumerId)}/jwt`,
        label: "POST /consumers/{id}/jwt",
        json: { key: credential.key, secret: credential.secret, algorithm: credential.algorithm },
      };
      const sent = await send(call);
      if (!sent.ok) return sent;
      const { status, body } = sent.value;
      if (status === 404) return ok(null);
      if (status === 201 || status === 200) {
        const created = parseCredential(body, consumerId);
        return created ? ok(created) : err(unexpectedBody(call));
      }
      if (status !== 409) return err(unexpectedStatus(call, sent.value));
      // The key exists. Kong answers the nested GET only when it is on this consumer: then it is
      // our own earlier create (the key is random and chosen here), and it is returned as is.
      const found = await findCredential(consumerId, credential.key);
      if (!found.ok) return found;
      if (found.value === null || found.value.consumerId !== consumerId) {
        return err(
          unavailable("POST /consumers/{id}/jwt answered 409: the key belongs to another consumer"),
        );
      }
      return ok(found.value);
    },

    deleteCredential(consumerId, key) {
      // A 404: the credential (or its consumer) is already gone.
      return deleteOne({
        method: "delete",
        path: `consumers/${enc(consumerId)}/jwt/${enc(key)}`,
        label: "DELETE /consumers/{id}/jwt/{key}",
      });
    },

    async ping(): IdentityResult<void> {
      const call: Call = { method: "get", path: "", label: "GET /" };
      const sent = await send(call);
      if (!sent.ok) return sent;
      if (sent.value.status !== 200) return err(unexpectedStatus(call, sent.value));
      // A DB-less Kong answers, but every signup would fail: it is not ready for this service.
      return reportsDbless(sent.value.body)
        ? err(unavailable(`GET / reports that ${DBLESS}`))
        : ok(undefined);
    },
  };
}
