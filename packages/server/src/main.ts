/**
 * The composition root behind `pnpm start`: configuration from the environment, the stack,
 * a development banner, and a graceful shutdown on SIGTERM/SIGINT. Nothing else reads
 * `process.env` or calls `process.exit`.
 *
 * @module
 */

import closeWithGrace from "close-with-grace";
import { isConfigError, loadConfig } from "./config.js";
import { isStartupError, type Stack, startStack } from "./stack.js";
import { developmentBanner } from "./walkthrough.js";

/** How long in-flight requests may take to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  let stack: Stack;
  try {
    stack = await startStack({ config: loadConfig() });
  } catch (error) {
    if (isConfigError(error) || isStartupError(error)) {
      process.stderr.write(`kong-jwt-auth: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  if (stack.emulator) process.stdout.write(`${developmentBanner(stack.urls)}\n`);

  closeWithGrace({ delay: SHUTDOWN_GRACE_MS, logger: stack.app.log }, async ({ err, signal }) => {
    if (err) stack.app.log.error({ err }, "shutting down after an unexpected error");
    else stack.app.log.info({ signal }, "shutting down");
    await stack.close();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `kong-jwt-auth: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
