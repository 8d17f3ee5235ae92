/**
 * `pnpm kong-emulator --config kong.yaml --admin-port 8001 --proxy-port 8000`: runs the
 * emulator until SIGTERM/SIGINT. Exit code 2 for bad flags or an unusable config file.
 */
import { parseCliArgs, USAGE } from "./cli-args.js";
import { KONG_VERSION } from "./constants.js";
import { KongConfigError, loadDeclarativeConfig } from "./declarative-config.js";
import { startKongEmulator } from "./http-server.js";

async function main(): Promise<number | undefined> {
  const command = parseCliArgs(process.argv.slice(2));
  if (command.kind === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command.kind === "error") {
    process.stderr.write(`kong-emulator: ${command.message}\n${USAGE}`);
    return 2;
  }
  let config: ReturnType<typeof loadDeclarativeConfig>;
  try {
    config = loadDeclarativeConfig({ path: command.config });
  } catch (error) {
    if (error instanceof KongConfigError) {
      process.stderr.write(`kong-emulator: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const logger = {
    info: () => {},
    warn: (message: string) => process.stderr.write(`kong-emulator: warning: ${message}\n`),
  };
  let emulator: Awaited<ReturnType<typeof startKongEmulator>>;
  try {
    emulator = await startKongEmulator({
      config,
      host: command.host,
      adminPort: command.adminPort,
      proxyPort: command.proxyPort,
      logger,
      ...(command.upstream === undefined ? {} : { upstream: command.upstream }),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`kong-emulator: cannot start: ${reason}\n`);
    return 2;
  }
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Before the ready line: a SIGTERM sent as soon as that line is read would otherwise, now
  // and then, find Node without its handler yet and kill the process (no exit code 0).
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  process.stdout.write(
    `Kong emulator ${KONG_VERSION} ready: proxy ${emulator.proxyUrl}, admin ${emulator.adminUrl}\n`,
  );
  return undefined;
}

main().then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `kong-emulator: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
