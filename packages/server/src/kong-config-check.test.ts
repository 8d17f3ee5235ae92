import { fileURLToPath } from "node:url";
import { loadDeclarativeConfig } from "@kong-jwt-auth/testkit/kong-emulator";
import { describe, expect, it } from "vitest";
import { checkKongConfig } from "./kong-config-check.js";

const KONG_YAML = fileURLToPath(new URL("../../../kong.yaml", import.meta.url));

/** A kong.yaml with one service, a public route and a jwt route, the plugin where asked. */
function kongYaml(options: { routePlugin?: string; servicePlugin?: string; jwtPath?: string }) {
  const indent = (text: string, spaces: number) =>
    text
      .split("\n")
      .map((line) => " ".repeat(spaces) + line)
      .join("\n");
  return loadDeclarativeConfig({
    text: `_format_version: "3.0"
services:
  - name: api
    url: http://127.0.0.1:3000
${options.servicePlugin ? `    plugins:\n${indent(options.servicePlugin, 6)}\n` : ""}    routes:
      - name: public
        paths: [/api/public]
      - name: protected
        paths: [${options.jwtPath ?? "/api/jwt"}]
${options.routePlugin ? `        plugins:\n${indent(options.routePlugin, 10)}\n` : ""}`,
  });
}

function jwtPlugin(config: string): string {
  return `- name: jwt\n  config:\n${config
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n")}`;
}

const GOOD = "claims_to_verify: [exp]\nkey_claim_name: iss\nmaximum_expiration: 900";

describe("checkKongConfig", () => {
  it("accepts the repository's kong.yaml with the default ACCESS_TOKEN_TTL", () => {
    expect(checkKongConfig(loadDeclarativeConfig({ path: KONG_YAML }), 900)).toEqual([]);
  });

  it("accepts a jwt plugin on the service instead of the route", () => {
    expect(checkKongConfig(kongYaml({ servicePlugin: jwtPlugin(GOOD) }), 900)).toEqual([]);
  });

  it("refuses a /api/jwt route without a jwt plugin", () => {
    expect(checkKongConfig(kongYaml({}), 900)).toEqual([
      "route protected (/api/jwt) has no jwt plugin: Kong would forward requests without a token",
    ]);
  });

  it("refuses a config with no /api/jwt route", () => {
    expect(checkKongConfig(kongYaml({ jwtPath: "/api/other" }), 900)).toEqual([
      "no route has the path /api/jwt, so Kong would not forward it",
    ]);
  });

  it("refuses a jwt plugin that does not verify exp", () => {
    const config = kongYaml({
      routePlugin: jwtPlugin("key_claim_name: iss\nmaximum_expiration: 900"),
    });
    expect(checkKongConfig(config, 900)).toEqual([
      expect.stringMatching(/claims_to_verify must include exp/),
    ]);
  });

  it("refuses a jwt plugin that looks the credential up by another claim than iss", () => {
    const config = kongYaml({
      routePlugin: jwtPlugin(
        "claims_to_verify: [exp]\nkey_claim_name: kid\nmaximum_expiration: 900",
      ),
    });
    expect(checkKongConfig(config, 900)).toEqual([
      expect.stringMatching(/key_claim_name must be iss .*got "kid"/),
    ]);
  });

  it("refuses a maximum_expiration below ACCESS_TOKEN_TTL, and 0 (no bound)", () => {
    expect(checkKongConfig(kongYaml({ routePlugin: jwtPlugin(GOOD) }), 901)).toEqual([
      expect.stringMatching(/maximum_expiration \(900\) must be ≥ ACCESS_TOKEN_TTL \(901\)/),
    ]);
    const unbounded = kongYaml({
      routePlugin: jwtPlugin("claims_to_verify: [exp]\nmaximum_expiration: 0"),
    });
    expect(checkKongConfig(unbounded, 900)).toEqual([
      expect.stringMatching(/maximum_expiration is 0 \(no limit\)/),
    ]);
  });
});
