/**
 * Kong 3.9.x emulator: an in-memory model of consumers and JWT credentials, the Admin API
 * over it as a fetch handler, and an HTTP server with the Admin API and a proxy running the
 * jwt plugin. msw handlers live in `@kong-jwt-auth/testkit/kong-emulator/msw`.
 *
 * @packageDocumentation
 */
export { type AdminApiHandler, type AdminApiOptions, createAdminApi } from "./admin-api.js";
export { HEADERS, JWT_ALGORITHMS, type JwtAlgorithm, KONG_VERSION } from "./constants.js";
export type { DaoError, FieldErrors } from "./dao-errors.js";
export {
  type DeclarativeConfig,
  type JwtPluginInstance,
  KongConfigError,
  loadDeclarativeConfig,
  type RouteConfig,
  type ServiceConfig,
} from "./declarative-config.js";
export {
  type EmulatorLogger,
  type KongEmulatorOptions,
  type RunningKongEmulator,
  startKongEmulator,
} from "./http-server.js";
export {
  DEFAULT_JWT_CONFIG,
  type JwtPluginConfig,
  validateJwtConfig,
  type WwwAuthenticateFormat,
} from "./jwt-plugin.js";
export {
  createKongModel,
  type DaoResult,
  type EntityDao,
  type KongConsumer,
  type KongJwtCredential,
  type KongModel,
  KongModelError,
  type KongModelOptions,
  type Lookup,
} from "./model.js";
