/**
 * `@kong-jwt-auth/server`: the Fastify shell around `@kong-jwt-auth/core` (SPEC §3, §7).
 *
 * - {@link buildApp} builds the HTTP app over bound use cases, without listening;
 * - {@link loadConfig} validates the environment (SPEC §7);
 * - {@link startStack} is the composition root's work (database, adapters, Kong emulator in
 *   development, listening), used by `pnpm start` and the benchmarks.
 *
 * @module
 */

export {
  type App,
  type AppConfig,
  type AppDeps,
  buildApp,
  DEFAULT_BODY_LIMIT,
  type LogStream,
} from "./app.js";
export {
  type Config,
  type ConfigError,
  type DatabaseConfig,
  isConfigError,
  LOG_LEVELS,
  type LogLevel,
  loadConfig,
} from "./config.js";
export {
  type ErrorBody,
  type ErrorCode,
  errorBody,
  type HttpOnlyCode,
  RETRY_AFTER_SECONDS,
  sendAuthError,
  statusByCode,
} from "./http-errors.js";
export { checkKongConfig } from "./kong-config-check.js";
export {
  isStartupError,
  type Stack,
  type StackOptions,
  type StartupError,
  startStack,
} from "./stack.js";
export type { StackUrls } from "./walkthrough.js";
