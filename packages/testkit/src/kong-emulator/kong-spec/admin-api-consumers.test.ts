/**
 * Port of Kong 3.9.3 `spec/02-integration/04-admin_api/03-consumers_routes_spec.lua`, its
 * `/consumers` and `/consumers/{consumer}` parts, against the emulator started through its
 * CLI. `bp.consumers:insert` and `db:truncate` become Admin API calls; `db.consumers:select`
 * a GET. The `/consumers/{username_or_id}/plugins` parts are left out: they need Kong's test
 * plugin `rewriter`, and the emulator takes plugins from its declarative file only.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  blueprints,
  type KongProcess,
  luaEscape,
  request,
  send,
  startKong,
  truncate,
  uuid,
} from "./spec-helpers.js";

/** `it_content_types`: one test per body encoding, named as Kong names them. */
function itContentTypes(title: string, fn: (contentType: string) => () => Promise<void>): void {
  it(`${title} with application/www-form-urlencoded`, fn("application/x-www-form-urlencoded"));
  it(`${title} with multipart/form-data`, fn("multipart/form-data"));
  it(`${title} with application/json`, fn("application/json"));
}

let symbols = 0;
/** `gensym()`: contains a space, for the urlencoded tests. */
function gensym(): string {
  symbols++;
  return `abc def ${symbols}`;
}

const SCHEMA_VIOLATION = 2;

describe("Admin API (#postgres): ", () => {
  const bp = blueprints();
  let kong: KongProcess;
  let client: string;

  /** `bp.consumers:insert(overrides, { nulls = true })`. */
  const insertConsumer = async (
    overrides: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> => {
    const res = await send(client, {
      method: "POST",
      path: "/consumers",
      body: { ...bp.consumer(), ...overrides },
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(201);
    return res.json();
  };
  /** `db.consumers:select(consumer, { nulls = true })`. */
  const select = async (consumer: Record<string, unknown>) =>
    (await send(client, { path: `/consumers/${String(consumer.id)}` })).json();

  beforeAll(async () => {
    kong = await startKong({ _format_version: "3.0" });
    client = kong.adminUrl;
  });

  afterAll(async () => {
    expect(await kong.stop()).toBe(0);
  });

  describe("/consumers", () => {
    describe("POST", () => {
      itContentTypes("creates a Consumer", (contentType) => async () => {
        const username = gensym();
        const res = await send(client, {
          method: "POST",
          path: "/consumers",
          body: { username },
          headers: { "Content-Type": contentType },
        });
        expect(res.status).toBe(201);
        const json = res.json();
        expect(json.username).toBe(username);
        expect(typeof json.created_at).toBe("number");
        expect(typeof json.id).toBe("string");
      });
      describe("errors", () => {
        itContentTypes("handles invalid input", (contentType) => async () => {
          const res = await send(client, {
            method: "POST",
            path: "/consumers",
            body: {},
            headers: { "Content-Type": contentType },
          });
          expect(res.status).toBe(400);
          const json = res.json();
          expect(json.name).toBe("schema violation");
          expect((json.fields as Record<string, unknown>)["@entity"]).toEqual([
            "at least one of these fields must be non-empty: 'custom_id', 'username'",
          ]);
        });
        itContentTypes("returns 409 on conflicting username", (contentType) => async () => {
          const consumer = await insertConsumer();
          const res = await send(client, {
            method: "POST",
            path: "/consumers",
            body: { username: consumer.username },
            headers: { "Content-Type": contentType },
          });
          expect(res.status).toBe(409);
          const json = res.json();
          expect(json.name).toBe("unique constraint violation");
          expect(json.message).toBe(
            `UNIQUE violation detected on '{username="${String(consumer.username)}"}'`,
          );
        });
        itContentTypes("returns 400 on conflicting custom_id", (contentType) => async () => {
          const consumer = await insertConsumer();
          const res = await send(client, {
            method: "POST",
            path: "/consumers",
            body: { username: "tom", custom_id: consumer.custom_id },
            headers: { "Content-Type": contentType },
          });
          expect(res.status).toBe(409);
          const json = res.json();
          expect(json.name).toBe("unique constraint violation");
          expect(json.message).toBe(
            `UNIQUE violation detected on '{custom_id="${String(consumer.custom_id)}"}'`,
          );
        });
        it("returns 415 on invalid content-type", async () => {
          const res = await request(client, {
            method: "POST",
            path: "/consumers",
            body: '{"hello": "world"}',
            headers: { "Content-Type": "invalid" },
          });
          expect(res.status).toBe(415);
        });
        it("returns 415 on missing content-type with body ", async () => {
          const res = await request(client, {
            method: "POST",
            path: "/consumers",
            body: "invalid",
          });
          expect(res.status).toBe(415);
        });
        it("returns 400 on missing body with application/json", async () => {
          const res = await request(client, {
            method: "POST",
            path: "/consumers",
            headers: { "Content-Type": "application/json" },
          });
          expect(res.status).toBe(400);
          expect(res.json()).toEqual({ message: "Cannot parse JSON body" });
        });
        it("returns 400 on missing body with multipart/form-data", async () => {
          const res = await request(client, {
            method: "POST",
            path: "/consumers",
            headers: { "Content-Type": "multipart/form-data" },
          });
          expect(res.status).toBe(400);
          const json = res.json();
          expect(json.name).toBe("schema violation");
          expect((json.fields as Record<string, unknown>)["@entity"]).toEqual([
            "at least one of these fields must be non-empty: 'custom_id', 'username'",
          ]);
        });
        it("returns 400 on missing body with multipart/x-www-form-urlencoded", async () => {
          const res = await request(client, {
            method: "POST",
            path: "/consumers",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
          });
          expect(res.status).toBe(400);
          const json = res.json();
          expect(json.name).toBe("schema violation");
          expect((json.fields as Record<string, unknown>)["@entity"]).toEqual([
            "at least one of these fields must be non-empty: 'custom_id', 'username'",
          ]);
        });
        it("returns 400 on missing body with no content-type header", async () => {
          const res = await request(client, { method: "POST", path: "/consumers" });
          expect(res.status).toBe(400);
          const json = res.json();
          expect(json.name).toBe("schema violation");
          expect((json.fields as Record<string, unknown>)["@entity"]).toEqual([
            "at least one of these fields must be non-empty: 'custom_id', 'username'",
          ]);
        });
      });
    });

    describe("GET", () => {
      beforeEach(async () => {
        await truncate(client, "consumers");
        // `bp.consumers:insert_n(10)`
        for (let i = 0; i < 10; i++) await insertConsumer();
      });
      afterAll(async () => {
        await truncate(client, "consumers");
      });

      it("retrieves the first page", async () => {
        const res = await send(client, { method: "GET", path: "/consumers" });
        expect(res.status).toBe(200);
        expect(res.json().data).toHaveLength(10);
      });
      it("paginates a set", async () => {
        const pages: Record<string, unknown>[] = [];
        let offset: unknown;

        for (let i = 1; i <= 4; i++) {
          const res = await send(client, {
            method: "GET",
            path: "/consumers",
            query: { size: 3, offset },
          });
          expect(res.status).toBe(200);
          const json = res.json();

          if (i < 4) expect(json.data).toHaveLength(3);
          else expect(json.data).toHaveLength(1);

          // check all pages are different
          if (i > 1) expect(json).not.toEqual(pages[i - 2]);

          offset = json.offset;
          pages.push(json);
        }
      });
      it("not crashed by empty custom_id #KAG-867", async () => {
        let res = await send(client, { path: "/consumers?custom_id=" });
        expect(res.status).toBe(400);
        expect(() => res.json()).not.toThrow();
        res = await send(client, { path: "/consumers?custom_id" });
        expect(res.status).toBe(400);
        expect(() => res.json()).not.toThrow();
      });
      it("allows filtering by custom_id", async () => {
        const customId = gensym();
        const c = await insertConsumer({ custom_id: customId });

        const res = await send(client, { path: `/consumers?custom_id=${luaEscape(customId)}` });
        expect(res.status).toBe(200);
        const json = res.json();

        expect(json.data).toHaveLength(1);
        expect((json.data as unknown[])[0]).toEqual(c);
      });
      it("allows filtering by uuid-like custom_id", async () => {
        const customId = uuid();
        const c = await insertConsumer({ custom_id: customId });

        const res = await send(client, { path: `/consumers?custom_id=${customId}` });
        expect(res.status).toBe(200);
        const json = res.json();

        expect(json.data).toHaveLength(1);
        expect((json.data as unknown[])[0]).toEqual(c);
      });
      it("returns empty json array when consumer does not exist", async () => {
        const res = await send(client, { path: "/consumers?custom_id=does-not-exist" });
        expect(res.status).toBe(200);
        expect(res.body).toMatch(/"data":\[\]/);
      });
      it("returns bad request for empty tags", async () => {
        const res = await send(client, {
          method: "GET",
          path: "/consumers",
          query: { tags: null },
        });
        expect(res.status).toBe(400);
        expect(res.json().message).toBe("invalid option (tags: cannot be null)");
      });
    });
    it("returns 405 on invalid method", async () => {
      for (const method of ["DELETE", "PATCH"]) {
        const res = await send(client, {
          method,
          path: "/consumers",
          body: {},
          headers: { "Content-Type": "application/json" },
        });
        expect(res.status).toBe(405);
        expect(res.json()).toEqual({ message: "Method not allowed" });
      }
    });

    describe("/consumers/{consumer}", () => {
      describe("GET", () => {
        it("retrieves by id", async () => {
          const consumer = await insertConsumer();
          const res = await send(client, {
            method: "GET",
            path: `/consumers/${String(consumer.id)}`,
          });
          expect(res.status).toBe(200);
          expect(res.json()).toEqual(consumer);
        });
        it("retrieves by username", async () => {
          const consumer = await insertConsumer();
          const res = await send(client, {
            method: "GET",
            path: `/consumers/${String(consumer.username)}`,
          });
          expect(res.status).toBe(200);
          expect(res.json()).toEqual(consumer);
        });
        it("retrieves by urlencoded username", async () => {
          const consumer = await insertConsumer();
          const res = await send(client, {
            method: "GET",
            path: `/consumers/${luaEscape(String(consumer.username))}`,
          });
          expect(res.status).toBe(200);
          expect(res.json()).toEqual(consumer);
        });
        it("retrieves by utf-8 name and encoded utf-8 name", async () => {
          const consumer = await insertConsumer({ username: "円" });
          // Sent as raw UTF-8 bytes in the request line, as lua-resty-http sends it.
          let res = await send(client, { path: `/consumers/${String(consumer.username)}` });
          expect(res.status).toBe(200);
          expect(res.json()).toEqual(consumer);

          res = await send(client, {
            path: `/consumers/${luaEscape(String(consumer.username))}`,
          });
          expect(res.status).toBe(200);
          expect(res.json()).toEqual(consumer);
        });
        it("returns 404 if not found", async () => {
          const res = await send(client, { method: "GET", path: "/consumers/_inexistent_" });
          expect(res.status).toBe(404);
        });
      });

      describe("PATCH", () => {
        itContentTypes("updates by id", (contentType) => async () => {
          const consumer = await insertConsumer();
          const newUsername = gensym();
          // `ngx.sleep(1)`: `updated_at` has a resolution of one second (50 ms more, as a
          // timer may fire a little before the wall clock has moved a full second).
          await new Promise((resolve) => setTimeout(resolve, 1050));
          const res = await send(client, {
            method: "PATCH",
            path: `/consumers/${String(consumer.id)}`,
            body: { username: newUsername },
            headers: { "Content-Type": contentType },
          });
          expect(res.status).toBe(200);
          const json = res.json();
          expect(json.username).toBe(newUsername);
          expect(json.id).toBe(consumer.id);
          expect(Number(consumer.updated_at)).toBeLessThan(Number(json.updated_at));

          expect(await select(consumer)).toEqual(json);
        });
        itContentTypes("updates by username", (contentType) => async () => {
          const consumer = await insertConsumer();
          const newUsername = gensym();
          const res = await send(client, {
            method: "PATCH",
            path: `/consumers/${String(consumer.username)}`,
            body: { username: newUsername },
            headers: { "Content-Type": contentType },
          });
          expect(res.status).toBe(200);
          const json = res.json();
          expect(json.username).toBe(newUsername);
          expect(json.id).toBe(consumer.id);

          expect(await select(consumer)).toEqual(json);
        });
        itContentTypes(
          "updates by username and custom_id with previous values",
          (contentType) => async () => {
            const consumer = await insertConsumer();
            const res = await send(client, {
              method: "PATCH",
              path: `/consumers/${String(consumer.username)}`,
              body: { username: consumer.username, custom_id: consumer.custom_id },
              headers: { "Content-Type": contentType },
            });
            expect(res.status).toBe(200);
            const json = res.json();
            expect(json.username).toBe(consumer.username);
            expect(json.custom_id).toBe(consumer.custom_id);
            expect(json.id).toBe(consumer.id);

            expect(await select(consumer)).toEqual(json);
          },
        );

        describe("errors", () => {
          itContentTypes("returns 404 if not found", (contentType) => async () => {
            const res = await send(client, {
              method: "PATCH",
              path: "/consumers/_inexistent_",
              body: { username: gensym() },
              headers: { "Content-Type": contentType },
            });
            expect(res.status).toBe(404);
          });
          it("returns 415 on invalid content-type", async () => {
            const consumer = await insertConsumer();
            const res = await request(client, {
              method: "PATCH",
              path: `/consumers/${String(consumer.id)}`,
              body: '{"hello": "world"}',
              headers: { "Content-Type": "invalid" },
            });
            expect(res.status).toBe(415);
          });
          it("returns 415 on missing content-type with body ", async () => {
            const consumer = await insertConsumer();
            const res = await request(client, {
              method: "PATCH",
              path: `/consumers/${String(consumer.id)}`,
              body: "invalid",
            });
            expect(res.status).toBe(415);
          });
          it("returns 400 on missing body with application/json", async () => {
            const consumer = await insertConsumer();
            const res = await request(client, {
              method: "PATCH",
              path: `/consumers/${String(consumer.id)}`,
              headers: { "Content-Type": "application/json" },
            });
            expect(res.status).toBe(400);
            expect(res.json()).toEqual({ message: "Cannot parse JSON body" });
          });
        });
      });

      describe("PUT", () => {
        itContentTypes("creates if not exists", (contentType) => async () => {
          const customId = gensym();
          const id = uuid();
          const res = await send(client, {
            method: "PUT",
            path: `/consumers/${id}`,
            body: { custom_id: customId },
            headers: { "Content-Type": contentType },
          });
          expect(res.status).toBe(200);
          const json = res.json();
          expect(json.custom_id).toBe(customId);
          expect(json.id).toBe(id);
        });

        itContentTypes("creates if not exists by username", (contentType) => async () => {
          const name = gensym();
          const res = await send(client, {
            method: "PUT",
            path: `/consumers/${luaEscape(name)}`,
            body: {},
            headers: { "Content-Type": contentType },
          });
          expect(res.status).toBe(200);
          const json = res.json();
          expect(json.username).toBe(name);
          expect(json.custom_id).toBeNull();
        });

        itContentTypes("replaces if found", (contentType) => async () => {
          const consumer = await insertConsumer();
          const newUsername = gensym();
          const res = await send(client, {
            method: "PUT",
            path: `/consumers/${String(consumer.id)}`,
            body: { username: newUsername },
            headers: { "Content-Type": contentType },
          });
          expect(res.status).toBe(200);
          const json = res.json();
          expect(json.username).toBe(newUsername);

          expect(await select(consumer)).toEqual(json);
        });

        itContentTypes("replaces if found by username", (contentType) => async () => {
          const consumer = await insertConsumer();
          const newCustomId = gensym();
          let res = await send(client, {
            method: "PUT",
            path: `/consumers/${String(consumer.username)}`,
            body: { custom_id: newCustomId },
            headers: { "Content-Type": contentType },
          });
          expect(res.status).toBe(200);
          let json = res.json();
          expect(json.username).toBe(consumer.username);
          expect(json.custom_id).toBe(newCustomId);

          const id = json.id;
          res = await send(client, {
            method: "PUT",
            path: `/consumers/${String(consumer.username)}`,
            body: {},
            headers: { "Content-Type": contentType },
          });
          expect(res.status).toBe(200);
          json = res.json();
          expect(json.id).toBe(id);
          expect(json.username).toBe(consumer.username);
          expect(json.custom_id).toBeNull();
        });

        describe("errors", () => {
          it("handles malformed JSON body", async () => {
            const consumer = await insertConsumer();
            const res = await send(client, {
              method: "PUT",
              path: `/consumers/${String(consumer.id)}`,
              body: '{"hello": "world"',
              headers: { "Content-Type": "application/json" },
            });
            expect(res.status).toBe(400);
            expect(res.body).toBe('{"message":"Cannot parse JSON body"}');
          });

          itContentTypes("handles invalid input", (contentType) => async () => {
            // Missing params
            const res = await send(client, {
              method: "PUT",
              path: `/consumers/${uuid()}`,
              body: {},
              headers: { "Content-Type": contentType },
            });
            expect(res.status).toBe(400);
            expect(res.json()).toEqual({
              code: SCHEMA_VIOLATION,
              name: "schema violation",
              fields: {
                "@entity": [
                  "at least one of these fields must be non-empty: 'custom_id', 'username'",
                ],
              },
              message:
                "schema violation (at least one of these fields must be non-empty: 'custom_id', 'username')",
            });
          });
        });
      });

      describe("DELETE", () => {
        it("deletes by id", async () => {
          const consumer = await insertConsumer();
          const res = await send(client, {
            method: "DELETE",
            path: `/consumers/${String(consumer.id)}`,
          });
          expect(res.status).toBe(204);
          expect(res.body).toBe("");
        });
        it("deletes by username", async () => {
          const consumer = await insertConsumer();
          const res = await send(client, {
            method: "DELETE",
            path: `/consumers/${String(consumer.username)}`,
          });
          expect(res.status).toBe(204);
          expect(res.body).toBe("");
        });
      });
    });
  });

  // `/consumers/{username_or_id}/plugins` and `/consumers/{username_or_id}/plugins/{plugin}`
  // (POST, GET, PATCH, PUT, DELETE) are left out: they create `rewriter` plugins (a Kong test
  // plugin) through the Admin API, and the emulator has no plugin entity to write.
});
