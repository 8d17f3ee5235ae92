import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KongConfigError, loadDeclarativeConfig, migratePath } from "./declarative-config.js";
import { DEFAULT_JWT_CONFIG } from "./jwt-plugin.js";

function problemsOf(text: string): readonly string[] {
  try {
    loadDeclarativeConfig({ text });
  } catch (error) {
    if (error instanceof KongConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a KongConfigError");
}

describe("loadDeclarativeConfig", () => {
  it("loads the repository's kong.yaml with the jwt plugin on api-jwt only", () => {
    const config = loadDeclarativeConfig({
      path: join(import.meta.dirname, "../../../../kong.yaml"),
    });
    expect(config.services).toEqual([
      expect.objectContaining({ name: "kong-jwt-auth", host: "127.0.0.1", port: 3000, path: null }),
    ]);
    expect(config.routes.map((route) => [route.name, route.paths, route.stripPath])).toEqual([
      ["api-public", ["/api/public"], false],
      ["api-docs", ["/docs", "/openapi.json"], false],
      ["api-jwt", ["/api/jwt"], false],
    ]);
    expect(config.plugins).toHaveLength(1);
    expect(config.plugins[0]?.routeId).toBe(config.routes[2]?.id);
    expect(config.plugins[0]?.config).toEqual({
      ...DEFAULT_JWT_CONFIG,
      claims_to_verify: ["exp"],
      uri_param_names: [],
      maximum_expiration: 3600,
    });
    expect(config.consumers).toEqual([]);
    expect(config.warnings).toEqual([]);
  });

  it("loads consumers with nested and top-level jwt_secrets, defaults filled in", () => {
    const config = loadDeclarativeConfig({
      text: `_format_version: "3.0"
consumers:
  - username: demo
    jwt_secrets:
      - key: demo-issuer
        secret: s3cret
jwt_secrets:
  - consumer: demo
    key: second
`,
    });
    expect(config.consumers).toEqual([
      expect.objectContaining({ username: "demo", custom_id: null }),
    ]);
    const demoId = config.consumers[0]?.id;
    expect(config.jwtSecrets).toEqual([
      expect.objectContaining({
        key: "demo-issuer",
        secret: "s3cret",
        algorithm: "HS256",
        consumer: { id: demoId },
      }),
      expect.objectContaining({ key: "second", consumer: { id: demoId } }),
    ]);
  });

  it("lists every problem of a bad file in one KongConfigError", () => {
    const problems = problemsOf(`_format_version: "4.0"
services:
  - name: a
    url: http://127.0.0.1:3000
    routes:
      - name: dup
        paths: [/x]
        plugins:
          - name: jwt
            config: { not_a_field: 1 }
      - name: dup
        paths: [no-slash]
        plugins:
          - name: jwt
            config: { maximum_expiration: -1 }
      - name: other
        paths: [/y]
        plugins:
          - name: jwt
            config: { maximum_expiration: 60, claims_to_verify: [nbf] }
consumers:
  - username: bob
  - username: bob
`);
    expect(problems).toEqual([
      '_format_version: expected one of: 1.1, 2.1, 3.0 (got "4.0")',
      "services[0].routes[1].name: duplicate route name 'dup'",
      "services[0].routes[1].paths[0]: should start with: / (fixed path) or ~/ (regex path)",
      `consumers[1]: UNIQUE violation detected on '{username="bob"}'`,
      "services[0].routes[0].plugins[0] (jwt): schema violation (config.not_a_field: unknown field)",
      "services[0].routes[1].plugins[0] (jwt): schema violation (config.maximum_expiration: value should be between 0 and 31536000)",
      "services[0].routes[2].plugins[0] (jwt): 2 schema violations (failed conditional validation given value of field 'config.maximum_expiration'; config.claims_to_verify: expected to contain: exp)",
    ]);
  });

  it("reports a missing _format_version and a route without criteria", () => {
    expect(problemsOf("services:\n  - url: http://a\n    routes:\n      - name: r\n")).toEqual([
      "_format_version: required field missing",
      "services[0].routes[0]: must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http'",
    ]);
  });

  it("ignores other plugins with one warning each", () => {
    const config = loadDeclarativeConfig({
      text: `_format_version: "3.0"
services:
  - url: http://127.0.0.1:3000
    plugins: [{ name: rate-limiting, config: { minute: 5 } }]
    routes:
      - paths: [/]
        plugins: [{ name: cors }, { name: jwt }]
plugins: [{ name: prometheus }]
`,
    });
    expect(config.plugins).toHaveLength(1);
    expect(config.warnings).toEqual([
      "ignoring plugin 'cors' at services[0].routes[0].plugins[0]: not emulated by the Kong emulator",
      "ignoring plugin 'rate-limiting' at services[0].plugins[0]: not emulated by the Kong emulator",
      "ignoring plugin 'prometheus' at plugins[0]: not emulated by the Kong emulator",
    ]);
  });

  it("names the file when it cannot be read or parsed", () => {
    const dir = mkdtempSync(join(tmpdir(), "kong-emulator-"));
    try {
      const missing = join(dir, "missing.yaml");
      expect(() => loadDeclarativeConfig({ path: missing })).toThrow(
        /missing\.yaml.*cannot read the file/s,
      );
      const broken = join(dir, "broken.yaml");
      writeFileSync(broken, "services: [\n");
      expect(() => loadDeclarativeConfig({ path: broken })).toThrow(/not valid YAML or JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("loadDeclarativeConfig: shapes Kong's declarative schema accepts", () => {
  // kong/db/schema/others/declarative_config.lua: one_of {"1.1", "2.1", "3.0"}, and
  // kong/db/declarative/migrations/route_path.lua migrates 1.1/2.1 paths to 3.0.
  it.each(["1.1", "2.1"])(
    "loads _format_version %s and turns its regex paths into ~ paths",
    (version) => {
      const config = loadDeclarativeConfig({
        text: `_format_version: "${version}"
services:
  - name: s
    url: http://127.0.0.1:3000
    routes:
      - name: r
        paths: [/plain/path, "/users/\\\\d+", /a//b]
`,
      });
      expect(config.routes[0]?.paths).toEqual(["/plain/path", "~/users/\\d+", "/a/b"]);
    },
  );

  it("migrates a 1.1 path like Kong's migrate_path_280_300", () => {
    expect(migratePath("/foo%2Dbar")).toBe("/foo-bar");
    expect(migratePath("/x/./y/../z")).toBe("/x/z");
    expect(migratePath("/v(1|2)%2E")).toBe("~/v(1|2)\\.");
  });

  it("accepts _comment and _ignore on the file and on every entity", () => {
    const config = loadDeclarativeConfig({
      text: `_format_version: "3.0"
_comment: top
_ignore: [x]
services:
  - name: s
    _comment: a service
    url: http://127.0.0.1:3000
    routes:
      - name: r
        _ignore: [y]
        hosts: [jwt1.test]
        plugins: [{ name: jwt, _comment: p }]
consumers:
  - username: bob
    _comment: c
    jwt_secrets: [{ key: k, _comment: j }]
`,
    });
    expect(config.jwtSecrets.map((credential) => credential.key)).toEqual(["k"]);
    expect(config.plugins).toHaveLength(1);
  });

  it("loads key-auth plugins and keyauth_credentials, nested and top-level", () => {
    const config = loadDeclarativeConfig({
      text: `_format_version: "3.0"
services:
  - name: s
    url: http://127.0.0.1:3000
    routes:
      - name: r
        hosts: [logical-and.test]
        plugins: [{ name: jwt }, { name: key-auth, config: { hide_credentials: true } }]
consumers:
  - username: Mickey
    keyauth_credentials: [{ key: Mouse }]
  - username: Aladdin
keyauth_credentials:
  - consumer: Aladdin
    key: Lamp
`,
    });
    expect(config.keyAuthCredentials?.map((credential) => credential.key)).toEqual([
      "Mouse",
      "Lamp",
    ]);
    expect(config.extraPlugins).toMatchObject([
      { name: "key-auth", config: { key_names: ["apikey"], hide_credentials: true } },
    ]);
    expect(config.warnings).toEqual([]);
  });
});
