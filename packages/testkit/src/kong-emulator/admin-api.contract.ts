/**
 * The Admin API behaviour shared by both front-ends (msw handlers and the HTTP listener),
 * ported from Kong's `03-consumers_routes_spec.lua` and `16-jwt/02-api_spec.lua`.
 */
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { KongModel } from "./model.js";

/** What a front-end under test provides. */
export interface AdminApiFixture {
  /** Base URL the suite sends requests to with the global `fetch`. */
  readonly baseUrl: string;
  readonly model: KongModel;
  /** Moves the model's clock forward. */
  advanceClock(seconds: number): void;
  teardown(): Promise<void>;
}

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body, read loosely: tests narrow it where they look inside. */
  readonly json: Loose;
}

/** A JSON value whose shape a test asserts; property reads are typed by what tests expect. */
interface Loose {
  readonly [key: string]: unknown;
  readonly id: string;
  readonly key: string;
  readonly message: string;
  readonly offset: string;
  readonly next: string | null;
  readonly fields: Record<string, unknown>;
  readonly data: Loose[];
  readonly updated_at: number;
  readonly created_at: number;
  readonly consumer: unknown;
  readonly plugins: { readonly available_on_server: Record<string, unknown> };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const AT_LEAST_ONE = "at least one of these fields must be non-empty: 'custom_id', 'username'";
const EMPTY_CONSUMER_ERROR = {
  code: 2,
  name: "schema violation",
  message: `schema violation (${AT_LEAST_ONE})`,
  fields: { "@entity": [AT_LEAST_ONE] },
};

/** Kong's 409 body for a write that hit the unique index of `field` (code 5). */
function uniqueViolation(field: string, value: string) {
  return {
    code: 5,
    name: "unique constraint violation",
    message: `UNIQUE violation detected on '{${field}="${value}"}'`,
    fields: { [field]: value },
  };
}

/** Runs the shared Admin API suite against the front-end `setup` starts. */
export function describeAdminApi(name: string, setup: () => Promise<AdminApiFixture>): void {
  describe(`Kong Admin API emulator (${name})`, () => {
    let fixture: AdminApiFixture;

    beforeAll(async () => {
      fixture = await setup();
    });
    afterAll(async () => {
      await fixture.teardown();
    });
    beforeEach(() => {
      fixture.model.reset();
    });

    async function call(
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<Reply> {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        if (
          typeof body === "string" ||
          body instanceof FormData ||
          body instanceof URLSearchParams
        ) {
          init.body = body;
        } else {
          init.body = JSON.stringify(body);
          init.headers = { "Content-Type": "application/json", ...headers };
        }
      }
      const response = await fetch(`${fixture.baseUrl}${path}`, init);
      const text = await response.text();
      let json: unknown = {};
      try {
        json = text === "" ? {} : JSON.parse(text);
      } catch {
        json = {};
      }
      return { status: response.status, headers: response.headers, text, json: json as Loose };
    }

    async function consumer(username: string, extra: Record<string, unknown> = {}) {
      const reply = await call("POST", "/consumers", { username, ...extra });
      expect(reply.status).toBe(201);
      return reply.json;
    }

    describe("consumers", () => {
      it("answers 201 with the full consumer body, nulls included, on POST", async () => {
        const reply = await call("POST", "/consumers", { username: "bob" });
        expect(reply.status).toBe(201);
        expect(Object.keys(reply.json)).toEqual([
          "id",
          "created_at",
          "updated_at",
          "username",
          "custom_id",
          "tags",
        ]);
        expect(reply.json.id).toMatch(UUID);
        expect(Number.isInteger(reply.json.created_at)).toBe(true);
        expect(reply.json).toMatchObject({ username: "bob", custom_id: null, tags: null });
        expect(reply.headers.get("content-type")).toBe("application/json; charset=utf-8");
        expect(reply.headers.get("server")).toBe("kong/3.9.3");
        expect(reply.headers.get("access-control-allow-origin")).toBe("*");
        expect(reply.headers.get("x-kong-admin-latency")).toMatch(/^\d+$/);
      });

      it("creates from urlencoded and multipart bodies, with spaces and tags", async () => {
        const form = await call(
          "POST",
          "/consumers",
          new URLSearchParams([
            ["username", "bob the builder"],
            ["custom_id", ""],
            ["tags[]", "a"],
            ["tags[]", "b"],
          ]),
        );
        expect(form.status).toBe(201);
        expect(form.json).toMatchObject({
          username: "bob the builder",
          custom_id: null,
          tags: ["a", "b"],
        });
        const data = new FormData();
        data.append("username", "alice");
        data.append("tags[1]", "x");
        data.append("tags[2]", "y");
        const multipart = await call("POST", "/consumers", data);
        expect(multipart.status).toBe(201);
        expect(multipart.json).toMatchObject({ username: "alice", tags: ["x", "y"] });
      });

      it("answers 400 with the @entity error for {} in every content type and for no body", async () => {
        const replies = [
          await call("POST", "/consumers", {}),
          await call("POST", "/consumers", new URLSearchParams()),
          await call("POST", "/consumers", new FormData()),
          await call("POST", "/consumers"),
        ];
        for (const reply of replies) {
          expect(reply.status).toBe(400);
          expect(reply.json).toEqual(EMPTY_CONSUMER_ERROR);
        }
      });

      it("answers 409 with the unique-violation body when the username exists", async () => {
        await consumer("bob");
        const reply = await call("POST", "/consumers", { username: "bob" });
        expect(reply.status).toBe(409);
        expect(reply.json).toEqual(uniqueViolation("username", "bob"));
      });

      it("answers 409 when the custom_id exists", async () => {
        await consumer("bob", { custom_id: "1234" });
        const reply = await call("POST", "/consumers", { username: "alice", custom_id: "1234" });
        expect(reply.status).toBe(409);
        expect(reply.json).toEqual(uniqueViolation("custom_id", "1234"));
      });

      it("answers 400 with code 3 when a client POSTs an id that exists", async () => {
        const bob = await consumer("bob");
        const reply = await call("POST", "/consumers", { id: bob.id, username: "alice" });
        expect(reply.status).toBe(400);
        expect(reply.json).toEqual({
          code: 3,
          name: "primary key violation",
          message: `primary key violation on key '{id="${bob.id}"}'`,
          fields: { id: bob.id },
        });
      });

      it("answers 415 for an unsupported content type and for a body without one", async () => {
        const invalid = await call("POST", "/consumers", "username=x", {
          "Content-Type": "invalid",
        });
        expect(invalid.status).toBe(415);
        expect(invalid.text).toBe("");
        const untyped = await fetch(`${fixture.baseUrl}/consumers`, {
          method: "POST",
          body: new Uint8Array(Buffer.from("username=x")),
        });
        expect(untyped.status).toBe(415);
      });

      it("answers 400 Cannot parse JSON body for an empty or malformed JSON body", async () => {
        for (const body of ["", "{", "{username: bob}"]) {
          const reply = await call("POST", "/consumers", body, {
            "Content-Type": "application/json",
          });
          expect(reply.status).toBe(400);
          expect(reply.text).toBe('{"message":"Cannot parse JSON body"}');
        }
      });

      it("reports field errors with Kong's messages", async () => {
        const notString = await call("POST", "/consumers", { username: 123 });
        expect(notString.json.fields).toEqual({ username: "expected a string" });
        expect(notString.json.message).toBe("schema violation (username: expected a string)");
        const unknown = await call("POST", "/consumers", { username: "x", foo: 1 });
        expect(unknown.json.fields).toEqual({ foo: "unknown field" });
        const badId = await call("POST", "/consumers", { id: "nope", username: "x" });
        expect(badId.json.fields).toEqual({ id: "expected a valid UUID" });
        const empty = await call("POST", "/consumers", { username: "" });
        expect(empty.status).toBe(400);
        expect(empty.json.message).toBe(
          `2 schema violations (${AT_LEAST_ONE}; username: length must be at least 1)`,
        );
      });

      it("finds a consumer by id, username, escaped username and UTF-8 username", async () => {
        const bob = await consumer("bob");
        const spaced = await consumer("John Doe");
        const yen = await consumer("円");
        expect((await call("GET", `/consumers/${bob.id}`)).json).toEqual(bob);
        expect((await call("GET", "/consumers/bob")).json).toEqual(bob);
        expect((await call("GET", "/consumers/John%20Doe")).json).toEqual(spaced);
        expect((await call("GET", `/consumers/${encodeURIComponent("円")}`)).json).toEqual(yen);
      });

      it("looks a UUID-shaped segment up by id only", async () => {
        const uuidName = "6e9c3d3c-3b5e-4f2a-9c1d-2b7f1e0a9d11";
        await consumer(uuidName);
        const reply = await call("GET", `/consumers/${uuidName}`);
        expect(reply.status).toBe(404);
        expect(reply.text).toBe('{"message":"Not found"}');
      });

      it("updates by username and id with PATCH and bumps updated_at", async () => {
        const bob = await consumer("bob");
        fixture.advanceClock(2);
        const renamed = await call("PATCH", "/consumers/bob", { username: "robert" });
        expect(renamed.status).toBe(200);
        expect(renamed.json.username).toBe("robert");
        expect(renamed.json.updated_at).toBeGreaterThan(bob.updated_at);
        const same = await call("PATCH", `/consumers/${bob.id}`, { username: "robert" });
        expect(same.status).toBe(200);
      });

      it("answers PATCH of a missing consumer with the DAO not-found object", async () => {
        const byName = await call("PATCH", "/consumers/ghost", { custom_id: "x" });
        expect(byName.status).toBe(404);
        expect(byName.json).toEqual({
          code: 6,
          name: "not found",
          message: `could not find the entity with '{username="ghost"}'`,
          fields: { username: "ghost" },
        });
        const id = "00000000-0000-0000-0000-000000000000";
        const byId = await call("PATCH", `/consumers/${id}`, { custom_id: "x" });
        expect(byId.json.message).toBe(`could not find the entity with primary key '{id="${id}"}'`);
      });

      it("upserts with PUT and resets fields that are not sent", async () => {
        const id = "a1b2c3d4-0000-4000-8000-000000000001";
        const created = await call("PUT", `/consumers/${id}`, { custom_id: "c1" });
        expect(created.status).toBe(200);
        expect(created.json).toMatchObject({ id, custom_id: "c1", username: null });
        const named = await call("PUT", "/consumers/a%20name", {});
        expect(named.json).toMatchObject({ username: "a name", custom_id: null });
        await call("PUT", "/consumers/carol", { custom_id: "x", tags: ["t"] });
        const replaced = await call("PUT", "/consumers/carol", {});
        expect(replaced.json).toMatchObject({ username: "carol", custom_id: null, tags: null });
        const empty = await call("PUT", `/consumers/${id}`, {});
        expect(empty.status).toBe(400);
        expect(empty.json).toEqual(EMPTY_CONSUMER_ERROR);
        const malformed = await call("PUT", "/consumers/x", "{", {
          "Content-Type": "application/json",
        });
        expect(malformed.text).toBe('{"message":"Cannot parse JSON body"}');
      });

      it("answers 204 with an empty body on DELETE, even for a missing consumer", async () => {
        const bob = await consumer("bob");
        await consumer("alice");
        const byId = await call("DELETE", `/consumers/${bob.id}`);
        expect(byId.status).toBe(204);
        expect(byId.text).toBe("");
        expect((await call("DELETE", "/consumers/alice")).status).toBe(204);
        expect((await call("DELETE", "/consumers/nobody")).status).toBe(204);
        expect(fixture.model.listConsumers()).toEqual([]);
      });

      it("answers 405 Method not allowed to DELETE and PATCH on the collection", async () => {
        for (const method of ["DELETE", "PATCH"]) {
          const reply = await call(method, "/consumers", method === "PATCH" ? {} : undefined);
          expect(reply.status).toBe(405);
          expect(reply.text).toBe('{"message":"Method not allowed"}');
        }
      });

      it("pages by size with offset and next, 3, 3, 3 then 1", async () => {
        for (let i = 0; i < 10; i += 1) await consumer(`user-${i}`);
        const all = await call("GET", "/consumers");
        expect(all.json.data).toHaveLength(10);
        expect(all.json.next).toBeNull();
        expect("offset" in all.json).toBe(false);
        const seen = new Set<string>();
        let path: string | null = "/consumers?size=3";
        const sizes: number[] = [];
        while (path !== null) {
          const page: Reply = await call("GET", path);
          expect(page.status).toBe(200);
          sizes.push(page.json.data.length);
          for (const row of page.json.data) seen.add(row.id);
          if (page.json.next !== null) {
            expect(page.json.next).toBe(
              `/consumers?offset=${encodeURIComponent(page.json.offset)}&size=3`,
            );
            expect(page.text).toContain('"next":"\\/consumers?offset=');
          } else {
            expect("offset" in page.json).toBe(false);
          }
          path = page.json.next;
        }
        expect(sizes).toEqual([3, 3, 3, 1]);
        expect(seen.size).toBe(10);
        const ids = all.json.data.map((row) => row.id);
        expect(ids).toEqual([...ids].sort());
      });

      it("answers 400 with codes 9 and 7 for a bad size or offset", async () => {
        expect((await call("GET", "/consumers?size=abc")).json).toEqual({
          code: 9,
          name: "invalid size",
          message: "size must be a number",
        });
        for (const size of ["0", "1001"]) {
          expect((await call("GET", `/consumers?size=${size}`)).json.message).toBe(
            "size must be an integer between 1 and 1000",
          );
        }
        expect((await call("GET", "/consumers?offset=%25%25")).json).toEqual({
          code: 7,
          name: "invalid offset",
          message: "'%%' is not a valid offset: bad base64 encoding",
        });
      });

      it("filters by custom_id and refuses an empty custom_id", async () => {
        const bob = await consumer("bob", { custom_id: "c-1" });
        const uuidLike = await consumer("alice", {
          custom_id: "0f6b8a5e-1111-4222-8333-444455556666",
        });
        expect((await call("GET", "/consumers?custom_id=c-1")).json).toEqual({
          data: [bob],
          next: null,
        });
        const byUuidLike = await call(
          "GET",
          "/consumers?custom_id=0f6b8a5e-1111-4222-8333-444455556666",
        );
        expect(byUuidLike.json.data).toEqual([uuidLike]);
        expect((await call("GET", "/consumers?custom_id=none")).text).toBe(
          '{"data":[],"next":null}',
        );
        for (const query of ["custom_id=", "custom_id"]) {
          const reply = await call("GET", `/consumers?${query}`);
          expect(reply.status).toBe(400);
          expect(reply.json).toEqual({ message: "custom_id must be an unempty string" });
        }
      });

      it("filters by tags and refuses an empty tags filter with code 11", async () => {
        await consumer("a", { tags: ["red", "big"] });
        await consumer("b", { tags: ["red"] });
        await consumer("c", { tags: ["blue"] });
        expect((await call("GET", "/consumers?tags=red,big")).json.data).toHaveLength(1);
        expect((await call("GET", "/consumers?tags=red/blue")).json.data).toHaveLength(3);
        const empty = await call("GET", "/consumers?tags=");
        expect(empty.status).toBe(400);
        expect(empty.json).toEqual({
          code: 11,
          name: "invalid options",
          message: "invalid option (tags: cannot be null)",
          options: { tags: "cannot be null" },
        });
      });

      it("answers 404 Not found for an unknown path", async () => {
        const reply = await call("GET", "/nowhere");
        expect(reply.status).toBe(404);
        expect(reply.text).toBe('{"message":"Not found"}');
      });

      it("answers GET / with the node information of Kong 3.9.3", async () => {
        const reply = await call("GET", "/");
        expect(reply.json).toMatchObject({
          version: "3.9.3",
          tagline: "Welcome to kong",
          configuration: { database: "postgres" },
        });
        expect(reply.json.plugins.available_on_server.jwt).toEqual({
          version: "3.9.3",
          priority: 1450,
        });
        expect(typeof reply.json.hostname).toBe("string");
        expect(reply.json.node_id).toMatch(UUID);
      });

      it("answers OPTIONS with 204 and the allowed methods", async () => {
        const reply = await call("OPTIONS", "/consumers");
        expect(reply.status).toBe(204);
        expect(reply.headers.get("allow")).toBe("GET, HEAD, OPTIONS, POST");
      });
    });

    describe("jwt credentials", () => {
      function rsaPublicKey(): string {
        return generateKeyPairSync("rsa", { modulusLength: 2048 })
          .publicKey.export({ type: "spki", format: "pem" })
          .toString();
      }

      it("creates a credential with {} and generates a 32-character key and secret", async () => {
        const bob = await consumer("bob");
        const reply = await call("POST", "/consumers/bob/jwt/", {});
        expect(reply.status).toBe(201);
        expect(Object.keys(reply.json)).toEqual([
          "id",
          "created_at",
          "consumer",
          "key",
          "secret",
          "rsa_public_key",
          "algorithm",
          "tags",
        ]);
        expect(reply.json.consumer).toEqual({ id: bob.id });
        expect(reply.json.key).toMatch(/^[A-Za-z0-9]{32}$/);
        expect(reply.json.secret).toMatch(/^[A-Za-z0-9]{32}$/);
        expect(reply.json).toMatchObject({ algorithm: "HS256", rsa_public_key: null, tags: null });
      });

      it("echoes a given key and secret, keeps tag order and accepts a reused secret", async () => {
        await consumer("bob");
        await consumer("alice");
        const given = await call("POST", "/consumers/bob/jwt", { key: "bob2", secret: "tooshort" });
        expect(given.json).toMatchObject({ key: "bob2", secret: "tooshort" });
        const tagged = await call(
          "POST",
          "/consumers/bob/jwt",
          new URLSearchParams([
            ["tags[1]", "tag1"],
            ["tags[2]", "tag2"],
          ]),
        );
        expect(tagged.json.tags).toEqual(["tag1", "tag2"]);
        const reused = await call("POST", "/consumers/alice/jwt", {
          key: "alice2",
          secret: "tooshort",
        });
        expect(reused.status).toBe(201);
      });

      it("answers 409 on a duplicate key", async () => {
        await consumer("bob");
        await call("POST", "/consumers/bob/jwt", { key: "k1" });
        const reply = await call("POST", "/consumers/bob/jwt", { key: "k1" });
        expect(reply.status).toBe(409);
        expect(reply.json).toEqual(uniqueViolation("key", "k1"));
      });

      it("requires a valid rsa_public_key for RS256, with Kong's exact errors", async () => {
        await consumer("bob");
        const missing = await call("POST", "/consumers/bob/jwt", { algorithm: "RS256" });
        expect(missing.status).toBe(400);
        expect(missing.json.fields).toEqual({
          rsa_public_key: "required field missing",
          "@entity": ["failed conditional validation given value of field 'algorithm'"],
        });
        expect(missing.json.message).toBe(
          "2 schema violations (failed conditional validation given value of field 'algorithm'; rsa_public_key: required field missing)",
        );
        const invalid = await call("POST", "/consumers/bob/jwt", {
          algorithm: "RS256",
          rsa_public_key: "test",
        });
        expect(invalid.json.fields).toEqual({
          rsa_public_key: "invalid key",
          "@entity": ["failed conditional validation given value of field 'algorithm'"],
        });
        const none = await call("POST", "/consumers/bob/jwt", { algorithm: "none" });
        expect(none.json.fields.algorithm).toBe(
          "expected one of: HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384, ES512, PS256, PS384, PS512, EdDSA",
        );
      });

      it("accepts an RS256 key as JSON and urlencoded with CRLF line ends", async () => {
        await consumer("bob");
        const pem = rsaPublicKey();
        const json = await call("POST", "/consumers/bob/jwt", {
          algorithm: "RS256",
          rsa_public_key: pem,
        });
        expect(json.status).toBe(201);
        expect(json.json.secret).toMatch(/^[A-Za-z0-9]{32}$/);
        const form = await call(
          "POST",
          "/consumers/bob/jwt",
          new URLSearchParams([
            ["algorithm", "RS256"],
            ["rsa_public_key", pem.replace(/\n/g, "\r\n")],
          ]),
        );
        expect(form.status).toBe(201);
      });

      it("answers 404 Not found when the consumer of a nested route is missing", async () => {
        const reply = await call("POST", "/consumers/ghost/jwt", { algorithm: "none" });
        expect(reply.status).toBe(404);
        expect(reply.json).toEqual({ message: "Not found" });
      });

      it("lists, reads, replaces, patches and deletes nested credentials", async () => {
        await consumer("bob");
        await consumer("alice");
        const first = (await call("POST", "/consumers/bob/jwt", { key: "k-bob" })).json;
        const other = (await call("POST", "/consumers/alice/jwt", { key: "k-alice" })).json;
        for (let i = 0; i < 5; i += 1) await call("POST", "/consumers/bob/jwt", {});
        const listed = await call("GET", "/consumers/bob/jwt");
        expect(listed.json.data).toHaveLength(6);
        expect((await call("GET", `/consumers/bob/jwt/${first.id}`)).json).toEqual(first);
        expect((await call("GET", "/consumers/bob/jwt/k-bob")).json).toEqual(first);
        expect((await call("GET", `/consumers/bob/jwt/${other.id}`)).status).toBe(404);
        const put = await call("PUT", "/consumers/bob/jwt/abcd", {});
        expect(put.status).toBe(200);
        expect(put.json.key).toBe("abcd");
        const patchedById = await call("PATCH", `/consumers/bob/jwt/${first.id}`, {
          secret: "newsecret",
        });
        expect(patchedById.json.secret).toBe("newsecret");
        const patchedByKey = await call("PATCH", "/consumers/bob/jwt/k-bob", {
          secret: "newsecret2",
        });
        expect(patchedByKey.json.secret).toBe("newsecret2");
        expect((await call("DELETE", `/consumers/bob/jwt/${first.id}`)).status).toBe(204);
        expect((await call("DELETE", "/consumers/bob/jwt/blah")).status).toBe(404);
        const zero = await call(
          "DELETE",
          "/consumers/bob/jwt/00000000-0000-0000-0000-000000000000",
        );
        expect(zero.status).toBe(404);
        expect((await call("DELETE", "/consumers/bob/jwt/k-alice")).status).toBe(404);
      });

      it("pages nested credentials with a next link that carries no size", async () => {
        await consumer("bob");
        await call("POST", "/consumers/bob/jwt", {});
        await call("POST", "/consumers/bob/jwt", {});
        const first = await call("GET", "/consumers/bob/jwt?size=1");
        expect(first.json.data).toHaveLength(1);
        expect(first.json.next).toBe(
          `/consumers/bob/jwt?offset=${encodeURIComponent(first.json.offset)}`,
        );
        const second = await call("GET", first.json.next ?? "");
        expect(second.json.data).toHaveLength(1);
        expect(second.json.data[0]?.id).not.toBe(first.json.data[0]?.id);
        expect("offset" in second.json).toBe(false);
      });

      it("serves /jwts with and without a trailing slash, and pages it", async () => {
        await consumer("bob");
        await call("POST", "/consumers/bob/jwt", {});
        await call("POST", "/consumers/bob/jwt", {});
        expect((await call("GET", "/jwts")).json.data).toHaveLength(2);
        expect((await call("GET", "/jwts/")).json.data).toHaveLength(2);
        const first = await call("GET", "/jwts?size=1");
        expect(first.json.next).toBe(
          `/jwts?offset=${encodeURIComponent(first.json.offset)}&size=1`,
        );
        const second = await call(
          "GET",
          `/jwts?size=1&offset=${encodeURIComponent(first.json.offset)}`,
        );
        expect(second.json.data[0]?.id).not.toBe(first.json.data[0]?.id);
        expect("offset" in second.json).toBe(false);
      });

      it("requires a consumer on POST and PUT /jwts", async () => {
        const bob = await consumer("bob");
        const missing = await call("POST", "/jwts", {});
        expect(missing.status).toBe(400);
        expect(missing.json.message).toBe("schema violation (consumer: required field missing)");
        const created = await call("POST", "/jwts", { consumer: { id: bob.id } });
        expect(created.status).toBe(201);
        expect((await call("PUT", "/jwts/some-key", {})).json.message).toBe(
          "schema violation (consumer: required field missing)",
        );
        const put = await call("PUT", "/jwts/some-key", { consumer: { id: bob.id } });
        expect(put.status).toBe(200);
        expect(put.json.key).toBe("some-key");
        const form = await call("POST", "/jwts", new URLSearchParams([["consumer.id", bob.id]]));
        expect(form.status).toBe(201);
      });

      it("answers /jwts/{id|key}/consumer with the owning consumer", async () => {
        const bob = await consumer("bob");
        const credential = (await call("POST", "/consumers/bob/jwt", { key: "bob-key" })).json;
        expect((await call("GET", `/jwts/${credential.id}/consumer`)).json).toEqual(bob);
        expect((await call("GET", "/jwts/bob-key/consumer")).json).toEqual(bob);
        expect(
          (await call("GET", "/jwts/a1b2c3d4-0000-4000-8000-00000000ffff/consumer")).status,
        ).toBe(404);
        expect((await call("GET", "/jwts/random-string/consumer")).status).toBe(404);
      });

      it("deletes a consumer's credentials with the consumer", async () => {
        await consumer("bob");
        await call("POST", "/consumers/bob/jwt", { key: "k" });
        await call("DELETE", "/consumers/bob");
        expect((await call("GET", "/jwts/k")).status).toBe(404);
        expect((await call("GET", "/jwts")).json.data).toEqual([]);
      });
    });
  });
}
