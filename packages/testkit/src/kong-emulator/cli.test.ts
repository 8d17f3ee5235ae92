import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { parseCliArgs } from "./cli-args.js";
import { runEmulatorCli as run } from "./test-support.js";

describe("parseCliArgs", () => {
  it("reads the flags and fills the defaults", () => {
    expect(parseCliArgs(["--config", "kong.yaml"])).toEqual({
      kind: "run",
      config: "kong.yaml",
      adminPort: 8001,
      proxyPort: 8000,
      host: "127.0.0.1",
    });
    expect(
      parseCliArgs([
        "--config=k.yaml",
        "--admin-port",
        "0",
        "--proxy-port",
        "9000",
        "--upstream",
        "http://127.0.0.1:3000",
        "--host",
        "0.0.0.0",
      ]),
    ).toEqual({
      kind: "run",
      config: "k.yaml",
      adminPort: 0,
      proxyPort: 9000,
      host: "0.0.0.0",
      upstream: "http://127.0.0.1:3000",
    });
    expect(parseCliArgs(["--help"])).toEqual({ kind: "help" });
  });

  it.each([
    [[], "--config <file> is required"],
    [
      ["--config", "k", "--admin-port", "x"],
      "--admin-port must be a port number (0-65535), got 'x'",
    ],
    [
      ["--config", "k", "--proxy-port", "70000"],
      "--proxy-port must be a port number (0-65535), got '70000'",
    ],
    [
      ["--config", "k", "--upstream", "ftp://x"],
      "--upstream must be an http(s) URL, got 'ftp://x'",
    ],
  ])("refuses %j with one clear message", (argv, message) => {
    expect(parseCliArgs(argv)).toEqual({ kind: "error", message });
  });

  it("refuses unknown flags", () => {
    const result = parseCliArgs(["--config", "k", "--nope"]);
    expect(result.kind).toBe("error");
  });
});

/**
 * The exit code, once the child's stdout and stderr are read to the end: "close", not "exit",
 * after which output the assertions read may still be unread.
 */
function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on("close", (code) => resolve(code)));
}

describe("kong-emulator CLI", () => {
  it("prints one ready line, serves both listeners and exits 0 on SIGTERM", async () => {
    const child = run(["--config", "kong.yaml", "--admin-port", "0", "--proxy-port", "0"]);
    const exited = exitOf(child);
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(out);
      });
      child.on("exit", () => reject(new Error(`exited early: ${out}`)));
    });
    expect(line).toMatch(
      /^Kong emulator 3\.9\.3 ready: proxy http:\/\/127\.0\.0\.1:\d+, admin http:\/\/127\.0\.0\.1:\d+\n$/,
    );
    const admin = /admin (http:\/\/\S+)/.exec(line)?.[1] ?? "";
    const proxy = /proxy (http:\/\/[^,]+)/.exec(line)?.[1] ?? "";
    expect(await (await fetch(`${admin}/`)).json()).toMatchObject({ version: "3.9.3" });
    expect((await fetch(`${proxy}/api/jwt/info`)).status).toBe(401);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 20_000);

  it("exits 2 with a message naming the problem for a missing config file", async () => {
    const child = run(["--config", "does-not-exist.yaml"]);
    let err = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    expect(await exitOf(child)).toBe(2);
    expect(err).toContain("does-not-exist.yaml");
    expect(err).toContain("cannot read the file");
  }, 20_000);

  it("exits non-zero naming the listener when a port is already in use", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const child = run([
        "--config",
        "kong.yaml",
        "--admin-port",
        String(port),
        "--proxy-port",
        "0",
      ]);
      let err = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        err += chunk.toString();
      });
      expect(await exitOf(child)).toBe(2);
      expect(err.split("\n")[0]).toBe(
        `kong-emulator: cannot start: admin port 127.0.0.1:${port} is already in use`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 20_000);
});
