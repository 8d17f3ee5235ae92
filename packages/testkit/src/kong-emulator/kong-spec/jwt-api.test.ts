/**
 * Port of Kong 3.9.3 `spec/03-plugins/16-jwt/02-api_spec.lua` against the emulator started
 * through its CLI. `bp.*:insert` and `db:truncate` become Admin API calls (the emulator has
 * no database to write to); the assertions are Kong's.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { blueprints, type KongProcess, send, startKong, truncate, uuid } from "./spec-helpers.js";

/** `fixtures.rs256_public_key`: a 2048-bit RSA key in SPKI PEM, generated here. */
const RS256_PUBLIC_KEY = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .publicKey.export({ type: "spki", format: "pem" })
  .toString();

const JSON_TYPE = { "Content-Type": "application/json" };

describe("Plugin: jwt (API) [#postgres]", () => {
  const bp = blueprints();
  let kong: KongProcess;
  let admin: string;
  let consumer: Record<string, unknown>;
  const consumerId = uuid();

  /** `bp.jwt_secrets:insert { consumer = { id = ... } }`. */
  const insertJwtSecret = async (owner: string) =>
    (
      await send(admin, {
        method: "POST",
        path: `/consumers/${owner}/jwt`,
        body: bp.jwtSecret(),
        headers: JSON_TYPE,
      })
    ).json();

  beforeAll(async () => {
    // `bp.consumers:insert({ username = "bob" }, { nulls = true })` before `start_kong`.
    kong = await startKong({
      _format_version: "3.0",
      consumers: [{ id: consumerId, ...bp.consumer(), username: "bob" }],
    });
    admin = kong.adminUrl;
    consumer = (await send(admin, { path: `/consumers/${consumerId}` })).json();
  });
  afterAll(async () => {
    expect(await kong.stop()).toBe(0);
  });

  describe("/consumers/:consumer/jwt/", () => {
    beforeAll(async () => {
      await send(admin, {
        method: "POST",
        path: "/consumers",
        body: { ...bp.consumer(), username: "alice" },
        headers: JSON_TYPE,
      });
    });

    describe("POST", () => {
      let jwt1: Record<string, unknown> | undefined;
      let jwt2: Record<string, unknown> | undefined;
      afterAll(async () => {
        if (jwt1 === undefined) return;
        await send(admin, { method: "DELETE", path: `/jwts/${String(jwt1.id)}` });
        if (jwt2 === undefined) return;
        await send(admin, { method: "DELETE", path: `/jwts/${String(jwt2.id)}` });
      });

      it("creates a jwt secret", async () => {
        const res = await send(admin, {
          method: "POST",
          path: "/consumers/bob/jwt/",
          body: {},
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(201);
        const body = res.json();
        expect((body.consumer as { id: string }).id).toBe(consumer.id);
        jwt1 = body;
      });
      it("creates a jwt secret with tags", async () => {
        const res = await send(admin, {
          method: "POST",
          path: "/consumers/bob/jwt/",
          body: { tags: ["tag1", "tag2"] },
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(201);
        const json = res.json();
        expect((json.consumer as { id: string }).id).toBe(consumer.id);
        expect((json.tags as string[])[0]).toBe("tag1");
        expect((json.tags as string[])[1]).toBe("tag2");
      });
      it("accepts any given `secret` and `key` parameters", async () => {
        const res = await send(admin, {
          method: "POST",
          path: "/consumers/bob/jwt/",
          body: { key: "bob2", secret: "tooshort" },
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(201);
        const body = res.json();
        expect(body.key).toBe("bob2");
        expect(body.secret).toBe("tooshort");
        jwt2 = body;
      });
      it("accepts duplicate `secret` parameters across jwt_secrets", async () => {
        let res = await send(admin, {
          method: "POST",
          path: "/consumers/alice/jwt/",
          body: { key: "alice", secret: "foobarbaz" },
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(201);
        let body = res.json();
        expect(body.key).toBe("alice");
        expect(body.secret).toBe("foobarbaz");
        jwt1 = body;

        res = await send(admin, {
          method: "POST",
          path: "/consumers/bob/jwt/",
          body: { key: "bobsyouruncle", secret: "foobarbaz" },
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(201);
        body = res.json();
        expect(body.key).toBe("bobsyouruncle");
        expect(body.secret).toBe("foobarbaz");
        jwt2 = body;

        expect(jwt1.secret).toBe(jwt2.secret);
      });
      it("accepts a valid public key for RS256 when posted urlencoded", async () => {
        // The spec escapes the key itself (CRLF line ends, `%XX`, `+` for spaces) and the
        // client sends urlencoded tables raw.
        const rsaPublicKey = RS256_PUBLIC_KEY.replace(/\n/g, "\r\n")
          .replace(
            /[^A-Za-z0-9 \-_.~]/g,
            (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
          )
          .replace(/ /g, "+");
        const res = await send(admin, {
          method: "POST",
          path: "/consumers/bob/jwt/",
          body: { key: "bob3", algorithm: "RS256", rsa_public_key: rsaPublicKey },
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
        });
        expect(res.status).toBe(201);
        expect(res.json().key).toBe("bob3");
      });
      it("accepts a valid public key for RS256 when posted as json", async () => {
        const res = await send(admin, {
          method: "POST",
          path: "/consumers/bob/jwt/",
          body: { key: "bob4", algorithm: "RS256", rsa_public_key: RS256_PUBLIC_KEY },
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(201);
        expect(res.json().key).toBe("bob4");
      });
      it("fails with missing `rsa_public_key` parameter for RS256 algorithms", async () => {
        const res = await send(admin, {
          method: "POST",
          path: "/consumers/bob/jwt/",
          body: { key: "bob5", algorithm: "RS256" },
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(400);
        expect(res.json().fields).toEqual({
          rsa_public_key: "required field missing",
          "@entity": ["failed conditional validation given value of field 'algorithm'"],
        });
      });
      it("fails with an invalid rsa_public_key for RS256 algorithms", async () => {
        const res = await send(admin, {
          method: "POST",
          path: "/consumers/bob/jwt/",
          body: { key: "bob5", algorithm: "RS256", rsa_public_key: "test" },
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(400);
        expect(res.json().fields).toEqual({
          rsa_public_key: "invalid key",
          "@entity": ["failed conditional validation given value of field 'algorithm'"],
        });
      });
      it("does not fail when `secret` parameter for HS256 algorithms is missing", async () => {
        const res = await send(admin, {
          method: "POST",
          path: "/consumers/bob/jwt/",
          body: { key: "bob5", algorithm: "HS256" },
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(201);
        const json = res.json();
        expect(typeof json.secret).toBe("string");
        expect(json.secret).toHaveLength(32);
        expect(json.secret).toMatch(/^[A-Za-z0-9]+$/);
      });
    });

    describe("GET", () => {
      it("retrieves all", async () => {
        const res = await send(admin, { method: "GET", path: "/consumers/bob/jwt/" });
        expect(res.status).toBe(200);
        expect(res.json().data).toHaveLength(6);
      });
    });
  });

  describe("/consumers/:consumer/jwt/:id", () => {
    let jwtSecret: Record<string, unknown>;
    beforeEach(async () => {
      await truncate(admin, "jwts");
      jwtSecret = await insertJwtSecret(consumerId);
    });

    describe("GET", () => {
      it("retrieves by id", async () => {
        const res = await send(admin, {
          method: "GET",
          path: `/consumers/bob/jwt/${String(jwtSecret.id)}`,
        });
        expect(res.status).toBe(200);
      });
      it("retrieves by key", async () => {
        const res = await send(admin, {
          method: "GET",
          path: `/consumers/bob/jwt/${String(jwtSecret.key)}`,
        });
        expect(res.status).toBe(200);
      });
    });

    describe("PUT", () => {
      it("creates and update", async () => {
        const res = await send(admin, {
          method: "PUT",
          path: "/consumers/bob/jwt/abcd",
          body: {},
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(200);
        const body = res.json();
        expect(body.key).toBe("abcd");
        expect((body.consumer as { id: string }).id).toBe(consumer.id);
      });
    });

    describe("PATCH", () => {
      it("updates a credential by id", async () => {
        const res = await send(admin, {
          method: "PATCH",
          path: `/consumers/bob/jwt/${String(jwtSecret.id)}`,
          body: { key: "alice", secret: "newsecret" },
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(200);
        expect(res.json().secret).toBe("newsecret");
      });
      it("updates a credential by key", async () => {
        const res = await send(admin, {
          method: "PATCH",
          path: `/consumers/bob/jwt/${String(jwtSecret.key)}`,
          body: { key: "alice", secret: "newsecret2" },
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(200);
        expect(res.json().secret).toBe("newsecret2");
      });
    });

    describe("DELETE", () => {
      it("deletes a credential", async () => {
        const res = await send(admin, {
          method: "DELETE",
          path: `/consumers/bob/jwt/${String(jwtSecret.id)}`,
          body: {},
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(204);
      });
      it("returns proper errors", async () => {
        let res = await send(admin, {
          method: "DELETE",
          path: "/consumers/bob/jwt/blah",
          body: {},
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(404);

        res = await send(admin, {
          method: "DELETE",
          path: "/consumers/bob/jwt/00000000-0000-0000-0000-000000000000",
          body: {},
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(404);
      });
    });
  });

  describe("/jwts", () => {
    let consumer2: Record<string, unknown>;
    describe("GET", () => {
      beforeAll(async () => {
        consumer2 = (
          await send(admin, {
            method: "POST",
            path: "/consumers",
            body: { ...bp.consumer(), username: "bob-the-buidler" },
            headers: JSON_TYPE,
          })
        ).json();
      });
      beforeEach(async () => {
        await truncate(admin, "jwts");
        await insertJwtSecret(consumerId);
        await insertJwtSecret(String(consumer2.id));
      });
      it("retrieves all the jwts with trailing slash", async () => {
        const res = await send(admin, { method: "GET", path: "/jwts/" });
        expect(res.status).toBe(200);
        const json = res.json();
        expect(Array.isArray(json.data)).toBe(true);
        expect(json.data).toHaveLength(2);
      });
      it("retrieves all the jwts without trailing slash", async () => {
        const res = await send(admin, { method: "GET", path: "/jwts" });
        expect(res.status).toBe(200);
        const json = res.json();
        expect(Array.isArray(json.data)).toBe(true);
        expect(json.data).toHaveLength(2);
      });
      it("paginates through the jwts", async () => {
        let res = await send(admin, { method: "GET", path: "/jwts?size=1" });
        expect(res.status).toBe(200);
        const json1 = res.json();
        expect(Array.isArray(json1.data)).toBe(true);
        expect(json1.data).toHaveLength(1);

        res = await send(admin, {
          method: "GET",
          path: "/jwts",
          query: { size: 1, offset: json1.offset },
        });
        expect(res.status).toBe(200);
        const json2 = res.json();
        expect(Array.isArray(json2.data)).toBe(true);
        expect(json2.data).toHaveLength(1);

        expect(json1.data).not.toEqual(json2.data);
        // cjson.decode turns JSON null into ngx.null, which `is_nil` refuses: Kong sends none.
        expect(json2.offset).toBeUndefined();
      });
    });

    describe("POST", () => {
      beforeAll(async () => {
        await truncate(admin, "jwts");
      });

      it("does not create jwt credential when missing consumer", async () => {
        const res = await send(admin, {
          method: "POST",
          path: "/jwts",
          body: { key: "key" },
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(400);
        expect(res.json().message).toBe("schema violation (consumer: required field missing)");
      });

      it("creates jwt credential", async () => {
        const res = await send(admin, {
          method: "POST",
          path: "/jwts",
          body: { key: "key", consumer: { id: consumer.id } },
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(201);
        expect(res.json().key).toBe("key");
      });
    });
  });

  describe("/jwts/:jwt_key_or_id", () => {
    describe("PUT", () => {
      beforeAll(async () => {
        await truncate(admin, "jwts");
      });

      it("does not create jwt credential when missing consumer", async () => {
        const res = await send(admin, {
          method: "PUT",
          path: "/jwts/key",
          body: {},
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(400);
        expect(res.json().message).toBe("schema violation (consumer: required field missing)");
      });

      it("creates jwt credential", async () => {
        const res = await send(admin, {
          method: "PUT",
          path: "/jwts/key",
          body: { consumer: { id: consumer.id } },
          headers: JSON_TYPE,
        });
        expect(res.status).toBe(200);
        expect(res.json().key).toBe("key");
      });
    });
  });

  describe("/jwts/:jwt_key_or_id/consumer", () => {
    describe("GET", () => {
      let credential: Record<string, unknown>;
      beforeEach(async () => {
        await truncate(admin, "jwts");
        credential = await insertJwtSecret(consumerId);
      });
      it("retrieve consumer from a JWT id", async () => {
        const res = await send(admin, {
          method: "GET",
          path: `/jwts/${String(credential.id)}/consumer`,
        });
        expect(res.status).toBe(200);
        expect(res.json()).toEqual(consumer);
      });
      it("retrieve consumer from a JWT key", async () => {
        const res = await send(admin, {
          method: "GET",
          path: `/jwts/${String(credential.key)}/consumer`,
        });
        expect(res.status).toBe(200);
        expect(res.json()).toEqual(consumer);
      });
      it("returns 404 for a random non-existing JWT id", async () => {
        const res = await send(admin, { method: "GET", path: `/jwts/${uuid()}/consumer` });
        expect(res.status).toBe(404);
      });
      it("returns 404 for a random non-existing JWT key", async () => {
        // `random_string()`: 32 characters of [A-Za-z0-9].
        const res = await send(admin, {
          method: "GET",
          path: `/jwts/${randomBytes(16).toString("hex")}/consumer`,
        });
        expect(res.status).toBe(404);
      });
    });
  });
});
