import type { Auth } from "@kong-jwt-auth/core";

/** What every route plugin receives through `register`: the bound use cases, nothing global. */
export interface RouteOptions {
  readonly auth: Auth;
}
