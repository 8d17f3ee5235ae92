/**
 * Port of Kong 3.9.3 `spec/03-plugins/16-jwt/06-schema_spec.lua`. Kong validates the config
 * against the plugin schema (`validate_plugin_config_schema`); here the same config is put
 * on a jwt plugin in a declarative file: a valid one starts the emulator, an invalid one makes
 * the CLI exit 2 listing the problems, each with the field errors Kong reports.
 */
import { describe, expect, it } from "vitest";
import { launchKong } from "./spec-helpers.js";

/** `v(config, schema_def)`: `ok` when the emulator starts, else the problems it listed. */
async function v(config: Record<string, unknown>): Promise<{ ok: boolean; problems: string[] }> {
  const started = await launchKong({
    _format_version: "3.0",
    plugins: [{ name: "jwt", config }],
  });
  if (started.ok) {
    expect(await started.kong.stop()).toBe(0);
    return { ok: true, problems: [] };
  }
  expect(started.code).toBe(2);
  const problems = started.stderr
    .split("\n")
    .filter((line) => line.startsWith("  - "))
    .map((line) => line.slice(4));
  return { ok: false, problems };
}

describe("Plugin: jwt (schema)", () => {
  it("validates 'maximum_expiration'", async () => {
    const { ok, problems } = await v({ maximum_expiration: 60, claims_to_verify: ["exp", "nbf"] });
    expect(problems).toEqual([]);
    expect(ok).toBe(true);
  });

  describe("errors", () => {
    it("when 'maximum_expiration' is negative", async () => {
      let result = await v({ maximum_expiration: -1, claims_to_verify: ["exp", "nbf"] });
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual([
        "plugins[0] (jwt): schema violation (config.maximum_expiration: value should be between 0 and 31536000)",
      ]);

      result = await v({ maximum_expiration: -1, claims_to_verify: ["nbf"] });
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual([
        "plugins[0] (jwt): schema violation (config.maximum_expiration: value should be between 0 and 31536000)",
      ]);
    });

    it("when 'maximum_expiration' is specified without 'exp' in 'claims_to_verify'", async () => {
      const { ok, problems } = await v({ maximum_expiration: 60, claims_to_verify: ["nbf"] });
      expect(ok).toBe(false);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain("config.claims_to_verify: expected to contain: exp");
    });
  });
});
