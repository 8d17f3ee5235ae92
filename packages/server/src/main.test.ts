/**
 * `pnpm start` for real: the start command as a child process, from the repository root, the
 * way a developer runs it. Slow-ish (tsx compiles on start), so only the essentials are here;
 * behaviour lives in the other suites.
 */

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePorts } from "@kong-jwt-auth/testkit/e2e";
import { afterEach, describe, expect, it } from "vitest";
import { WALKTHROUGH_USER, walkthrough } from "./walkthrough.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const START_TIMEOUT_MS = 20_000;

interface Started {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  readonly output: () => string;
  /** The exit code, once the process has exited and its output has been read to the end. */
  readonly exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
const tempDirs: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/**
 * Runs the README's start command, `pnpm start`, with only the given environment (plus PATH and
 * HOME). Signals go to pnpm itself, as a process manager's would: the script `exec`s node so
 * that pnpm's SIGTERM reaches the service instead of orphaning it.
 */
function start(env: Record<string, string>): Started {
  const child = spawn("pnpm", ["start"], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  // "close", not "exit": a child's stdout and stderr may still hold unread output at "exit",
  // and the assertions that follow read all of it.
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  return { child, output: () => output, exited };
}

/** Resolves once `text` has been printed; rejects if the process exits or takes too long. */
function waitFor(started: Started, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no "${text}" within ${START_TIMEOUT_MS} ms:\n${started.output()}`));
    }, START_TIMEOUT_MS);
    const check = (): void => {
      if (started.output().includes(text)) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`exited with ${code} before "${text}":\n${started.output()}`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      started.child.stdout?.off("data", check);
      started.child.off("close", onExit);
    };
    started.child.stdout?.on("data", check);
    started.child.once("close", onExit);
    check();
  });
}

async function tempDatabaseUrl(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kong-jwt-auth-start-"));
  tempDirs.push(dir);
  return `file:${join(dir, "auth.db")}`;
}

async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("pnpm start", () => {
  it("starts with the Kong emulator, serves the walkthrough, and exits 0 on SIGTERM", async () => {
    const [port, proxyPort, adminPort] = await freePorts(3);
    const proxy = `http://127.0.0.1:${proxyPort}`;
    const started = start({
      PORT: String(port),
      KONG_PROXY_PORT: String(proxyPort),
      KONG_ADMIN_PORT: String(adminPort),
      DATABASE_URL: await tempDatabaseUrl(),
    });
    await waitFor(started, "Try the whole flow");
    await waitFor(started, "kong-jwt-auth ready");
    const readyLines = started
      .output()
      .split("\n")
      .filter((line) => line.includes("kong-jwt-auth ready"));
    expect(readyLines, started.output()).toHaveLength(1);
    expect(readyLines[0]).toContain(`proxy ${proxy}`);
    expect(started.output()).toContain(walkthrough(proxy).split("\n")[0]);

    // The walkthrough's requests, through Kong's proxy.
    expect((await postJson(`${proxy}/api/public/signup`, WALKTHROUGH_USER)).status).toBe(201);
    const signin = await postJson(`${proxy}/api/public/signin`, WALKTHROUGH_USER);
    expect(signin.status).toBe(200);
    const tokens = (await signin.json()) as { access_token: string; refresh_token: string };
    const info = await fetch(`${proxy}/api/jwt/info`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ username: "alice" });
    const refreshed = await postJson(`${proxy}/api/public/refresh`, {
      refresh_token: tokens.refresh_token,
    });
    expect(refreshed.status).toBe(200);

    // The printed walkthrough itself is copy-pasteable: run it in a shell (needs curl and sed).
    const { stdout } = await promisify(execFile)("sh", ["-c", walkthrough(proxy)]);
    const lines = stdout.trim().split("\n");
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({ code: "username_taken" });
    expect(JSON.parse(lines[2] ?? "")).toMatchObject({ username: "alice" });
    expect(JSON.parse(lines[3] ?? "")).toMatchObject({ token_type: "Bearer" });

    started.child.kill("SIGTERM");
    expect(await started.exited).toBe(0);
    // The log (JSON lines; the banner above them shows the example password on purpose).
    const log = started
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .join("\n");
    expect(log).toContain("/api/public/signin");
    for (const secret of [WALKTHROUGH_USER.password, tokens.access_token, tokens.refresh_token]) {
      expect(log).not.toContain(secret);
    }
  });

  it("refuses to start in production without KONG_ADMIN_URL", async () => {
    const started = start({ NODE_ENV: "production", DATABASE_URL: ":memory:" });
    expect(await started.exited).toBe(1);
    expect(started.output()).toContain(
      "KONG_ADMIN_URL is required in production; the built-in Kong emulator is for development only",
    );
  });
});
