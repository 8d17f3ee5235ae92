/**
 * The core is pure by rule, not by hope: Biome refuses `node:*` modules, packages and I/O globals
 * in `packages/core/src`. These tests lint probe files there and expect the build to fail.
 */

import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "../../..");
const BIOME = join(ROOT, "node_modules/.bin/biome");

/** Lints `source` as a file of core's src; answers Biome's exit code and its output. */
async function lintInCore(source: string): Promise<{ exitCode: number; output: string }> {
  const probe = join(import.meta.dirname, `purity-probe-${process.pid}-${Date.now()}.ts`);
  await writeFile(probe, source);
  try {
    const { stdout, stderr } = await run(BIOME, ["lint", "--max-diagnostics=50", probe], {
      cwd: ROOT,
    });
    return { exitCode: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: failed.code ?? 1, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  } finally {
    await rm(probe, { force: true });
  }
}

describe("the purity rule of packages/core/src", () => {
  it("fails the lint of a core file that imports node:crypto", async () => {
    const { exitCode, output } = await lintInCore(
      'import { createHash } from "node:crypto";\n\nexport const digest = createHash;\n',
    );
    expect(exitCode).not.toBe(0);
    expect(output).toContain("noNodejsModules");
    expect(output).toContain("core is pure");
  });

  it("fails the lint of a core file that imports a package", async () => {
    const { exitCode, output } = await lintInCore(
      'import ky from "ky";\n\nexport const client = ky;\n',
    );
    expect(exitCode).not.toBe(0);
    expect(output).toContain("noRestrictedImports");
  });

  it("fails the lint of a core file that reaches into another package by relative path", async () => {
    const { exitCode, output } = await lintInCore(
      'import { createFakeClock } from "../../testkit/src/index.js";\n\nexport const clock = createFakeClock;\n',
    );
    expect(exitCode).not.toBe(0);
    expect(output).toContain("stay inside packages/core/src");
  });

  it("fails the lint of a core file that reads the clock or the environment directly", async () => {
    const { exitCode, output } = await lintInCore(
      "export const now = (): number => Date.now();\nexport const env = (): unknown => process.env;\n",
    );
    expect(exitCode).not.toBe(0);
    expect(output).toContain("noRestrictedGlobals");
  });

  it("passes a core file that imports only other core modules", async () => {
    const { exitCode, output } = await lintInCore(
      'import { ok } from "./errors.js";\n\nexport const done = ok(1);\n',
    );
    expect(output).not.toContain("core is pure");
    expect(exitCode).toBe(0);
  });
});
