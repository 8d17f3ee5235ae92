/**
 * Argument parsing of the `kong-emulator` CLI, kept pure so that it can be tested.
 */
import { parseArgs } from "node:util";

/** What the CLI was asked to do. */
export type CliCommand =
  | { readonly kind: "help" }
  | {
      readonly kind: "run";
      readonly config: string;
      readonly adminPort: number;
      readonly proxyPort: number;
      readonly host: string;
      readonly upstream?: string;
    }
  | { readonly kind: "error"; readonly message: string };

/** Usage text printed by `--help`. */
export const USAGE = `Usage: kong-emulator --config <kong.yaml> [options]

Runs a Kong 3.9.3 emulator: Admin API (consumers, JWT credentials) and a proxy with the
jwt plugin, configured from a decK-style declarative file.

Options:
  --config <file>       declarative config (_format_version "3.0"); required
  --admin-port <port>   Admin API port (default 8001; 0 picks a free port)
  --proxy-port <port>   proxy port (default 8000; 0 picks a free port)
  --host <address>      interface to bind (default 127.0.0.1)
  --upstream <url>      send every service's traffic to this URL instead
  --help                show this help
`;

function port(value: string | undefined, flag: string, fallback: number): number | string {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    return `${flag} must be a port number (0-65535), got '${value}'`;
  return Number(value);
}

/** Parses the CLI arguments (without `node` and the script). */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: "string" },
        "admin-port": { type: "string" },
        "proxy-port": { type: "string" },
        host: { type: "string" },
        upstream: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: "error", message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help === true) return { kind: "help" };
  const config = values.config;
  if (typeof config !== "string" || config === "") {
    return { kind: "error", message: "--config <file> is required" };
  }
  const adminPort = port(values["admin-port"] as string | undefined, "--admin-port", 8001);
  if (typeof adminPort === "string") return { kind: "error", message: adminPort };
  const proxyPort = port(values["proxy-port"] as string | undefined, "--proxy-port", 8000);
  if (typeof proxyPort === "string") return { kind: "error", message: proxyPort };
  const upstream = values.upstream as string | undefined;
  if (upstream !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(upstream);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
      return { kind: "error", message: `--upstream must be an http(s) URL, got '${upstream}'` };
    }
  }
  const host = (values.host as string | undefined) ?? "127.0.0.1";
  return {
    kind: "run",
    config,
    adminPort,
    proxyPort,
    host,
    ...(upstream === undefined ? {} : { upstream }),
  };
}
